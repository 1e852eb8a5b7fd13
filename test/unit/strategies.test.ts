// Goal: both strategies buy only with an edge, sell only what they hold (never a naked short), and carry the numbers behind each decision.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../src/core/events.ts';
import { CRYPTO_FEES, FEE_FREE } from '../../src/core/fees.ts';
import { DivergenceStrategy } from '../../src/strategy/divergence.ts';
import { FairValueStrategy, feePerShare } from '../../src/strategy/fairValue.ts';
import { createStrategy } from '../../src/strategy/strategies.ts';
import type { MarketView, TokenView } from '../../src/strategy/types.ts';

const MARKET: MarketInfo = {
  market_id: 'm1',
  slug: 'btc-updown-15m-1',
  question: 'q',
  family: '15m',
  window_start_ms: 0,
  window_end_ms: 900_000,
  tokens: [
    { token_id: 'up', outcome: 'Up' },
    { token_id: 'down', outcome: 'Down' },
  ],
  tick_size: 0.01,
  min_size: 5,
  fee: CRYPTO_FEES,
  resolution: { rule: 'end_gte_start', source: 'sim' },
  price_to_beat: 64_000,
  price_to_beat_estimated: false,
};

function view(up: Partial<TokenView>, down: Partial<TokenView> = {}, market: MarketInfo = MARKET): MarketView {
  const base = (id: string, outcome: 'Up' | 'Down', fair: number): TokenView => ({
    token_id: id,
    outcome,
    best_bid: null,
    best_ask: null,
    held_qty: 0,
    fair,
  });
  const u = { ...base('up', 'Up', 0.6), ...up };
  return {
    ts_unix_ms: 100_000,
    market,
    time_left_ms: 800_000,
    spot: 64_100,
    vol_annual: 0.5,
    tokens: [u, { ...base('down', 'Down', 1 - u.fair), ...down }],
  };
}

describe('FairValueStrategy', () => {
  const s = new FairValueStrategy(0.03, 20);

  it('buys when fair − ask − fee exceeds the edge threshold, with the numbers that justify it', () => {
    // fee at 0.50 = 0.07 × 0.25 = 0.0175 per share; edge = 0.60 − 0.50 − 0.0175 = 0.0825.
    const [d, ...rest] = s.evaluate(view({ best_ask: 0.5, best_bid: 0.49 }));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ token_id: 'up', side: 'buy', qty: 20, limit_px: 0.5, reason: 'edge_above_min' });
    expect(d!.numbers.fee_per_share).toBeCloseTo(0.0175, 10);
    expect(d!.numbers.edge).toBeCloseTo(0.0825, 10);
    expect(d!.numbers).toMatchObject({
      fair: 0.6,
      ask: 0.5,
      edge_min: 0.03,
      spot: 64_100,
      price_to_beat: 64_000,
      time_left_ms: 800_000,
      vol_annual: 0.5,
    });
  });

  it('does not buy when the fee eats the edge', () => {
    // Gross edge 0.04 > 0.03, but net of the 0.0175 fee it is 0.0225.
    expect(s.evaluate(view({ fair: 0.54, best_ask: 0.5 }))).toEqual([]);
    // Fee-free market: the same gross edge trades.
    expect(s.evaluate(view({ fair: 0.54, best_ask: 0.5 }, {}, { ...MARKET, fee: FEE_FREE }))).toHaveLength(1);
  });

  it('expresses a bearish view on Up by buying Down, never by selling Up it does not hold', () => {
    const ds = s.evaluate(view({ fair: 0.3, best_bid: 0.45, best_ask: 0.46 }, { best_bid: 0.54, best_ask: 0.55 }));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ token_id: 'down', outcome: 'Down', side: 'buy' });
  });

  it('exits a holding when the bid net of fees reaches fair value (edge gone or reversed)', () => {
    const gone = s.evaluate(view({ fair: 0.5, best_bid: 0.52, best_ask: 0.53, held_qty: 20 }));
    // 0.52 − 0.07·0.52·0.48 = 0.502528 ≥ 0.5 → sell everything held at the bid.
    expect(gone).toEqual([expect.objectContaining({ token_id: 'up', side: 'sell', qty: 20, limit_px: 0.52, reason: 'edge_reversed' })]);
    expect(gone[0]!.numbers.hold_edge).toBeCloseTo(0.5 - 0.502528, 9);
    // Holding still has an edge over the bid: no sell; the ask still has one too
    // (0.60 − 0.53 − 0.0174 = 0.0526 > 0.03), so the strategy adds.
    const hold = s.evaluate(view({ fair: 0.6, best_bid: 0.52, best_ask: 0.53, held_qty: 20 }));
    expect(hold.map((d) => [d.token_id, d.side])).toEqual([['up', 'buy']]);
  });

  it('holds a remainder below the market minimum size to settlement instead of proposing an unsellable order', () => {
    expect(s.evaluate(view({ fair: 0.1, best_bid: 0.5, best_ask: 0.51, held_qty: 3 }))).toEqual([]);
  });

  it('never proposes a sell larger than the holding, whatever the book and fair value', () => {
    const px = fc.option(
      fc.integer({ min: 1, max: 99 }).map((c) => c / 100),
      { nil: null },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        px,
        px,
        fc.double({ min: 0, max: 1000, noNaN: true }),
        (fair, bid, ask, held) => {
          for (const strat of [s, new DivergenceStrategy(0.05, 20)]) {
            for (const d of strat.evaluate(view({ fair, best_bid: bid, best_ask: ask, held_qty: held }))) {
              if (d.side === 'sell' && (d.qty > (d.token_id === 'up' ? held : 0) || d.qty <= 0)) return false;
            }
          }
          return true;
        },
      ),
    );
  });

  it('computes the per-share fee from the market schedule', () => {
    expect(feePerShare(20, 0.5, CRYPTO_FEES)).toBeCloseTo(0.0175, 10);
    expect(feePerShare(20, 0.5, FEE_FREE)).toBe(0);
    expect(feePerShare(0, 0.5, CRYPTO_FEES)).toBe(0);
  });
});

