// Goal: on the efficient sim market nothing wins — random buying and always buying Up lose about half the spread plus the taker fee per share, divergence and fair-value show no significant edge — while the same measures do flag the noisy market's free lunch.
//
// Tolerances. Per fill (s = +1 buy, −1 sell), PnL = −[s·q·(px − τ) + fee] + s·q·(V − τ) exactly,
// τ the sim's true probability at the fill and V the payout. The first part, what the fill
// paid against the truth, is nearly noise-free; the second has mean zero in a market that
// prices the truth and is the statistical noise of the realized PnL. Its standard error is
// √(Σ over windows of (Σ s·q·(V − τ))²) / shares: fills of one window share one outcome, so
// the tolerance shrinks with the number of windows (144 five-minute windows here), not fills.
import { describe, expect, it } from 'vitest';
import { edgeStats, RandomBuyer, runSim, type EdgeStats } from './sim-harness.ts';

const HOURS_12 = 12 * 3_600_000;
const FIVE_MINUTE_WINDOWS = { windowMs: 300_000 };

/** The kill switch is off: a strategy stopped after a losing streak would leave fewer windows to measure. */
const NO_KILL_SWITCH = { POLYLAB_RISK_DAILY_LOSS_LIMIT: '1000000' };

async function measure(o: { strategy?: RandomBuyer; env?: Record<string, string>; market?: 'efficient' | 'noisy' }): Promise<EdgeStats> {
  const run = await runSim({
    seed: 1,
    durationMs: HOURS_12,
    strategy: o.strategy,
    env: { ...NO_KILL_SWITCH, ...o.env },
    sim: { ...FIVE_MINUTE_WINDOWS, market: o.market ?? 'efficient' },
  });
  const s = edgeStats(run);
  expect(s.windows).toBeGreaterThanOrEqual(140);
  return s;
}

/**
 * Loses about half the spread plus the fee: pays at least that against the truth (latency,
 * and the makers' lean after our own buys, may add a little: `allowance`), and the realized
 * loss agrees within 3 standard errors.
 */
function losesHalfSpreadPlusFee(s: EdgeStats, allowance: number): void {
  expect(s.fills).toBeGreaterThan(300);
  expect(s.costVsTruth).toBeGreaterThanOrEqual(s.halfSpreadPlusFee - 0.002);
  expect(s.costVsTruth).toBeLessThanOrEqual(s.halfSpreadPlusFee + allowance);
  expect(Math.abs(-s.pnlPerShare - s.costVsTruth)).toBeLessThanOrEqual(3 * s.stdErr);
}

/** No significant edge: the realized PnL per share is not above 3 standard errors, and fills paid for crossing. */
function noSignificantEdge(s: EdgeStats): void {
  expect(s.fills).toBeGreaterThan(100);
  expect(s.pnlPerShare).toBeLessThanOrEqual(3 * s.stdErr);
  expect(s.costVsTruth).toBeGreaterThan(0);
}

describe('no free lunch on the efficient sim market (12 h of 5-minute windows, seed 1)', () => {
  it('random buying with no latency pays exactly half the spread plus the fee against the truth', async () => {
    const s = await measure({ strategy: new RandomBuyer(1), env: { POLYLAB_LATENCY_MS: '0' } });
    losesHalfSpreadPlusFee(s, 0.002);
  }, 120_000);

  it('random buying at the default latency loses half the spread plus the fee, and a little for the latency', async () => {
    losesHalfSpreadPlusFee(await measure({ strategy: new RandomBuyer(1) }), 0.01);
  }, 120_000);

  it('always buying Up loses the same', async () => {
    // Buying one side again and again also pays for the makers leaning against it.
    losesHalfSpreadPlusFee(await measure({ strategy: new RandomBuyer(2, 0.05, 20, 'Up') }), 0.015);
  }, 120_000);

  it.each(['divergence', 'fair-value'])(
    '%s shows no significant edge',
    async (strategy) => {
      noSignificantEdge(await measure({ env: { POLYLAB_STRATEGY: strategy } }));
    },
    120_000,
  );

  it('the same measure flags the noisy market, where divergence wins by construction', async () => {
    const s = await measure({ env: { POLYLAB_STRATEGY: 'divergence' }, market: 'noisy' });
    expect(s.pnlPerShare).toBeGreaterThan(3 * s.stdErr);
    expect(s.costVsTruth).toBeLessThan(0);
  }, 120_000);
});
