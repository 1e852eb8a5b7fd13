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
// Then issue 22: the summary prints the read model's named figures (src/views/figures.ts):
// `trades … win rate` became `closed trades won`, `edge paid` became `edge vs mid`, and
// `fills` gained buys/sells/volume; new lines `fees paid`, `markets won`, `edge vs fair
// value`; the labels are one column wider. Every number the old summary printed is unchanged.
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, 'fbb5957cbbd75a9a1441c061bbeecf46ee409d69343a3bbadb1e23283cc93eb4'],
    [7, '76bc95a4edb7c6efb074f87edf5be13044dbf49c13a9064e414854356b366229'],
    [42, '4e08f27b686c6f35040a6423a619a38324a5a34962250925070db1e865d0619b'],
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
    expect(d.summary).toMatch(/sim market +noisy/);
    expect(d.summarySha, d.summary).toBe('bacf5d65738b27746874d91e56613739c7ff4a9854afe4f08403371e97cf4790');
  });
});
