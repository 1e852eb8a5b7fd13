/**
 * Edge-side mirror of every tracked token's L2 book. It checks each snapshot and delta
 * before the engine sees it — prices on the tick grid, book not crossed, our best prices
 * equal to the venue's own `best_bid`/`best_ask` carried by current-shape price changes
 * (the practical checksum: the venue's `hash` is a SHA-1 over its own string formatting of
 * the whole summary, which a mirror of parsed numbers cannot reproduce) — and emits
 * `book_snapshot` / `book_delta` inputs only for consistent state. On any inconsistency
 * the token goes to `resyncing`, the caller fetches a REST /book snapshot, and deltas
 * that arrive meanwhile are buffered and replayed on top of it (Polymarket deltas set a
 * level's absolute size, so replaying one already reflected in the snapshot is harmless).
 */
import type { InputEvent, Level } from '../core/events.ts';
import { OrderBook, onTickGrid, pxKey, type BookLadder } from '../core/book.ts';
import type { ClobMessage, WsLevelChange } from './wire/clobWsMessages.ts';

export type TokenBookState = 'awaiting_snapshot' | 'live' | 'resyncing';

interface Buffered {
  changes: WsLevelChange[];
  tsMs: number;
  recvMs: number;
}

interface TokenBook {
  marketId: string;
  tokenId: string;
  book: OrderBook;
  state: TokenBookState;
  buffered: Buffered[];
  lastUpdateMs: number | null;
  resyncs: number;
  trackedAtMs: number;
}

export interface BookKeeperCounters {
  snapshots: number;
  deltas: number;
  resyncRequests: number;
  crossed: number;
  offGrid: number;
  bestMismatch: number;
  bboDisagree: number;
  unknownToken: number;
  bufferOverflows: number;
}

export interface TokenBookStats {
  market_id: string;
  token_id: string;
  state: TokenBookState;
  bid_levels: number;
  ask_levels: number;
  last_update_ms: number | null;
  resyncs: number;
}

export interface BookKeeperOptions {
  emit: (e: InputEvent) => void;
  /** Ask for a REST snapshot of `tokenId` (the caller deduplicates and paces requests). */
  requestResync: (tokenId: string, reason: string) => void;
  /** Deltas kept per token while a resync is under way; beyond it they are dropped. */
  maxBufferedDeltas?: number;
}

export class BookKeeper {
  private readonly tokens = new Map<string, TokenBook>();
  readonly counters: BookKeeperCounters = {
    snapshots: 0,
    deltas: 0,
    resyncRequests: 0,
    crossed: 0,
    offGrid: 0,
    bestMismatch: 0,
    bboDisagree: 0,
    unknownToken: 0,
    bufferOverflows: 0,
  };

  constructor(private readonly opts: BookKeeperOptions) {}

  track(marketId: string, tokenId: string, tickSize: number, nowMs = 0): void {
    if (this.tokens.has(tokenId)) return;
    this.tokens.set(tokenId, {
      marketId,
      tokenId,
      book: new OrderBook(tickSize),
      state: 'awaiting_snapshot',
      buffered: [],
      lastUpdateMs: null,
      resyncs: 0,
      trackedAtMs: nowMs,
    });
  }

  /** Tokens still without any snapshot `waitMs` after being tracked (the WS sent none). */
  overdue(nowMs: number, waitMs: number): string[] {
    const out: string[] = [];
    for (const t of this.tokens.values()) if (t.state === 'awaiting_snapshot' && nowMs - t.trackedAtMs > waitMs) out.push(t.tokenId);
    return out;
  }

  untrack(tokenId: string): void {
    this.tokens.delete(tokenId);
  }

  has(tokenId: string): boolean {
    return this.tokens.has(tokenId);
  }

  stateOf(tokenId: string): TokenBookState | undefined {
    return this.tokens.get(tokenId)?.state;
  }

  /** The mirror (read-only use: tests and health). */
  bookOf(tokenId: string): OrderBook | undefined {
    return this.tokens.get(tokenId)?.book;
  }

