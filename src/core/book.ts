/**
 * L2 order book of one Polymarket token. Prices are kept as integer keys in millionths
 * (`pxKey`), so levels on a 0.01 / 0.001 / 0.0001 tick grid compare exactly instead of by
 * float equality. Asks are stored ascending, bids descending: index 0 is the best level.
 */
import type { Level } from './events.ts';

export const PX_SCALE = 1_000_000;
export const pxKey = (px: number): number => Math.round(px * PX_SCALE);
export const keyPx = (key: number): number => key / PX_SCALE;

/** True when `px` lies on the grid of `tickSize` (within integer-key precision). */
export function onTickGrid(px: number, tickSize: number): boolean {
  return pxKey(px) % pxKey(tickSize) === 0;
}

/** `px` rounded to the nearest point of the grid of `tickSize`, exactly: 0.69, not `Math.round(0.69 / 0.01) * 0.01` = 0.6900000000000001. */
export function roundToTick(px: number, tickSize: number): number {
  const tick = pxKey(tickSize);
  return keyPx(Math.round(pxKey(px) / tick) * tick);
}

export type BookSide = 'bid' | 'ask';

export class BookLadder {
  readonly keys: number[] = [];
  readonly sizes: number[] = [];
  constructor(readonly side: BookSide) {}

  /** Index where `key` is or would be inserted, keeping best-first order. */
  private find(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    const asc = this.side === 'ask';
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid]!;
      if (asc ? k < key : k > key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sets a level's size; size 0 removes the level. */
  set(px: number, size: number): void {
    const key = pxKey(px);
    const i = this.find(key);
    const present = this.keys[i] === key;
    if (size === 0) {
      if (present) {
        this.keys.splice(i, 1);
        this.sizes.splice(i, 1);
      }
    } else if (present) {
      this.sizes[i] = size;
    } else {
      this.keys.splice(i, 0, key);
      this.sizes.splice(i, 0, size);
    }
  }

  replace(levels: readonly Level[]): void {
    this.keys.length = 0;
    this.sizes.length = 0;
    for (const [px, size] of levels) if (size > 0) this.set(px, size);
  }

  get length(): number {
    return this.keys.length;
  }

  bestPx(): number | null {
    return this.keys.length > 0 ? keyPx(this.keys[0]!) : null;
  }

  depth(): number {
    let total = 0;
    for (const s of this.sizes) total += s;
    return total;
  }

  levels(): Level[] {
    return this.keys.map((k, i) => [keyPx(k), this.sizes[i]!] as Level);
  }
}

export class OrderBook {
  readonly bids = new BookLadder('bid');
  readonly asks = new BookLadder('ask');
  /** Bumped on every change, so fill state tied to a book version can be invalidated. */
  version = 0;
  lastUpdateMs = 0;

  constructor(public tickSize: number) {}

  snapshot(bids: readonly Level[], asks: readonly Level[], tsMs: number): void {
    this.bids.replace(bids);
    this.asks.replace(asks);
    this.touch(tsMs);
  }

  change(side: BookSide, px: number, size: number, tsMs: number): void {
    (side === 'bid' ? this.bids : this.asks).set(px, size);
    this.touch(tsMs);
  }

  private touch(tsMs: number): void {
    this.version += 1;
    this.lastUpdateMs = tsMs;
  }

  bestBid(): number | null {
    return this.bids.bestPx();
  }

  bestAsk(): number | null {
    return this.asks.bestPx();
  }

  mid(): number | null {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b !== null && a !== null ? (b + a) / 2 : null;
  }

  isCrossed(): boolean {
    const b = this.bids.keys[0];
    const a = this.asks.keys[0];
    return b !== undefined && a !== undefined && b >= a;
  }
}
