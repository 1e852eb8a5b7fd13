// Goal: the maker strategy quotes both sides around fair value as configured — half-spread,
// inventory skew, per-market cap, post-only — replaces only quotes that moved, and pulls
// everything near the window end and while the feeds are stale.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAKER, MakerStrategy, type MakerParams } from '../../src/strategy/maker.ts';
import type { CancelDecision, Decision, MarketView, WorkingView } from '../../src/strategy/types.ts';
import { market, T0 } from './paper-harness.ts';

function view(
  o: { fairUp?: number; upHeld?: number; downHeld?: number; working?: WorkingView[]; timeLeftMs?: number; refAgeMs?: number } = {},
): MarketView {
  const fairUp = o.fairUp ?? 0.6;
  return {
    ts_unix_ms: T0,
    market: market(),
    time_left_ms: o.timeLeftMs ?? 200_000,
    spot: 100_000,
    vol_annual: 0.5,
    reference_age_ms: o.refAgeMs ?? 1_000,
    working: o.working ?? [],
    tokens: [
      { token_id: 'up', outcome: 'Up', best_bid: 0.55, best_ask: 0.65, held_qty: o.upHeld ?? 0, fair: fairUp },
      { token_id: 'down', outcome: 'Down', best_bid: 0.35, best_ask: 0.45, held_qty: o.downHeld ?? 0, fair: 1 - fairUp },
    ],
  };
}

const orders = (ds: (Decision | CancelDecision)[]) => ds.filter((d): d is Decision => !('cancel' in d));
const cancels = (ds: (Decision | CancelDecision)[]) => ds.filter((d): d is CancelDecision => 'cancel' in d);
const maker = (p: Partial<MakerParams> = {}) => new MakerStrategy({ ...DEFAULT_MAKER, ...p });
const working = (intent_id: string, token_id: string, limit_px: number): WorkingView => ({
  intent_id,
  token_id,
  side: 'buy',
  qty: 10,
  limit_px,
  tif: 'GTC',
  queue_ahead_qty: 100,
});

describe('maker strategy', () => {
  it('bids both tokens half a spread under their fair value, as resting quotes', () => {
    const ds = orders(maker({ halfSpread: 0.02 }).evaluate(view({ fairUp: 0.6 })));
    expect(ds.map((d) => [d.token_id, d.side, d.limit_px, d.qty, d.tif, d.quote])).toEqual([
      ['up', 'buy', 0.58, 10, 'GTC', true],
      ['down', 'buy', 0.38, 10, 'GTC', true],
    ]);
  });

  it('skews both quotes against its net inventory', () => {
    const ds = orders(maker({ halfSpread: 0.02, skewPerShare: 0.001 }).evaluate(view({ fairUp: 0.6, upHeld: 20 })));
    // Long 20 Up: Up bid 0.58 − 0.02 = 0.56, Down bid 0.38 + 0.02 = 0.40.
    expect(ds.map((d) => [d.token_id, d.limit_px])).toEqual([
      ['up', 0.56],
      ['down', 0.4],
    ]);
  });

  it('stops adding to a side at the inventory cap and sizes a quote so it cannot pass it', () => {
    const capped = orders(maker({ maxInventoryShares: 20, skewPerShare: 0 }).evaluate(view({ upHeld: 20 })));
    expect(capped.map((d) => d.token_id)).toEqual(['down']);
    const sized = orders(maker({ maxInventoryShares: 20, skewPerShare: 0 }).evaluate(view({ upHeld: 13 })));
    expect(sized.map((d) => [d.token_id, d.qty])).toEqual([
      ['up', 7],
      ['down', 10],
    ]);
  });

  it('never quotes at or through the best ask (post-only)', () => {
    const ds = orders(maker({ halfSpread: 0 }).evaluate(view({ fairUp: 0.9 })));
    expect(ds.find((d) => d.token_id === 'up')!.limit_px).toBe(0.64);
  });

  it('keeps a quote that is where it should be and replaces one that moved', () => {
    const m = maker({ halfSpread: 0.02 });
    const ds = m.evaluate(view({ fairUp: 0.6, working: [working('i1', 'up', 0.58), working('i2', 'down', 0.36)] }));
    expect(cancels(ds)).toEqual([{ cancel: 'i2', reason: 'replace' }]);
    expect(orders(ds).map((d) => [d.token_id, d.limit_px])).toEqual([['down', 0.38]]);
    // Asked once: the order still working while its cancel travels is not cancelled again.
    const again = m.evaluate(view({ fairUp: 0.6, working: [working('i1', 'up', 0.58), working('i2', 'down', 0.36)] }));
    expect(cancels(again)).toEqual([]);
  });

  it('pulls every quote near the window end and while the reference price is stale', () => {
    const w = [working('i1', 'up', 0.58), working('i2', 'down', 0.38)];
    expect(maker().evaluate(view({ working: w, timeLeftMs: 59_000 }))).toEqual([
      { cancel: 'i1', reason: 'pull_near_end' },
      { cancel: 'i2', reason: 'pull_near_end' },
    ]);
    expect(maker().evaluate(view({ working: w, refAgeMs: 3_001 }))).toEqual([
      { cancel: 'i1', reason: 'pull_stale_feeds' },
      { cancel: 'i2', reason: 'pull_stale_feeds' },
    ]);
    expect(orders(maker().evaluate(view({ timeLeftMs: 61_000, refAgeMs: 3_000 })))).toHaveLength(2);
  });

  it('refuses settings outside their range', () => {
    expect(() => maker({ halfSpread: 0.5 })).toThrow(RangeError);
    expect(() => maker({ qtyShares: 0 })).toThrow(RangeError);
    expect(() => maker({ maxInventoryShares: 0 })).toThrow(RangeError);
  });
});
