// Goal: the taker strategies' edges hold exactly — a gap equal to the threshold does not trade, a holding at the minimum size can be sold, a one-sided book or a zero fair value never trades nor throws — and config reaches the strategy it names.
import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../src/core/events.ts';
import { FEE_FREE } from '../../src/core/fees.ts';
import { DivergenceStrategy } from '../../src/strategy/divergence.ts';
import { FairValueStrategy } from '../../src/strategy/fairValue.ts';
import { DEFAULT_MAKER } from '../../src/strategy/maker.ts';
import { createStrategy } from '../../src/strategy/strategies.ts';
import type { MarketView, TokenView } from '../../src/strategy/types.ts';

// Fee-free, so every gap below is an exact binary fraction and `>` vs `≥` shows.
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
  fee: FEE_FREE,
  resolution: { rule: 'end_gte_start', source: 'sim' },
  price_to_beat: 64_000,
  price_to_beat_estimated: false,
};

/** A view where only the Up token has a book; Down has none (so it never trades). */
function view(up: Partial<TokenView>, market: MarketInfo = MARKET): MarketView {
  const u: TokenView = { token_id: 'up', outcome: 'Up', best_bid: null, best_ask: null, held_qty: 0, fair: 0.5, ...up };
  const d: TokenView = { token_id: 'down', outcome: 'Down', best_bid: null, best_ask: null, held_qty: 0, fair: 1 - u.fair };
  return { ts_unix_ms: 100_000, market, time_left_ms: 800_000, spot: 64_100, vol_annual: 0.5, tokens: [u, d] };
}

describe('FairValueStrategy settings', () => {
  it('refuses a negative edge, a non-positive size or a non-finite exit edge, naming what it needs', () => {
    expect(() => new FairValueStrategy(-0.01, 20)).toThrow(/edgeMin ≥ 0/);
    expect(() => new FairValueStrategy(Number.NaN, 20)).toThrow(RangeError);
    expect(() => new FairValueStrategy(0.03, 0)).toThrow(/qtyShares > 0/);
    expect(() => new FairValueStrategy(0.03, -5)).toThrow(RangeError);
    expect(() => new FairValueStrategy(0.03, 20, Number.POSITIVE_INFINITY)).toThrow(/finite exitEdge/);
    expect(() => new FairValueStrategy(0.03, 20, Number.NaN)).toThrow(RangeError);
  });

  it('accepts a zero edge threshold (buy on any positive edge) and a negative exit edge', () => {
    const s = new FairValueStrategy(0, 20, -0.05);
    expect(s.evaluate(view({ fair: 0.5, best_bid: 0.49, best_ask: 0.5 }))).toEqual([]);
    expect(s.evaluate(view({ fair: 0.5, best_bid: 0.49, best_ask: 0.25 }))).toMatchObject([{ side: 'buy', qty: 20, limit_px: 0.25 }]);
  });
});

describe('FairValueStrategy edges', () => {
  it('does not buy when the edge only equals the threshold (it must exceed it)', () => {
    const s = new FairValueStrategy(0.25, 20);
    // edge = 0.75 − 0.5 − 0 = 0.25 exactly.
    expect(s.evaluate(view({ fair: 0.75, best_ask: 0.5 }))).toEqual([]);
    expect(s.evaluate(view({ fair: 0.875, best_ask: 0.5 }))).toMatchObject([{ side: 'buy', limit_px: 0.5 }]);
  });

  it('sells a holding of exactly the minimum order size, labelled edge_gone when the bid equals fair', () => {
    const s = new FairValueStrategy(0.03, 20);
    // hold edge = 0.5 − (0.5 − 0) = 0 ≤ exit edge 0: the edge is gone, not reversed.
    const ds = s.evaluate(view({ fair: 0.5, best_bid: 0.5, best_ask: 0.51, held_qty: 5 }));
    expect(ds).toEqual([expect.objectContaining({ token_id: 'up', side: 'sell', qty: 5, limit_px: 0.5, reason: 'edge_gone' })]);
    expect(ds[0]!.numbers).toMatchObject({ hold_edge: 0, exit_edge: 0, held_qty: 5 });
  });

  it('labels an exit edge_gone when the hold edge is positive but at or below the exit edge', () => {
    const s = new FairValueStrategy(0.03, 20, 0.125);
    // hold edge = 0.625 − 0.5 = 0.125 = exit edge: sell; 0.75 − 0.5 = 0.25 > 0.125: hold.
    expect(s.evaluate(view({ fair: 0.625, best_bid: 0.5, best_ask: 0.75, held_qty: 10 }))).toMatchObject([
      { side: 'sell', qty: 10, reason: 'edge_gone' },
    ]);
    expect(s.evaluate(view({ fair: 0.75, best_bid: 0.5, best_ask: 0.76, held_qty: 10 }))).toEqual([]);
  });

  it('never proposes a sell with no bid to sell into, even when the exit edge says go', () => {
    const s = new FairValueStrategy(0.03, 20, 0.5);
    expect(s.evaluate(view({ fair: 0.25, best_bid: null, best_ask: 0.9, held_qty: 10 }))).toEqual([]);
  });

  it('never proposes a sell of nothing on a market without a minimum size', () => {
    const s = new FairValueStrategy(0.03, 20);
    // Nothing held, bid above fair: there is nothing to exit and the ask has no edge.
    expect(s.evaluate(view({ fair: 0.5, best_bid: 0.5, best_ask: 0.51 }, { ...MARKET, min_size: 0 }))).toEqual([]);
  });
});