describe('DivergenceStrategy (the seed rule on fair value vs token price)', () => {
  const s = new DivergenceStrategy(0.05, 20);

  it('buys when the ask is more than the threshold below fair, relative to the ask', () => {
    const [d] = s.evaluate(view({ fair: 0.6, best_ask: 0.55, best_bid: 0.54 }));
    expect(d).toMatchObject({ token_id: 'up', side: 'buy', qty: 20, limit_px: 0.55, reason: 'ask_below_fair' });
    expect(d!.numbers.divergence).toBeCloseTo(0.05 / 0.55, 12);
    expect(s.evaluate(view({ fair: 0.6, best_ask: 0.58, best_bid: 0.57 }))).toEqual([]);
  });

  it('sells the whole holding when the bid is more than the threshold above fair', () => {
    const [d] = s.evaluate(view({ fair: 0.4, best_bid: 0.5, best_ask: 0.51, held_qty: 12 }));
    expect(d).toMatchObject({ side: 'sell', qty: 12, limit_px: 0.5, reason: 'bid_above_fair' });
  });

  it('trades only when the gap pays the fee at its size and half the spread, with those numbers', () => {
    // Divergence (0.60 − 0.57) / 0.57 = 0.0526 > 0.05, but the gap 0.03 is below
    // fee 0.07 × 0.57 × 0.43 = 0.017157 plus half of the 0.03 spread.
    expect(s.evaluate(view({ fair: 0.6, best_ask: 0.57, best_bid: 0.54 }))).toEqual([]);
    // Fee-free, the same gap clears half the spread alone.
    expect(s.evaluate(view({ fair: 0.6, best_ask: 0.57, best_bid: 0.54 }, {}, { ...MARKET, fee: FEE_FREE }))).toHaveLength(1);
    // A one-cent spread: 0.03 > 0.017157 + 0.005, it trades and says why.
    const [d] = s.evaluate(view({ fair: 0.6, best_ask: 0.57, best_bid: 0.56 }));
    expect(d!.numbers.fee_per_share).toBeCloseTo(0.017157, 6);
    expect(d!.numbers.half_spread).toBeCloseTo(0.005, 12);
    // An exit that only beats fair by less than fee + half spread holds on.
    expect(s.evaluate(view({ fair: 0.45, best_bid: 0.5, best_ask: 0.6, held_qty: 20 }))).toEqual([]);
    // Without both sides there is no spread to measure: no trade.
    expect(s.evaluate(view({ fair: 0.9, best_ask: 0.5 }))).toEqual([]);
  });

  it('does not add to a holding', () => {
    expect(s.evaluate(view({ fair: 0.9, best_bid: 0.5, best_ask: 0.51, held_qty: 20 }))).toEqual([]);
  });
});

describe('createStrategy', () => {
  it('selects strategies by config name and refuses unknown ones', () => {
    expect(createStrategy('divergence', { divergenceThreshold: 0.05, orderQtyShares: 20 }).name).toBe('divergence');
    expect(createStrategy('fair-value', { divergenceThreshold: 0.05, orderQtyShares: 20, edgeMin: 0.02 }).name).toBe('fair-value');
    expect(() => createStrategy('martingale', { divergenceThreshold: 0.05, orderQtyShares: 20 })).toThrow(RangeError);
  });
});
