// Goal: every trade priced under the optimistic, default and pessimistic fill models gives settled PnL in that order on every generated case, each model prices the way docs/methodology.md says, and a run reports the PnL range.
import { describe, expect, it } from 'vitest';
import type { Level, Side } from '../../src/core/events.ts';
import { CRYPTO_FEES, takerFee } from '../../src/core/fees.ts';
import { Rng } from '../../src/core/rng.ts';
import { contributions, optimisticPx, pessimisticPx } from '../../src/analytics/fillModels.ts';
import { T0, Tape } from './analytics-harness.ts';

const round = (x: number, tick: number) => Math.round(x / tick) * tick;

/** One random trade: a book, a limit, a default fill inside it, an outcome. */
function generated(rng: Rng) {
  const side: Side = rng.next() < 0.5 ? 'buy' : 'sell';
  const tick = rng.next() < 0.5 ? 0.01 : 0.001;
  const sign = side === 'buy' ? 1 : -1;
  const touch = round(0.05 + 0.9 * rng.next(), tick);
  const limitPx = Math.min(0.99, Math.max(0.01, round(touch + sign * tick * rng.int(0, 5), tick)));
  const defaultPx = side === 'buy' ? touch + (limitPx - touch) * rng.next() : limitPx + (touch - limitPx) * rng.next();
  const levels: Level[] = [];
  // The late book may have moved either way since the decision.
  let px = round(touch + sign * tick * rng.int(-3, 3), tick);
  for (let i = rng.int(0, 4); i > 0 && px > 0 && px < 1; i--, px = round(px + sign * tick * rng.int(1, 3), tick))
    levels.push([px, 1 + 200 * rng.next()]);
  const qty = 1 + 100 * rng.next();
  const taker = rng.next() < 0.8;
  const fee = taker ? takerFee(qty, defaultPx, CRYPTO_FEES) : 0;
  const trade = {
    side,
    qty,
    fee,
    taker,
    px: {
      optimistic: optimisticPx(side, rng.next() < 0.1 ? null : round(touch + sign * tick * rng.int(-2, 2), tick), defaultPx),
      default: defaultPx,
      pessimistic: pessimisticPx({
        side,
        qty,
        limitPx,
        levels: rng.next() < 0.1 ? null : levels,
        tickSize: tick,
        slippageBps: rng.int(0, 50),
        defaultPx,
      }),
    },
  };
  return { trade, limitPx, payout: rng.next() < 0.5 ? 1 : 0 };
}

