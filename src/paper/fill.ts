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
 * Shares of each level of one ladder already taken by our own fills. A level's consumption
 * stands while that level still shows the size it had when we took from it: depth we
 * consumed is offered again only when *that* level changes (resized, removed), not when
 * some other level of the book moves. Live, the venue never sees our paper fills, so an
 * unchanged level still "shows" what we took; in the sim the makers remove it themselves,
 * which changes the level and so ends our record of it.
 *
 * Entries are indexed by the level's position in the ladder (typed arrays, no allocation on
 * the per-order hot path) and carry the level's price key and size; `refresh` re-indexes
 * them after the book changed (levels above may have come or gone) and drops the changed.
 */
export class Consumed {
  private key = new Float64Array(16);
  private size = new Float64Array(16);
  private used = new Float64Array(16);
  private gen = new Uint32Array(16);
  private current = 1;
  /** Positions holding an entry of the current generation. */
  private active: number[] = [];
  private readonly scratch: number[] = [];

  get levels(): number {
    return this.active.length;
  }

  /** Shares already taken at position `i`, if it is still the level `key` showing `size`. */
  get(i: number, key: number, size: number): number {
    return i < this.gen.length && this.gen[i] === this.current && this.key[i] === key && this.size[i] === size ? this.used[i]! : 0;
  }

  add(i: number, key: number, size: number, qty: number): void {
    if (i >= this.gen.length) this.grow(i + 1);
    if (this.gen[i] !== this.current || this.key[i] !== key || this.size[i] !== size) {
      if (this.gen[i] !== this.current) this.active.push(i);
      this.gen[i] = this.current;
      this.key[i] = key;
      this.size[i] = size;
      this.used[i] = 0;
    }
    this.used[i]! += qty;
  }

  /** After the ladder changed: keeps the entries whose level still shows the same size, at its new position. */
  refresh(ladder: BookLadder): void {
    if (this.active.length === 0) return;
    const keep = this.scratch;
    for (const i of this.active) {
      if (this.gen[i] === this.current) keep.push(this.key[i]!, this.size[i]!, this.used[i]!);
    }
    this.active.length = 0;
    this.current += 1;
    if (this.current >= 0xffff_ffff) {
      this.gen.fill(0);
      this.current = 1;
    }
    for (let k = 0; k < keep.length; k += 3) {
      const j = ladder.keys.indexOf(keep[k]!);
      if (j >= 0 && ladder.sizes[j] === keep[k + 1]) this.add(j, keep[k]!, keep[k + 1]!, keep[k + 2]!);
    }
    keep.length = 0;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.gen.length * 2);
    const widen = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.key = widen(this.key, (n) => new Float64Array(n));
    this.size = widen(this.size, (n) => new Float64Array(n));
    this.used = widen(this.used, (n) => new Float64Array(n));
    this.gen = widen(this.gen, (n) => new Uint32Array(n));
  }
}

export interface WalkResult {
  qty: number;
  /** VWAP of the consumed levels as a price key (millionths); 0 when nothing filled. */
  vwapKey: number;
  levels: number;
  /** Each consumed level's price key and the shares taken there (the first `levels` entries; reused scratch). */
  levelKeys: number[];
  levelQtys: number[];
}

export const emptyWalk = (): WalkResult => ({ qty: 0, vwapKey: 0, levels: 0, levelKeys: [], levelQtys: [] });

/**
 * Walks `ladder` (best first) for up to `qty` shares no worse than `limitKey`, skipping
 * depth in `consumed`. `strict` takes only levels strictly better than the limit (resting
 * orders once filled that way; they now fill from the tape, paper/queue.ts); `commit`
 * records the shares taken into `consumed`.
 * The result is written into `into` so the hot path allocates nothing.
 */
export function walkLadder(
  ladder: BookLadder,
  side: Side,
  qty: number,
  limitKey: number,
  consumed: Consumed | null = null,
  strict = false,
  commit = false,
  into: WalkResult = emptyWalk(),
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
    const avail = consumed === null ? sizes[i]! : sizes[i]! - consumed.get(i, key, sizes[i]!);
    if (avail <= QTY_EPS) continue;
    const take = remaining < avail ? remaining : avail;
    if (commit && consumed !== null) consumed.add(i, key, sizes[i]!, take);
    into.levelKeys[levels] = key;
    into.levelQtys[levels] = take;
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
 * The schedule's taker fee of a walk, level by level: the exchange matches each level as
 * its own trade at that level's price and truncates each fee, so a fill walking several
 * levels pays the sum of the levels' fees, not the fee of its average price (p(1 − p) is
 * concave: the fee at the VWAP would overstate it).
 */
export function walkFee(walk: WalkResult, fee: FeeSchedule): number {
  if (fee.rate === 0) return 0;
  if (walk.levels <= 1) return takerFee(walk.qty, keyPx(walk.vwapKey), fee);
  let total = 0;
  for (let i = 0; i < walk.levels; i++) total += takerFee(walk.levelQtys[i]!, keyPx(walk.levelKeys[i]!), fee);
  return total;
}

/**
 * Prices a walk. Takers pay the VWAP worsened by the slippage (never past `limitPx`) and
 * the schedule fee level by level at the exchange's match prices (`walkFee`); makers fill
 * at their own price with neither slippage nor fee. The bps override reproduces the seed's
 * fee on the slipped notional.
 */
export function priceFill(
  side: Side,
  walk: WalkResult,
  pricing: FillPricing,
  liquidity: 'taker' | 'maker',
  makerPx?: number,
  limitPx?: number,
): BookFill {
  const vwapPx = makerPx ?? keyPx(walk.vwapKey);
  const sign = side === 'buy' ? 1 : -1;
  let fillPx = liquidity === 'maker' ? vwapPx : vwapPx * (1 + (sign * pricing.slippageBps) / 10_000);
  // The walk already kept the slipped price within the limit; this removes float noise.
  if (limitPx !== undefined) fillPx = side === 'buy' ? Math.min(fillPx, limitPx) : Math.max(fillPx, limitPx);
  const notional = fillPx * walk.qty;
  let fee = 0;
  if (pricing.feeBpsOverride !== undefined && pricing.feeBpsOverride !== null) fee = bpsFee(notional, pricing.feeBpsOverride);
  else if (liquidity === 'taker') fee = makerPx === undefined ? walkFee(walk, pricing.fee) : takerFee(walk.qty, vwapPx, pricing.fee);
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
