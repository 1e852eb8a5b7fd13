// Goal: prove that a change which claims "no behaviour change" changes nothing a sim run shows.
// A documented behaviour change updates the digests in the same commit and says why in its
// message. Last updated by issue 12: the efficient sim market became the default (books on
// the true probability, makers reacting to our fills), settlement by the market's rule,
// reject episodes, per-level consumed depth, no price improvement from latency, the
// fee-aware divergence, the volatility estimator, and the new summary lines.
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, 'c21ec90afa9e9746ac7335a2424f69cb1854676a2bbade447eea33e55f2abae6'],
    [7, '225e8376838ce81a2e80b5e41f32691db0c7fa5ef02bcc29be29dd93136e8c60'],
    [42, '1299e180ec48e61c9b498e3c76c5c970e3e9e9b0039c57852adb906ea73fef04'],
  ])('seed %i over 2 h prints the pinned summary', async (seed, sha) => {
    const d = await simDigest(seed, TWO_HOURS_MS);
    expect(d.summary).toContain(`Polylab run sim-${seed}`);
    expect(d.summarySha, d.summary).toBe(sha);
  });

  it('seed 7 over 30 min emits the pinned output event stream', async () => {
    const d = await simDigest(7, 30 * 60_000);
    expect(d.events).toBe(17471);
    expect(d.eventsSha).toBe('694177c9aed245539dd70fbd871ebfdb2f424bb6c0172a696b930d38acde23f9');
  });

  it('seed 7 over 2 h on the noisy sim market prints the pinned summary', async () => {
    const d = await simDigest(7, TWO_HOURS_MS, { POLYLAB_SIM_MARKET: 'noisy' });
    expect(d.summary).toContain('sim market    noisy');
    expect(d.summarySha, d.summary).toBe('c5cad05945ddd67efcf4c9a2d2a7bd67d9d410fa4da24451ce9e81b85b19eb42');
  });
});