describe('fill-model range', () => {
  it('orders settled PnL optimistic ≥ default ≥ pessimistic on every generated case', () => {
    for (let seed = 1; seed <= 5_000; seed++) {
      const { trade, limitPx, payout } = generated(new Rng(seed));
      const pnl = contributions(trade, CRYPTO_FEES, payout);
      const at = `seed ${seed}: ${JSON.stringify({ trade, limitPx, payout, pnl })}`;
      expect(pnl.optimistic, at).toBeGreaterThanOrEqual(pnl.default - 1e-12);
      expect(pnl.default, at).toBeGreaterThanOrEqual(pnl.pessimistic - 1e-12);
      // The pessimistic price goes at most one tick past the order's limit.
      const tick = trade.px.pessimistic - limitPx;
      expect(trade.side === 'buy' ? tick <= 0.01 + 1e-12 : tick >= -0.01 - 1e-12, at).toBe(true);
    }
  });

  it('prices the pessimistic model on half the depth, one tick worse, the rest one tick past the limit', () => {
    // 10 shares against asks 0.50×8 and 0.51×100: half depth 4 @ 0.51, then 6 @ 0.52.
    expect(
      pessimisticPx({
        side: 'buy',
        qty: 10,
        limitPx: 0.6,
        levels: [
          [0.5, 8],
          [0.51, 100],
        ],
        tickSize: 0.01,
        slippageBps: 0,
        defaultPx: 0.5,
      }),
    ).toBeCloseTo((4 * 0.51 + 6 * 0.52) / 10, 12);
    // A strategy bidding the touch still pays the extra tick: 1 share (half of 2) at 0.51 + 0.01, 9 at 0.52 + 0.01.
    expect(
      pessimisticPx({
        side: 'buy',
        qty: 10,
        limitPx: 0.51,
        levels: [
          [0.51, 2],
          [0.52, 100],
        ],
        tickSize: 0.01,
        slippageBps: 0,
        defaultPx: 0.51,
      }),
    ).toBeCloseTo((0.52 + 9 * 0.52) / 10, 12);
    // Without a book at all, everything is charged one tick past the limit.
    expect(
      pessimisticPx({ side: 'buy', qty: 10, limitPx: 0.51, levels: null, tickSize: 0.01, slippageBps: 0, defaultPx: 0.51 }),
    ).toBeCloseTo(0.52, 12);
    expect(
      pessimisticPx({ side: 'sell', qty: 4, limitPx: 0.4, levels: [[0.48, 100]], tickSize: 0.01, slippageBps: 100, defaultPx: 0.48 }),
    ).toBeCloseTo(0.47 * 0.99, 12);
    expect(optimisticPx('buy', 0.49, 0.5)).toBe(0.49);
    expect(optimisticPx('buy', 0.52, 0.5)).toBe(0.5);
  });

  it('reports the range of a run: touch at the decision, the engine fill, the book at twice the latency', () => {
    const t = new Tape();
    t.book(
      'up',
      T0,
      [
        [0.5, 20],
        [0.52, 100],
      ],
      [[0.48, 100]],
    );
    const fee = takerFee(10, 0.51, CRYPTO_FEES);
    t.trade('up', 'buy', 10, 0.55, 0.51, T0 + 1_000, { fee }); // the engine paid 0.51 after its latency
    t.book(
      'up',
      T0 + 1_400,
      [
        [0.53, 8],
        [0.54, 100],
      ],
      [[0.48, 100]],
    ); // the book at +500 ms (2 × 250)
    t.settle(T0 + 300_000, 'Up');
    const fm = t.a.report().fill_models;
    expect(fm.settled_trades).toBe(1);
    // Each model's fee is the fee paid, moved by the schedule between its price and 0.51.
    const feeAt = (px: number) => fee + 10 * 0.07 * (px * (1 - px) - 0.51 * 0.49);
    const pess = (4 * 0.54 + 6 * 0.55) / 10;
    expect(fm.pnl.optimistic).toBeCloseTo(10 * (1 - 0.5) - feeAt(0.5), 9);
    expect(fm.pnl.default).toBeCloseTo(10 * (1 - 0.51) - fee, 9);
    expect(fm.pnl.pessimistic).toBeCloseTo(10 * (1 - pess) - feeAt(pess), 9);
    expect([fm.low, fm.high]).toEqual([fm.pnl.pessimistic, fm.pnl.optimistic]);
  });

  it('waits the latency plus the measured p99 of the book feed when asked to (POLYLAB_PESSIMISTIC_LATENCY=measured_p99)', () => {
    const pessimistic = (mode: 'double' | 'measured_p99') => {
      const t = new Tape({ pessimisticLatency: mode });
      // Book frames arrive 900 ms after the exchange stamped them.
      const lagged = (ts: number, asks: [number, number][]) =>
        t.step({
          event_type: 'book_snapshot',
          market_id: 'm1',
          token_id: 'up',
          asks,
          bids: [[0.4, 100]],
          ts_exchange_ms: ts - 900,
          ts_unix_ms: ts,
        });
      lagged(T0, [[0.5, 100]]);
      t.trade('up', 'buy', 10, 0.6, 0.5, T0 + 1_000);
      lagged(T0 + 1_400, [[0.52, 100]]); // what twice the latency (500 ms) sees
      lagged(T0 + 2_100, [[0.55, 100]]); // what 250 + 900 = 1 150 ms sees
      t.settle(T0 + 300_000, 'Up');
      const fm = t.a.report().fill_models;
      return { mode: fm.pessimistic_latency, px: 1 - fm.pnl.pessimistic / 10 };
    };
    const d = pessimistic('double');
    const m = pessimistic('measured_p99');
    expect(d.mode).toBe('double');
    expect(m.mode).toBe('measured_p99');
    // The price is read back from the PnL (the fee moves it by far less than a cent): one tick worse than the level seen.
    expect(d.px).toBeCloseTo(0.53, 2);
    expect(m.px).toBeCloseTo(0.56, 2);
  });
});
