// Goal: the portfolio's exposure, settlement corrections, sell guard and equity curve give the
// exact figures a run reports (cash, realized PnL, cost basis per market, the curve's points).
import { describe, expect, it } from 'vitest';
import { EQUITY_CURVE_MAX_POINTS, Portfolio } from '../../src/paper/portfolio.ts';

const UP = { market_id: 'm1', token_id: 'up', outcome: 'Up' as const };
const DOWN = { market_id: 'm1', token_id: 'down', outcome: 'Down' as const };
const OTHER = { market_id: 'm2', token_id: 'up2', outcome: 'Up' as const };

describe('portfolio edges', () => {
  it("a market's exposure is the cost basis of its own holdings only", () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0);
    p.apply(DOWN, 'buy', 5, 0.5, 0);
    p.apply(OTHER, 'buy', 20, 0.25, 0);
    expect(p.marketExposure('m1')).toBeCloseTo(6.5, 12);
    expect(p.marketExposure('m2')).toBeCloseTo(5, 12);
    expect(p.marketExposure('m3')).toBe(0);
  });

  it('a sell within float dust of the holding is allowed; beyond it is refused with the figures', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0);
    expect(p.apply(UP, 'sell', 10 + 1e-9, 0.5, 0).qty).toBe(0);
    expect(p.held('up')).toBe(0);
    p.apply(UP, 'buy', 2, 0.4, 0);
    expect(() => p.apply(UP, 'sell', 3, 0.5, 0)).toThrow(new RangeError('cannot sell 3 of up: only 2 held'));
  });

  it('an official result overriding ours moves the payout from the loser to the winner', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0);
    const settled = p.settle('m1', 'down');
    expect(p.cash).toBeCloseTo(96, 12);
    const fixed = p.correctSettlement(settled.lots, 'down', 'up');
    expect(fixed.payout).toBe(10);
    expect(fixed.realized_pnl).toBeCloseTo(6, 12);
    expect(fixed.lots).toEqual([{ token_id: 'up', qty: 10, avg_cost: 0.4 }]);
    expect(p.cash).toBeCloseTo(106, 12);
    expect(p.realized).toBeCloseTo(6, 12);
  });

  it('a second equity point at the same time replaces the first', () => {
    const p = new Portfolio(100);
    p.recordEquity(1_000, 100);
    p.recordEquity(1_000, 101);
    p.recordEquity(2_000, 102);
    expect(p.equityCurve).toEqual([
      { ts_unix_ms: 1_000, equity: 101 },
      { ts_unix_ms: 2_000, equity: 102 },
    ]);
  });

  it('the curve keeps every point up to its bound, then every other one, ending on the latest once', () => {
    const p = new Portfolio(100);
    for (let i = 0; i < EQUITY_CURVE_MAX_POINTS; i++) p.recordEquity(i * 1_000, i);
    expect(p.equityCurve.length).toBe(EQUITY_CURVE_MAX_POINTS);
    expect(p.equityCurve.at(-1)).toEqual({ ts_unix_ms: (EQUITY_CURVE_MAX_POINTS - 1) * 1_000, equity: EQUITY_CURVE_MAX_POINTS - 1 });
    p.recordEquity(EQUITY_CURVE_MAX_POINTS * 1_000, EQUITY_CURVE_MAX_POINTS);
    const ts = p.equityCurve.map((e) => e.ts_unix_ms);
    expect(ts.length).toBe(EQUITY_CURVE_MAX_POINTS / 2 + 1);
    expect(ts.every((t, i) => t === i * 2_000)).toBe(true);
  });
});