  /** Marks books as untrustworthy (e.g. after a reconnect: a gap) and asks for resyncs. */
  invalidate(tokenIds: Iterable<string>, reason: string): void {
    for (const id of tokenIds) {
      const t = this.tokens.get(id);
      if (t) this.resync(t, reason);
    }
  }

  onMessage(msg: ClobMessage, recvMs: number): void {
    switch (msg.kind) {
      case 'book':
        this.applySnapshot(msg.assetId, msg.bids, msg.asks, msg.tsMs, recvMs, msg.tickSize);
        break;
      case 'price_change':
        this.onPriceChange(msg.changes, msg.tsMs, recvMs);
        break;
      case 'tick_size_change':
        this.onTickSize(msg.assetId, msg.newTick, msg.tsMs, recvMs);
        break;
      case 'best_bid_ask':
        // A best_bid_ask with a dropped side has nothing to check the book against.
        if (msg.bestBid !== null && msg.bestAsk !== null) this.checkBbo(msg.assetId, msg.bestBid, msg.bestAsk);
        break;
      default:
        break;
    }
  }

  /** A full book from the WS `book` message or REST /book. Returns false if rejected. */
  applySnapshot(
    tokenId: string,
    bids: readonly Level[],
    asks: readonly Level[],
    tsMs: number,
    recvMs: number,
    tickSize: number | null,
  ): boolean {
    const t = this.tokens.get(tokenId);
    if (!t) {
      this.counters.unknownToken += 1;
      return false;
    }
    if (tickSize !== null && tickSize > 0 && tickSize < 1) t.book.tickSize = tickSize;
    if (!allOnGrid(bids, t.book.tickSize) || !allOnGrid(asks, t.book.tickSize)) {
      this.counters.offGrid += 1;
      this.resync(t, 'snapshot price off the tick grid');
      return false;
    }
    t.book.snapshot(bids, asks, recvMs);
    if (t.book.isCrossed()) {
      this.counters.crossed += 1;
      this.resync(t, 'crossed snapshot');
      return false;
    }
    this.counters.snapshots += 1;
    t.state = 'live';
    t.lastUpdateMs = recvMs;
    this.opts.emit({
      event_type: 'book_snapshot',
      market_id: t.marketId,
      token_id: tokenId,
      bids: t.book.bids.levels(),
      asks: t.book.asks.levels(),
      tick_size: t.book.tickSize,
      ts_exchange_ms: tsMs,
      ts_unix_ms: recvMs,
    });
    const pending = t.buffered;
    t.buffered = [];
    for (const b of pending) if (b.tsMs >= tsMs && t.state === 'live') this.applyChanges(t, b.changes, b.tsMs, b.recvMs);
    return true;
  }

  private onPriceChange(changes: WsLevelChange[], tsMs: number, recvMs: number): void {
    // Usually one asset per message (two when both outcomes move): group by asset in order.
    let start = 0;
    while (start < changes.length) {
      const assetId = changes[start]!.assetId;
      let end = start + 1;
      while (end < changes.length && changes[end]!.assetId === assetId) end++;
      const group = start === 0 && end === changes.length ? changes : changes.slice(start, end);
      const t = this.tokens.get(assetId);
      if (!t) this.counters.unknownToken += 1;
      else if (t.state !== 'live') this.buffer(t, group, tsMs, recvMs);
      else this.applyChanges(t, group, tsMs, recvMs);
      start = end;
    }
  }

  private buffer(t: TokenBook, changes: WsLevelChange[], tsMs: number, recvMs: number): void {
    if (t.buffered.length >= (this.opts.maxBufferedDeltas ?? 1_000)) {
      this.counters.bufferOverflows += 1;
      t.buffered.shift();
    }
    t.buffered.push({ changes, tsMs, recvMs });
  }

