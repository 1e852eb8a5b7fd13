/**
 * Book-walking fill model (pure). A buy walks the asks best-first up to its limit, a sell
 * walks the bids down to its limit; the fill price is the VWAP of the consumed levels,
 * worsened by `slippageBps`. Depth already taken by our own paper fills (`Consumed`) is not
 * available again until its level changes. Against a one-level book with a bps fee
 * override this is exactly the seed's top-of-book rule (topOfBook.ts).
 */
import type { FeeSchedule, Side } from '../core/events.ts';
import { keyPx, type BookLadder } from '../core/book.ts';
import { bpsFee, takerFee } from '../core/fees.ts';
import { QTY_EPS } from '../core/orderRules.ts';

/** Shares below this are float dust, not an unfilled remainder. */
export { QTY_EPS };

/**
 * Shares of each level of one ladder already taken by our own fills, by price. A level's
 * consumption stands while that level still shows the size it had when we took from it:
 * depth we consumed is offered again only when *that* level changes (resized, removed),
 * not when some other level of the book moves. Live, the venue never sees our paper fills,
 * so an unchanged level still "shows" what we took; in the sim the makers remove it
 * themselves, which changes the level and so ends our record of it.
 */
export class Consumed {
  private readonly byKey = new Map<number, { size: number; used: number }>();

  get levels(): number {
    return this.byKey.size;
  }

  /** Shares already taken at the level `key` while it shows `size`. */
  get(key: number, size: number): number {
    if (this.byKey.size === 0) return 0;
    const c = this.byKey.get(key);
    return c !== undefined && c.size === size ? c.used : 0;
  }

  add(key: number, size: number, qty: number): void {
    const c = this.byKey.get(key);
    if (c !== undefined && c.size === size) c.used += qty;
    else this.byKey.set(key, { size, used: qty });
  }

  /** Forgets the levels of `ladder` that changed or left since we took from them. */
  refresh(ladder: BookLadder): void {
    for (const [key, c] of this.byKey) {
      const i = ladder.keys.indexOf(key);
      if (i < 0 || ladder.sizes[i] !== c.size) this.byKey.delete(key);
    }
  }
}

export interface WalkResult {
  qty: number;
  /** VWAP of the consumed levels as a price key (millionths); 0 when nothing filled. */
  vwapKey: number;
  levels: number;
}

export const emptyWalk = (): WalkResult => ({ qty: 0, vwapKey: 0, levels: 0 });

/**
 * Walks `ladder` (best first) for up to `qty` shares no worse than `limitKey`, skipping
 * depth in `consumed`. `strict` takes only levels strictly better than the limit (a resting
 * order filled by a trade-through); `commit` records the shares taken into `consumed`.
 * The result is written into `into` so the hot path allocates nothing.
 */
export function walkLadder(
  ladder: BookLadder, side: Side, qty: number, limitKey: number,
  consumed: Consumed | null = null, strict = false, commit = false, into: WalkResult = emptyWalk(),
): WalkResult {
  const keys = ladder.keys;
  const sizes = ladder.sizes;
  const buy = side === 'buy';
  let remaining = qty;
  let filled = 0;
  let cost = 0;
  let levels = 0;
  let firstKey = 0;
  let lastKey = 0;
  for (let i = 0; i < keys.length && remaining > QTY_EPS; i++) {
    const key = keys[i]!;
    if (buy ? key > limitKey || (strict && key === limitKey) : key < limitKey || (strict && key === limitKey)) break;
    const avail = consumed === null ? sizes[i]! : sizes[i]! - consumed.get(key, sizes[i]!);
    if (avail <= QTY_EPS) continue;
    const take = remaining < avail ? remaining : avail;
    if (commit && consumed !== null) consumed.add(key, sizes[i]!, take);
    // Summing in integer price keys keeps one-level VWAPs exact (0.11, not 0.11000000000000001).
    cost += take * key;
    filled += take;
    remaining -= take;
    if (levels === 0) firstKey = key;
    lastKey = key;
    levels += 1;
  }
  if (remaining <= QTY_EPS && filled > 0) filled = qty;
  into.qty = filled > 0 ? filled : 0;
  into.levels = filled > 0 ? levels : 0;
  // The VWAP lies between the first and last level consumed; clamping removes float noise
  // that could otherwise put a one-level VWAP a hair outside the book.
  const lo = buy ? firstKey : lastKey;
  const hi = buy ? lastKey : firstKey;
  into.vwapKey = filled > 0 ? Math.min(hi, Math.max(lo, cost / filled)) : 0;
  return into;
}

export interface FillPricing {
  slippageBps: number;
  fee: FeeSchedule;
  /** When set, the fee is this many bps of notional (the seed's model) instead of the schedule. */
  feeBpsOverride?: number | null;
}

export interface BookFill {
  qty: number;
  /** The book's VWAP over the consumed levels, before slippage. */
  vwap_px: number;
  /** What the paper fill pays (buy) or receives (sell): the VWAP worsened by slippage. */
  fill_px: number;
  notional: number;
  fee: number;
  levels: number;
  liquidity: 'taker' | 'maker';
}

/**
 * The walk limit of a taker with slippage: a level is taken only if its price worsened by
 * the slippage still respects the order's limit, so the price paid never crosses the limit.
 */
export function takerLimitKey(side: Side, limitKey: number, slippageBps: number): number {
  if (!(slippageBps > 0)) return limitKey;
  const factor = 1 + ((side === 'buy' ? 1 : -1) * slippageBps) / 10_000;
  return side === 'buy' ? Math.floor(limitKey / factor + 1e-9) : Math.ceil(limitKey / factor - 1e-9);
}

/**
 * Prices a walk. Takers pay the VWAP worsened by the slippage (never past `limitPx`) and
 * the schedule fee at the exchange's match price (the VWAP); makers fill at their own
 * price with neither slippage nor fee. The bps override reproduces the seed's fee on the
 * slipped notional.
 */
export function priceFill(side: Side, walk: WalkResult, pricing: FillPricing, liquidity: 'taker' | 'maker', makerPx?: number, limitPx?: number): BookFill {
  const vwapPx = makerPx ?? keyPx(walk.vwapKey);
  const sign = side === 'buy' ? 1 : -1;
  let fillPx = liquidity === 'maker' ? vwapPx : vwapPx * (1 + (sign * pricing.slippageBps) / 10_000);
  // The walk already kept the slipped price within the limit; this removes float noise.
  if (limitPx !== undefined) fillPx = side === 'buy' ? Math.min(fillPx, limitPx) : Math.max(fillPx, limitPx);
  const notional = fillPx * walk.qty;
  let fee = 0;
  if (pricing.feeBpsOverride !== undefined && pricing.feeBpsOverride !== null) fee = bpsFee(notional, pricing.feeBpsOverride);
  else if (liquidity === 'taker') fee = takerFee(walk.qty, vwapPx, pricing.fee);
  return { qty: walk.qty, vwap_px: vwapPx, fill_px: fillPx, notional, fee, levels: walk.levels, liquidity };
}

/**
 * A taker's match price, never better than the touch it decided on (nor past its limit):
 * a book that moved our way during the latency gives no price improvement, so a longer
 * latency can only cost.
 */
export function noBetterThanTouch(side: Side, vwapKey: number, touchKey: number, limitKey: number): number {
  return side === 'buy' ? Math.min(limitKey, Math.max(vwapKey, touchKey)) : Math.max(limitKey, Math.min(vwapKey, touchKey));
}
