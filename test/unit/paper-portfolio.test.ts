// Goal: the paper portfolio marks at the bid, never oversells, settles both outcomes, and its accounting balances after any fills.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Level } from '../../src/core/events.ts';
import { EQUITY_CURVE_MAX_POINTS, Portfolio } from '../../src/paper/portfolio.ts';
import { Harness, market, T0 } from './paper-harness.ts';
import { CRYPTO_FEES } from '../../src/core/fees.ts';

const UP = { market_id: 'm1', token_id: 'up', outcome: 'Up' as const };
const DOWN = { market_id: 'm1', token_id: 'down', outcome: 'Down' as const };

describe('Portfolio', () => {
  it('keeps average cost, realized PnL net of fees, and cash', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0.1);
    p.apply(UP, 'buy', 10, 0.6, 0.1);
    expect(p.holdings.get('up')?.avg_cost).toBeCloseTo(0.5, 12);
    p.apply(UP, 'sell', 5, 0.7, 0.05);
    // 5 × (0.70 − 0.50) − 0.25 in fees = 0.75
    expect(p.realized).toBeCloseTo(0.75, 12);
    expect(p.cash).toBeCloseTo(100 - 4.1 - 6.1 + 3.45, 12);
    expect(p.fees).toBeCloseTo(0.25, 12);
  });

  it('marks unrealized PnL at the best bid, not at the mid', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.5, 0);
    // Book 0.45 / 0.55: mid would say 0, the bid says what a sale would give.
    expect(p.unrealized(() => 0.45)).toBeCloseTo(-0.5, 12);
    expect(p.equity(() => 0.45)).toBeCloseTo(100 - 5 + 4.5, 12);
    expect(p.unrealized(() => null)).toBeCloseTo(-5, 12);
  });

  it('refuses to sell more than is held', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 5, 0.5, 0);
    expect(() => p.apply(UP, 'sell', 6, 0.5, 0)).toThrow(RangeError);
    expect(p.held('up')).toBe(5);
  });

  it('settles a winning position at 1.00 per share', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0.0168);
    const r = p.settle('m1', 'up');
    expect(r).toEqual({ payout: 10, realized_pnl: 6, lots: [{ token_id: 'up', qty: 10, avg_cost: 0.4 }] });
    expect(p.cash).toBeCloseTo(100 - 4 - 0.0168 + 10, 12);
    expect(p.realized).toBeCloseTo(6 - 0.0168, 12);
    expect(p.holdings.size).toBe(0);
  });

  it('settles a losing position at 0', () => {
    const p = new Portfolio(100);
    p.apply(UP, 'buy', 10, 0.4, 0);
    p.apply(DOWN, 'buy', 5, 0.55, 0);
    const r = p.settle('m1', 'down');
    // Up pays nothing (−4.00), Down pays 5 × 1.00 on a 2.75 cost (+2.25).
    expect(r.payout).toBe(5);
    expect(r.realized_pnl).toBeCloseTo(-1.75, 12);
    expect(p.cash).toBeCloseTo(100 - 4 - 2.75 + 5, 12);
  });

  it('keeps a bounded equity curve that still starts at the first point and ends at the last', () => {
    const p = new Portfolio(100);
    for (let i = 0; i <= EQUITY_CURVE_MAX_POINTS * 3; i++) p.recordEquity(i * 1000, 100 + i);
    expect(p.equityCurve.length).toBeLessThanOrEqual(EQUITY_CURVE_MAX_POINTS + 1);
    expect(p.equityCurve[0]).toEqual({ ts_unix_ms: 0, equity: 100 });
    expect(p.equityCurve.at(-1)).toEqual({ ts_unix_ms: EQUITY_CURVE_MAX_POINTS * 3000, equity: 100 + EQUITY_CURVE_MAX_POINTS * 3 });
  });
});

const levelsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 8 })
  .chain((cents) =>
    fc
      .array(fc.integer({ min: 1, max: 400 }), { minLength: cents.length, maxLength: cents.length })
      .map((sizes) => cents.map((c, i) => [c / 100, sizes[i]!] as Level)),
  );
const opArb = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('book' as const), token: fc.constantFrom('up', 'down'), asks: levelsArb, bids: levelsArb }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      token: fc.constantFrom('up', 'down'),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      qty: fc.integer({ min: 5, max: 60 }),
      limitCents: fc.integer({ min: 1, max: 99 }),
      tif: fc.constantFrom('IOC' as const, 'FOK' as const, 'GTC' as const),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), dtMs: fc.integer({ min: 1, max: 2000 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('print' as const),
      token: fc.constantFrom('up', 'down'),
      pxCents: fc.integer({ min: 1, max: 99 }),
      qty: fc.integer({ min: 1, max: 200 }),
    }),
    weight: 2,
  },
);

describe('accounting property', () => {
  it('cash + cost basis = start + realized, and equity = start + realized + unrealized, after any fills and a settlement', () => {
    const seen = { buys: 0, sells: 0, makers: 0, settlements: 0 };
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80, size: 'medium' }), fc.option(fc.constantFrom('up', 'down')), (ops, winner) => {
        const h = new Harness({ gtcTtlMs: 3000 }, market({ fee: { ...CRYPTO_FEES, rebate_rate: 0.2 } }), 500);
        const p = h.portfolio;
        let t = T0;
        const bid = (id: string) => h.books.get(id)?.bestBid() ?? null;
        const check = () => {
          let basis = 0;
          for (const x of p.holdings.values()) {
            expect(x.qty).toBeGreaterThan(0);
            basis += x.qty * x.avg_cost;
          }
          expect(p.cash).toBeGreaterThanOrEqual(-1e-9);
          expect(p.cash + basis).toBeCloseTo(500 + p.realized, 6);
          expect(p.equity(bid)).toBeCloseTo(500 + p.realized + p.unrealized(bid), 6);
        };
        for (const op of ops) {
          // Steps longer than the latency let each order meet the next book state.
          t += 300;
          if (op.kind === 'book') h.book(op.token, t, op.asks, op.bids);
          else if (op.kind === 'tick') h.tick((t += op.dtMs));
          else if (op.kind === 'print') h.trade(op.token, t, op.pxCents / 100, op.qty);
          else
            h.order(
              {
                token_id: op.token,
                outcome: op.token === 'up' ? 'Up' : 'Down',
                side: op.side,
                qty: op.qty,
                limit_px: op.limitCents / 100,
                tif: op.tif,
              },
              t,
            );
          check();
        }
        h.tick((t += 1000));
        check();
        for (const f of h.events('paper_fill')) {
          seen[f.side === 'buy' ? 'buys' : 'sells'] += 1;
          if (f.liquidity === 'maker') seen.makers += 1;
        }
        if (winner) {
          seen.settlements += 1;
          const held = p.held(winner);
          h.exec.cancelMarket('m1', t, h.out);
          const r = p.settle('m1', winner);
          expect(r.payout).toBe(held);
          expect(p.holdings.size).toBe(0);
          check();
        }
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if the runs really traded every way.
    expect(seen.buys).toBeGreaterThan(500);
    expect(seen.sells).toBeGreaterThan(100);
    expect(seen.makers).toBeGreaterThan(20);
    expect(seen.settlements).toBeGreaterThan(50);
  });
});
