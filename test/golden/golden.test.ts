// Goal: prove that a change which claims "no behaviour change" changes nothing a sim run shows.
// A documented behaviour change updates the digests in the same commit and says why in its
// message. Last updated by issue 12: the efficient sim market became the default (books on
// the true probability, makers reacting to our fills), settlement by the market's rule,
// reject episodes, per-level consumed depth, no price improvement from latency, the
// fee-aware divergence, the volatility estimator, and the new summary lines. Merged with
// the dashboard's sim venue health (issue 14): more inputs and feed_health events, every
// fill and every PnL figure unchanged (the summaries differ only in their input count).
// Then issue 15: fair value starts from the market's resolution source (the sim's oracle)
// when it printed in the last 5 s, the median otherwise, and each signal says which.
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, 'c376392fa814819cc4cc81b7d0280b544d0b13481b7c61cd37d67cebbe431112'],
    [7, 'c6a6152f947d8b2a75b7b9558f06f1a11a470ce45da8d3e771f94a11676e3049'],
    [42, 'c11b5b64b9e9d3e311a7cde6da30f8e0eace7923619e1c37f75c77607d6d63c7'],
  ])('seed %i over 2 h prints the pinned summary', async (seed, sha) => {
    const d = await simDigest(seed, TWO_HOURS_MS);
    expect(d.summary).toContain(`Polylab run sim-${seed}`);
    expect(d.summarySha, d.summary).toBe(sha);
  });

  it('seed 7 over 30 min emits the pinned output event stream', async () => {
    const d = await simDigest(7, 30 * 60_000);
    expect(d.events).toBe(20078);
    expect(d.eventsSha).toBe('35c49268c6203691d090c77ed1473e013406fad95d59884d0e2744d4e189abfa');
  });

  it('seed 7 over 2 h on the noisy sim market prints the pinned summary', async () => {
    const d = await simDigest(7, TWO_HOURS_MS, { POLYLAB_SIM_MARKET: 'noisy' });
    expect(d.summary).toContain('sim market    noisy');
    expect(d.summarySha, d.summary).toBe('a2048c0b6517bc6862bfa4472c7b2745ce574f359d62f98109f0db1e76ce1f85');
  });
});