describe('DivergenceStrategy edges', () => {
  const s = new DivergenceStrategy(0.05, 20);

  it('does not sell a holding below the minimum order size, and sells one of exactly that size with its numbers', () => {
    const book = { fair: 0.375, best_bid: 0.5, best_ask: 0.51 };
    expect(s.evaluate(view({ ...book, held_qty: 4 }))).toEqual([]);
    const [d, ...rest] = s.evaluate(view({ ...book, held_qty: 5 }));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ token_id: 'up', side: 'sell', qty: 5, limit_px: 0.5, reason: 'bid_above_fair' });
    expect(d!.numbers).toEqual({
      fair: 0.375,
      bid: 0.5,
      divergence: -0.25,
      threshold: 0.05,
      fee_per_share: 0,
      half_spread: expect.closeTo(0.005, 12) as number,
      held_qty: 5,
      spot: 64_100,
      time_left_ms: 800_000,
    });
  });

  it('neither trades nor throws on a token the model values at zero', () => {
    expect(s.evaluate(view({ fair: 0, best_bid: 0.5, best_ask: 0.51, held_qty: 20 }))).toEqual([]);
    expect(s.evaluate(view({ fair: 0, best_bid: 0.01, best_ask: 0.02 }))).toEqual([]);
  });

  it('trades only on the relative signal: an absolute gap that pays the costs is not enough inside the threshold', () => {
    const wide = new DivergenceStrategy(0.5, 20);
    // Sell side: bid − fair = 0.1 clears half the spread, but (0.4 − 0.5)/0.5 = −0.2 is inside −0.5.
    expect(wide.evaluate(view({ fair: 0.4, best_bid: 0.5, best_ask: 0.51, held_qty: 20 }))).toEqual([]);
    // Buy side: fair − ask = 0.1, but (0.6 − 0.5)/0.5 = 0.2 is inside 0.5.
    expect(wide.evaluate(view({ fair: 0.6, best_bid: 0.49, best_ask: 0.5 }))).toEqual([]);
  });

  it('does not trade when the gap only equals the fee plus half the spread', () => {
    // Sell: bid − fair = 0.5 − 0.375 = 0.125 = half of the 0.25 spread.
    expect(s.evaluate(view({ fair: 0.375, best_bid: 0.5, best_ask: 0.75, held_qty: 20 }))).toEqual([]);
    // Buy: fair − ask = 0.625 − 0.5 = 0.125 = half of the 0.25 spread.
    expect(s.evaluate(view({ fair: 0.625, best_bid: 0.25, best_ask: 0.5 }))).toEqual([]);
  });

  it('does not sell into a book without an ask: there is no spread to measure', () => {
    expect(s.evaluate(view({ fair: 0.375, best_bid: 0.5, best_ask: null, held_qty: 20 }))).toEqual([]);
  });
});

describe('createStrategy passes each setting to the strategy it names', () => {
  const base = { divergenceThreshold: 0.05, orderQtyShares: 20 };

  it('fair-value: the configured entry and exit edges, else 0.03 and 0', () => {
    const entryAt = (edgeMin: number | undefined, fair: number) =>
      createStrategy('fair-value', { ...base, ...(edgeMin === undefined ? {} : { edgeMin }) }).evaluate(view({ fair, best_ask: 0.5 }));
    // Edge 0.025: above a configured 0.02, below the default 0.03.
    expect(entryAt(0.02, 0.525)).toMatchObject([{ side: 'buy', numbers: { edge_min: 0.02 } }]);
    expect(entryAt(undefined, 0.525)).toEqual([]);
    expect(entryAt(undefined, 0.535)).toMatchObject([{ side: 'buy', numbers: { edge_min: 0.03 } }]);

    // Hold edge 0.125 exits with exitEdge 0.125 and holds with the default 0.
    const held = view({ fair: 0.625, best_bid: 0.5, best_ask: 0.75, held_qty: 10 });
    expect(createStrategy('fair-value', { ...base, edgeExit: 0.125 }).evaluate(held)).toMatchObject([
      { side: 'sell', numbers: { exit_edge: 0.125 } },
    ]);
    expect(createStrategy('fair-value', base).evaluate(held)).toEqual([]);
  });

  it('maker: the configured quoting settings, not the defaults', () => {
    const maker = { ...DEFAULT_MAKER, halfSpread: 0.05, qtyShares: 7 };
    const m = createStrategy('maker', { ...base, maker });
    expect(m.name).toBe('maker');
    const [q] = m.evaluate(view({ fair: 0.5, best_bid: 0.4, best_ask: 0.6 }));
    expect(q).toMatchObject({ token_id: 'up', side: 'buy', qty: 7, limit_px: 0.45, quote: true });
  });

  it('names the unknown strategy in its refusal', () => {
    expect(() => createStrategy('martingale', base)).toThrow(/unknown strategy "martingale"/);
  });
});
