// Goal: the maker's edges hold exactly — settings refused with their names, the price band [tick, 1 − tick], the minimum size, the window-end and inventory pulls with their reasons, a replace on a one-tick move, cancels sent once (within a bounded memory) — and every quote carries the numbers behind it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAKER, MakerStrategy, type MakerParams } from '../../src/strategy/maker.ts';
import type { CancelDecision, Decision, MarketView, TokenView, WorkingView } from '../../src/strategy/types.ts';
import { market, T0 } from './paper-harness.ts';

interface ViewOptions {
  up?: Partial<TokenView>;
  down?: Partial<TokenView>;
  working?: WorkingView[];
  timeLeftMs?: number;
}

/** Both tokens without a book by default (no post-only cap), Up fair 0.6. */
function view(o: ViewOptions = {}): MarketView {
  const up: TokenView = { token_id: 'up', outcome: 'Up', best_bid: null, best_ask: null, held_qty: 0, fair: 0.6, ...o.up };
  const down: TokenView = { token_id: 'down', outcome: 'Down', best_bid: null, best_ask: null, held_qty: 0, fair: 1 - up.fair, ...o.down };
  return {
    ts_unix_ms: T0,
    market: market(),
    time_left_ms: o.timeLeftMs ?? 200_000,
    spot: 100_000,
    vol_annual: 0.5,
    reference_age_ms: 1_000,
    ...(o.working ? { working: o.working } : {}),
    tokens: [up, down],
  };
}

const orders = (ds: (Decision | CancelDecision)[]) => ds.filter((d): d is Decision => !('cancel' in d));
const cancels = (ds: (Decision | CancelDecision)[]) => ds.filter((d): d is CancelDecision => 'cancel' in d);
const bids = (ds: (Decision | CancelDecision)[]) => orders(ds).map((d) => [d.token_id, d.limit_px, d.qty]);
const maker = (p: Partial<MakerParams> = {}) => new MakerStrategy({ ...DEFAULT_MAKER, ...p });
const working = (intent_id: string, token_id: string, limit_px: number, side: 'buy' | 'sell' = 'buy'): WorkingView => ({
  intent_id,
  token_id,
  side,
  qty: 10,
  limit_px,
  tif: 'GTC',
  queue_ahead_qty: 0,
});

describe('maker settings', () => {
  it('refuses a negative half-spread, skew or pull lead and a non-positive reference age, naming every setting', () => {
    for (const bad of [{ halfSpread: -0.01 }, { skewPerShare: -0.001 }, { pullBeforeEndMs: -1 }, { maxReferenceAgeMs: 0 }]) {
      expect(() => maker(bad)).toThrow(/halfSpread in \[0, 0\.5\).*skewPerShare ≥ 0.*pullBeforeEndMs ≥ 0, maxReferenceAgeMs > 0/);
    }
    expect(() => maker({ halfSpread: 0, skewPerShare: 0, pullBeforeEndMs: 0, maxReferenceAgeMs: 1 })).not.toThrow();
  });

  it('quotes right up to the configured window-end lead: at exactly 60 s left it still quotes', () => {
    expect(bids(maker().evaluate(view({ timeLeftMs: 60_000 })))).toHaveLength(2);
    expect(maker().evaluate(view({ timeLeftMs: 59_999 }))).toEqual([]);
  });
});

