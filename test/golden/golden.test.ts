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
// Then issue 22: the summary prints the read model's named figures (src/views/figures.ts):
// `trades … win rate` became `closed trades won`, `edge paid` became `edge vs mid`, and
// `fills` gained buys/sells/volume; new lines `fees paid`, `markets won`, `edge vs fair
// value`; the labels are one column wider. Every number the old summary printed is unchanged.
// Merged (issues 22 and 25): issue 25's numbers under issue 22's figure names; a run with
// maker rebates prints a `rebates earned` line (none of the pinned runs has any).
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, '43c1a48a4e688f34d7b208ed7f3cb120ae592cda97b3911546ed52dd63056fba'],
    [7, '741a64a4f4376260398090d7262c8f95c47103310a0016176788f33e4098882a'],
    [42, 'f1e87a0b6b096a7a21222ae24bd6e8f3bb68c3984254afdc1d9b47329e49894f'],
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
    expect(d.summary).toMatch(/sim market +noisy/);
    expect(d.summarySha, d.summary).toBe('ba46e565564eafdc365a2753a4734fad1f17568450b662d5597b6496ea5500a2');
  });
});