  private applyChanges(t: TokenBook, changes: WsLevelChange[], tsMs: number, recvMs: number): void {
    const book = t.book;
    const tickKey = pxKey(book.tickSize);
    for (const c of changes) {
      if (pxKey(c.px) % tickKey !== 0) {
        this.counters.offGrid += 1;
        return this.resync(t, `delta price ${c.px} off the tick grid ${book.tickSize}`);
      }
    }
    for (const c of changes) book.change(c.side, c.px, c.size, recvMs);
    if (book.isCrossed()) {
      this.counters.crossed += 1;
      return this.resync(t, 'book crossed after delta');
    }
    const last = changes[changes.length - 1]!;
    if (last.bestBid !== null && last.bestAsk !== null && !bestMatches(book, last.bestBid, last.bestAsk)) {
      this.counters.bestMismatch += 1;
      return this.resync(t, 'best bid/ask differ from the venue');
    }
    this.counters.deltas += 1;
    t.lastUpdateMs = recvMs;
    const out = new Array<{ side: 'bid' | 'ask'; px: number; size: number }>(changes.length);
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      out[i] = { side: c.side, px: c.px, size: c.size };
    }
    this.opts.emit({
      event_type: 'book_delta',
      market_id: t.marketId,
      token_id: t.tokenId,
      changes: out,
      ts_exchange_ms: tsMs,
      ts_unix_ms: recvMs,
    });
  }

  private onTickSize(tokenId: string, newTick: number, tsMs: number, recvMs: number): void {
    const t = this.tokens.get(tokenId);
    if (!t) {
      this.counters.unknownToken += 1;
      return;
    }
    t.book.tickSize = newTick;
    if (t.state !== 'live') return;
    if (!ladderOnGrid(t.book.bids, newTick) || !ladderOnGrid(t.book.asks, newTick)) {
      this.counters.offGrid += 1;
      return this.resync(t, 'levels off the new tick grid');
    }
    this.opts.emit({
      event_type: 'book_delta',
      market_id: t.marketId,
      token_id: tokenId,
      changes: [],
      tick_size: newTick,
      ts_exchange_ms: tsMs,
      ts_unix_ms: recvMs,
    });
  }

  /** `best_bid_ask` is informational: a disagreement is counted, the deltas' check resyncs. */
  private checkBbo(tokenId: string, bestBid: number, bestAsk: number): void {
    const t = this.tokens.get(tokenId);
    if (t && t.state === 'live' && !bestMatches(t.book, bestBid, bestAsk)) this.counters.bboDisagree += 1;
  }

  private resync(t: TokenBook, reason: string): void {
    if (t.state !== 'resyncing') {
      t.resyncs += 1;
      t.state = 'resyncing';
      t.buffered = [];
    }
    this.counters.resyncRequests += 1;
    this.opts.requestResync(t.tokenId, reason);
  }

  stats(): TokenBookStats[] {
    return [...this.tokens.values()].map((t) => ({
      market_id: t.marketId,
      token_id: t.tokenId,
      state: t.state,
      bid_levels: t.book.bids.length,
      ask_levels: t.book.asks.length,
      last_update_ms: t.lastUpdateMs,
      resyncs: t.resyncs,
    }));
  }

  /** Token mirrors consistent with the socket (state `live` here). Not whether a book is live: see views/liveness.ts. */
  mirroredCount(): number {
    let n = 0;
    for (const t of this.tokens.values()) if (t.state === 'live') n++;
    return n;
  }
}

function allOnGrid(levels: readonly Level[], tick: number): boolean {
  for (const [px] of levels) if (!onTickGrid(px, tick)) return false;
  return true;
}

function ladderOnGrid(l: BookLadder, tick: number): boolean {
  const k = pxKey(tick);
  return l.keys.every((key) => key % k === 0);
}

/** The venue writes "0" for no bid and "1" for no ask (docs example: best_ask "1"). */
function bestMatches(book: OrderBook, bestBid: number, bestAsk: number): boolean {
  const bid = book.bids.keys[0] ?? 0;
  const ask = book.asks.keys[0] ?? pxKey(1);
  return bid === pxKey(bestBid) && ask === pxKey(bestAsk);
}