describe('maker quotes', () => {
  it('quotes limit prices exactly on the tick grid (0.69, never 0.6900000000000001)', () => {
    // fair 0.7 − half-spread 0.01 and fair 0.3 − 0.01: float arithmetic alone gives 0.6900000000000001 and 0.29000000000000004.
    const prices = orders(maker({ halfSpread: 0.01, skewPerShare: 0 }).evaluate(view({ up: { fair: 0.7 } }))).map((d) => d.limit_px);
    expect(prices.sort()).toEqual([0.29, 0.69]);
    for (const fair of [0.13, 0.27, 0.58, 0.71, 0.83, 0.97]) {
      for (const d of orders(maker({ halfSpread: 0.01, skewPerShare: 0 }).evaluate(view({ up: { fair } })))) {
        expect(d.limit_px).toBe(Number(d.limit_px.toFixed(2)));
      }
    }
  });

  it('bids each token by its own outcome, whatever order the market lists them in', () => {
    const v = view({ up: { fair: 0.6 } });
    const ds = maker().evaluate({ ...v, tokens: [v.tokens[1]!, v.tokens[0]!] });
    expect(bids(ds)).toEqual([
      ['up', 0.59, 10],
      ['down', 0.39, 10],
    ]);
  });

  it('skews against a net short in Up (long Down): bids more for Up and less for Down, and says by how much', () => {
    const ds = orders(maker({ skewPerShare: 0.001 }).evaluate(view({ down: { held_qty: 20 } })));
    // Net −20: Up 0.60 − 0.01 + 0.02 = 0.61; Down 0.40 − 0.01 − 0.02 = 0.37.
    expect(ds.map((d) => [d.token_id, d.limit_px, d.reason])).toEqual([
      ['up', 0.61, 'quote'],
      ['down', 0.37, 'quote'],
    ]);
    expect(ds[0]!.numbers).toEqual({ fair: 0.6, half_spread: 0.01, net_inventory: -20, skew: 0.02, bid: 0.61 });
    expect(ds[1]!.numbers).toEqual({
      fair: expect.closeTo(0.4, 12) as number,
      half_spread: 0.01,
      net_inventory: 20,
      skew: -0.02,
      bid: 0.37,
    });
  });

  it('with no ask to stay under, bids fair minus the half-spread', () => {
    expect(bids(maker().evaluate(view({ up: { fair: 0.6, best_bid: 0.5, best_ask: null } })))[0]).toEqual(['up', 0.59, 10]);
  });

  it('bids as low as one tick but never zero', () => {
    expect(bids(maker().evaluate(view({ up: { fair: 0.02 } })))).toEqual([
      ['up', 0.01, 10],
      ['down', 0.97, 10],
    ]);
    expect(bids(maker().evaluate(view({ up: { fair: 0.015 } })))).toEqual([['down', 0.97, 10]]);
  });

  it('bids as high as 1 − tick but never 1.00, even when a short inventory lifts the bid', () => {
    expect(bids(maker({ halfSpread: 0 }).evaluate(view({ up: { fair: 0.995 } })))[0]).toEqual(['up', 0.99, 10]);
    const lifted = maker({ halfSpread: 0, skewPerShare: 0.001 }).evaluate(view({ up: { fair: 0.995 }, down: { fair: 0.5, held_qty: 10 } }));
    expect(bids(lifted).map(([id]) => id)).toEqual(['down']);
  });

  it('quotes a size left under the cap that is exactly the minimum order size', () => {
    const ds = maker({ maxInventoryShares: 20, skewPerShare: 0 }).evaluate(view({ up: { held_qty: 15 } }));
    expect(bids(ds)).toEqual([
      ['up', 0.59, 5],
      ['down', 0.39, 10],
    ]);
  });
});

describe('maker cancels', () => {
  it('replaces a quote that moved by a single tick', () => {
    const ds = maker().evaluate(view({ working: [working('i1', 'up', 0.58), working('i2', 'down', 0.39)] }));
    expect(cancels(ds)).toEqual([{ cancel: 'i1', reason: 'replace' }]);
    expect(bids(ds)).toEqual([['up', 0.59, 10]]);
  });

  it('pulls the quote of a side at the inventory cap, saying so', () => {
    const ds = maker({ maxInventoryShares: 20 }).evaluate(view({ up: { held_qty: 20 }, working: [working('i1', 'up', 0.59)] }));
    expect(cancels(ds)).toEqual([{ cancel: 'i1', reason: 'pull_inventory_cap' }]);
  });

  it('leaves a working sell alone: only its own bids are its quotes', () => {
    const ds = maker().evaluate(view({ working: [working('s1', 'up', 0.7, 'sell')] }));
    expect(cancels(ds)).toEqual([]);
    expect(bids(ds)).toEqual([
      ['up', 0.59, 10],
      ['down', 0.39, 10],
    ]);
  });

  it('pulls everything when the market lacks a token, saying why', () => {
    const v = view({ working: [working('i1', 'up', 0.59)] });
    expect(maker().evaluate({ ...v, tokens: [v.tokens[0]!] })).toEqual([{ cancel: 'i1', reason: 'no_tokens' }]);
  });

  it('has nothing to pull in a view that lists no working orders', () => {
    expect(maker().evaluate(view({ timeLeftMs: 1_000 }))).toEqual([]);
  });

  it('sends a pull once per order, not again while the order is still working', () => {
    const m = maker();
    const w = [working('i1', 'up', 0.59), working('i2', 'down', 0.39)];
    expect(cancels(m.evaluate(view({ working: w, timeLeftMs: 1_000 })))).toHaveLength(2);
    expect(m.evaluate(view({ working: w, timeLeftMs: 1_000 }))).toEqual([]);
  });

  it('remembers the last 1024 cancels: an older one is asked again if its order is still working', () => {
    const m = maker();
    const many = Array.from({ length: 1_024 }, (_, i) => working(`i${i}`, 'up', 0.59));
    const nearEnd = (w: WorkingView[]) => m.evaluate(view({ working: w, timeLeftMs: 1_000 }));
    expect(nearEnd(many)).toHaveLength(1_024);
    expect(nearEnd(many)).toEqual([]);
    expect(nearEnd([working('i1024', 'up', 0.59)])).toHaveLength(1);
    // i0 fell out of the memory; i1 did not.
    expect(nearEnd([working('i0', 'up', 0.59), working('i1', 'up', 0.59)])).toEqual([{ cancel: 'i0', reason: 'pull_near_end' }]);
  });
});
