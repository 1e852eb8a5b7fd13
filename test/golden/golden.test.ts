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
// Then issue 25: the sim's noise and informed takers print a public tape (more inputs; tape
// confirmation now confirms some fills; the depth they take changes the books, so more
// quote events, a markout digit and one pessimistic bound move), and the sim's markets
// carry a rebate rate and no taker delay. Every fill, fee and PnL figure is unchanged.
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, 'aa430fea6285647b015d2dbc060795c0d61f121cd41b9fec27a407efab7ff74f'],
    [7, '361534ec9f8634fe2d7d2c7b8cd58bab67f77793a9b2b69b417e7021531a3602'],
    [42, 'ed8173e4893fdd75c19b307ac5ae9376326a61688598975be9ce94ea30b01413'],
  ])('seed %i over 2 h prints the pinned summary', async (seed, sha) => {
    const d = await simDigest(seed, TWO_HOURS_MS);
    expect(d.summary).toContain(`Polylab run sim-${seed}`);
    expect(d.summarySha, d.summary).toBe(sha);
  });

  it('seed 7 over 30 min emits the pinned output event stream', async () => {
    const d = await simDigest(7, 30 * 60_000);
    expect(d.events).toBe(20492);
    expect(d.eventsSha).toBe('aa506d6c12914bec8d5253a689a8588dfa8d7e40812bb8776b04987df615ba3a');
  });

  it('seed 7 over 2 h on the noisy sim market prints the pinned summary', async () => {
    const d = await simDigest(7, TWO_HOURS_MS, { POLYLAB_SIM_MARKET: 'noisy' });
    expect(d.summary).toContain('sim market    noisy');
    expect(d.summarySha, d.summary).toBe('42815e0144e7197174eb88509231cc0dc4d7bf5412f547c87dc30812958dc2ad');
  });
});
