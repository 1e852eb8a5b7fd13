// Goal: prove that a change which claims "no behaviour change" changes nothing a sim run shows.
// A documented behaviour change updates the digests in the same commit and says why in its
// message. Last updated by issue 12: the efficient sim market became the default (books on
// the true probability, makers reacting to our fills), settlement by the market's rule,
// reject episodes, per-level consumed depth, no price improvement from latency, the
// fee-aware divergence, the volatility estimator, and the new summary lines. Merged with
// the dashboard's sim venue health (issue 14): more inputs and feed_health events, every
// fill and every PnL figure unchanged (the summaries differ only in their input count).
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, 'ca43a4f7506fe305301b7db5764a6d6da8a677b5677b33b5b7438a203940a01f'],
    [7, '6fcda22ebeb78993d641eb1d1109ffd60e4d8171f90c89cf156c05e5603343d1'],
    [42, '0b60f3d3adc0f967a8ea705dc179d7752c56968fcfecd78f487e07f367855967'],
  ])('seed %i over 2 h prints the pinned summary', async (seed, sha) => {
    const d = await simDigest(seed, TWO_HOURS_MS);
    expect(d.summary).toContain(`Polylab run sim-${seed}`);
    expect(d.summarySha, d.summary).toBe(sha);
  });

  it('seed 7 over 30 min emits the pinned output event stream', async () => {
    const d = await simDigest(7, 30 * 60_000);
    expect(d.events).toBe(19998);
    expect(d.eventsSha).toBe('6fa5b04b875bdb574663dd3b560940894d035a1ccbc3f5f43232575360d96187');
  });

  it('seed 7 over 2 h on the noisy sim market prints the pinned summary', async () => {
    const d = await simDigest(7, TWO_HOURS_MS, { POLYLAB_SIM_MARKET: 'noisy' });
    expect(d.summary).toContain('sim market    noisy');
    expect(d.summarySha, d.summary).toBe('3f1bf76c69aebe9673f8aa17bd6e05dd5dfb6960d6990e30035b66628a0fda79');
  });
});
