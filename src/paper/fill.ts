/**
 * Book-walking fill model (pure). A buy walks the asks best-first up to its limit, a sell
 * walks the bids down to its limit; the fill price is the VWAP of the consumed levels,
 * worsened by `slippageBps`. Depth already taken by our own paper fills at the same book
 * version (`Consumed`) is not available again. Against a one-level book with a bps fee
 * override this is exactly the seed's top-of-book rule (topOfBook.ts).
 */
import type { FeeSchedule, Side } from '../core/events.ts';
import { keyPx, pxKey, type BookLadder } from '../core/book.ts';
import { bpsFee, takerFee } from './fees.ts';

/** Shares below this are float dust, not an unfilled remainder. */
export const QTY_EPS = 1e-9;

/** Price key → shares of that level already taken by our own fills at this book version. */
export type Consumed = Map<number, number>;

export interface WalkResult {
  qty: number;
  /** VWAP of the consumed levels as a price key (millionths); 0 when nothing filled. */
  vwapKey: number;
  levels: number;
}

export interface WalkOptions {
  /** Depth taken earlier at this book version; null = the whole visible book. */
  consumed?: Consumed | null;
  /** Only levels strictly better than the limit (a resting order filled by a trade-through). */
  strict?: boolean;
  /** Record the shares taken into `consumed`. */
  commit?: boolean;
}

/** Walks `ladder` (best first) for up to `qty` shares no worse than `limitKey`. */
export function walkLadder(ladder: BookLadder, side: Side, qty: number, limitKey: number, opts: WalkOptions = {}): WalkResult {
  const consumed = opts.consumed ?? null;
  const strict = opts.strict === true;
  const keys = ladder.keys;
  const sizes = ladder.sizes;
  let remaining = qty;
  let filled = 0;
  let cost = 0;
  let levels = 0;
  let firstKey = 0;
  let lastKey = 0;
  for (let i = 0; i < keys.length && remaining > QTY_EPS; i++) {
    const key = keys[i]!;
    const worse = side === 'buy' ? key > limitKey || (strict && key === limitKey) : key < limitKey || (strict && key === limitKey);
    if (worse) break;
    const used = consumed?.get(key) ?? 0;
    const avail = sizes[i]! - used;
    if (avail <= QTY_EPS) continue;
    const take = remaining < avail ? remaining : avail;
    if (opts.commit && consumed) consumed.set(key, used + take);
    // Summing in integer price keys keeps one-level VWAPs exact (0.11, not 0.11000000000000001).
    cost += take * key;
    filled += take;
    remaining -= take;
    if (levels === 0) firstKey = key;
    lastKey = key;
    levels += 1;
  }
  if (remaining <= QTY_EPS && filled > 0) filled = qty;
  if (filled <= 0) return { qty: 0, vwapKey: 0, levels: 0 };
  // The VWAP lies between the first and last level consumed; clamping removes float noise
  // that could otherwise put a one-level VWAP a hair outside the book.
  const lo = side === 'buy' ? firstKey : lastKey;
  const hi = side === 'buy' ? lastKey : firstKey;
  const vwapKey = Math.min(hi, Math.max(lo, cost / filled));
  return { qty: filled, vwapKey, levels };
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
 * Prices a walk. Takers pay the schedule fee at the exchange's match price (the VWAP);
 * makers pay none. The bps override reproduces the seed's fee on the slipped notional.
 */
export function priceFill(side: Side, walk: WalkResult, pricing: FillPricing, liquidity: 'taker' | 'maker', makerPx?: number): BookFill {
  const vwapPx = makerPx ?? keyPx(walk.vwapKey);
  const sign = side === 'buy' ? 1 : -1;
  const fillPx = vwapPx * (1 + (sign * pricing.slippageBps) / 10_000);
  const notional = fillPx * walk.qty;
  let fee = 0;
  if (pricing.feeBpsOverride !== undefined && pricing.feeBpsOverride !== null) fee = bpsFee(notional, pricing.feeBpsOverride);
  else if (liquidity === 'taker') fee = takerFee(walk.qty, vwapPx, pricing.fee);
  return { qty: walk.qty, vwap_px: vwapPx, fill_px: fillPx, notional, fee, levels: walk.levels, liquidity };
}

/** One-shot taker fill against a ladder (no overlay): null when nothing is within the limit. */
export function fillAgainstLadder(ladder: BookLadder, side: Side, qty: number, limitPx: number, pricing: FillPricing): BookFill | null {
  const walk = walkLadder(ladder, side, qty, pxKey(limitPx));
  return walk.qty > 0 ? priceFill(side, walk, pricing, 'taker') : null;
}
