/**
 * Tape confirmation (pure): was there real volume at or through a paper fill's price, at
 * least its size, between the decision and `windowMs` after the fill?
 *
 * - `confirmed`: the token's trade prints (`market_trade`) at or through our price add up
 *   to at least our quantity.
 * - `unknown`: the run has no tape for the market (no print seen on either token yet, as
 *   in the simulator or a capture without prints), or the prints fall short but the book
 *   lost at least our quantity at or through our price — a trade we did not see and a
 *   cancel look the same in the book, so the book can spare a fill from `unconfirmed` but
 *   never confirm it.
 * - `unconfirmed`: the tape was live and neither prints nor book depletion show our size.
 *
 * Every buffer is bounded: per token the newest `maxEventsPerToken` prints and removals.
 */
import type { Level, Side } from '../core/events.ts';
import { pxKey, type OrderBook } from '../core/book.ts';

export type TapeLabel = 'confirmed' | 'unconfirmed' | 'unknown';

export interface TapeOptions {
  /** How long after the fill prints still count. */
  windowMs: number;
  maxEventsPerToken: number;
}

export const DEFAULT_TAPE: TapeOptions = { windowMs: 5_000, maxEventsPerToken: 2_048 };

interface Volume {
  tsMs: number;
  pxKey: number;
  qty: number;
}

interface TokenTape {
  prints: Volume[];
  /** Depth that left the bid side (`bid`) or the ask side (`ask`) of the book. */
  bidRemoved: Volume[];
  askRemoved: Volume[];
}

export interface TapeQuery {
  market_id: string;
  token_id: string;
  side: Side;
  qty: number;
  fill_px: number;
  decision_ms: number;
  fill_ms: number;
}

export interface TapeEvidence {
  label: TapeLabel;
  /** Printed shares at or through our price inside the window. */
  printed_qty: number;
  /** Book depth removed at or through our price inside the window. */
  book_removed_qty: number;
}

export class TapeTracker {
  private readonly tokens = new Map<string, TokenTape>();
  private readonly marketsWithTape = new Set<string>();
  /** Book depletion is only recorded on tokens with a decision to judge, until this time. */
  private readonly watchUntil = new Map<string, number>();

  constructor(readonly opts: TapeOptions = DEFAULT_TAPE) {}

  onPrint(marketId: string, tokenId: string, px: number, qty: number, tsMs: number): void {
    this.marketsWithTape.add(marketId);
    this.push(this.tape(tokenId).prints, { tsMs, pxKey: pxKey(px), qty });
  }

  /** Records book depletion on `tokenId` from now until `untilMs` (a decision or a fill needs it). */
  watch(tokenId: string, untilMs: number): void {
    this.watchUntil.set(tokenId, Math.max(this.watchUntil.get(tokenId) ?? 0, untilMs));
  }

  private watched(tokenId: string, tsMs: number): boolean {
    const until = this.watchUntil.get(tokenId);
    if (until === undefined) return false;
    if (tsMs <= until) return true;
    this.watchUntil.delete(tokenId);
    return false;
  }

  /** Call before a snapshot is applied to `book`: records the depth it removes. */
  onSnapshot(tokenId: string, book: OrderBook | undefined, bids: readonly Level[], asks: readonly Level[], tsMs: number): void {
    if (!book || !this.watched(tokenId, tsMs)) return;
    const t = this.tape(tokenId);
    this.removed(t.bidRemoved, book.bids.keys, book.bids.sizes, bids, tsMs);
    this.removed(t.askRemoved, book.asks.keys, book.asks.sizes, asks, tsMs);
  }

  /** Call before a delta level is applied to `book`: records the depth it removes. */
  onChange(tokenId: string, book: OrderBook | undefined, side: 'bid' | 'ask', px: number, size: number, tsMs: number): void {
    if (!book || !this.watched(tokenId, tsMs)) return;
    const ladder = side === 'bid' ? book.bids : book.asks;
    const key = pxKey(px);
    const i = ladder.keys.indexOf(key);
    const before = i >= 0 ? ladder.sizes[i]! : 0;
    if (before > size) {
      const t = this.tape(tokenId);
      this.push(side === 'bid' ? t.bidRemoved : t.askRemoved, { tsMs, pxKey: key, qty: before - size });
    }
  }

  /** The label of a fill, judged on everything seen so far. */
  judge(q: TapeQuery): TapeEvidence {
    const t = this.tokens.get(q.token_id);
    const end = q.fill_ms + this.opts.windowMs;
    const limit = pxKey(q.fill_px);
    // A buy is confirmed by prints at or below its price, a sell at or above (integer price
    // keys, so "at" is exact on the tick grid).
    const through = (v: Volume) => (q.side === 'buy' ? v.pxKey <= limit : v.pxKey >= limit);
    const sum = (vs: readonly Volume[] | undefined) =>
      (vs ?? []).reduce((s, v) => (v.tsMs >= q.decision_ms && v.tsMs <= end && through(v) ? s + v.qty : s), 0);
    const printed = sum(t?.prints);
    // A buy lifts asks, a sell hits bids: that is the side whose depth a real trade removes.
    const removed = sum(q.side === 'buy' ? t?.askRemoved : t?.bidRemoved);
    const enough = (x: number) => x >= q.qty - 1e-9;
    let label: TapeLabel;
    if (enough(printed)) label = 'confirmed';
    else if (!this.marketsWithTape.has(q.market_id) || enough(removed)) label = 'unknown';
    else label = 'unconfirmed';
    return { label, printed_qty: printed, book_removed_qty: removed };
  }

  hasTape(marketId: string): boolean {
    return this.marketsWithTape.has(marketId);
  }

  forget(tokenId: string): void {
    this.tokens.delete(tokenId);
    this.watchUntil.delete(tokenId);
  }

  private tape(tokenId: string): TokenTape {
    let t = this.tokens.get(tokenId);
    if (!t) {
      t = { prints: [], bidRemoved: [], askRemoved: [] };
      this.tokens.set(tokenId, t);
    }
    return t;
  }

  private push(list: Volume[], v: Volume): void {
    list.push(v);
    if (list.length > this.opts.maxEventsPerToken) list.splice(0, list.length - this.opts.maxEventsPerToken);
  }

  private removed(into: Volume[], keys: readonly number[], sizes: readonly number[], next: readonly Level[], tsMs: number): void {
    // Books hold a few dozen levels: a scan beats building a map on every snapshot.
    for (let i = 0; i < keys.length; i++) {
      let after = 0;
      for (const [px, size] of next) {
        if (pxKey(px) === keys[i]) {
          after = size;
          break;
        }
      }
      const left = sizes[i]! - after;
      if (left > 0) this.push(into, { tsMs, pxKey: keys[i]!, qty: left });
    }
  }
}
