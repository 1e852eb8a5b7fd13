/**
 * The engine's set of active markets, their books and lifecycle: discovered → open
 * (window running) → closed to new risk (window ended or `market_closed`) → settled and
 * removed. Also records each market's price to beat at its window start from the
 * market's own resolution source, falling back to the venue median (flagged estimated).
 */
import type { MarketInfo, ReferencePrice } from '../core/events.ts';
import type { OrderBook } from '../core/book.ts';
import { keptPriceToBeat, PRINT_TOLERANCE_MS, readableAt, readOpening, ReferenceBuffer } from '../core/resolution.ts';

export interface MarketState {
  info: MarketInfo;
  books: Map<string, OrderBook>;
  closed: boolean;
  settled: boolean;
}

/** How long after its window end a market without any result is kept. */
export const UNRESOLVED_FORGET_MS = 6 * 3_600_000;

export class MarketRegistry {
  private readonly byId = new Map<string, MarketState>();
  private readonly tokenToMarket = new Map<string, string>();
  /** Reference prints per source (the data socket has no backfill). */
  private readonly refs = new ReferenceBuffer();

  get size(): number {
    return this.byId.size;
  }

  get(marketId: string): MarketState | undefined {
    return this.byId.get(marketId);
  }

  all(): IterableIterator<MarketState> {
    return this.byId.values();
  }

  /** Adds a market, or refreshes its info (tick size, price to beat) if already known. */
  add(info: MarketInfo): boolean {
    const cur = this.byId.get(info.market_id);
    if (cur) {
      const keepPtb = cur.info.price_to_beat !== null && info.price_to_beat === null;
      cur.info = keepPtb ? { ...info, ...keptPriceToBeat(cur.info) } : info;
      return false;
    }
    this.byId.set(info.market_id, { info, books: new Map(), closed: false, settled: false });
    for (const t of info.tokens) this.tokenToMarket.set(t.token_id, info.market_id);
    return true;
  }

  close(marketId: string): void {
    const m = this.byId.get(marketId);
    if (m) m.closed = true;
  }

  remove(marketId: string): void {
    const m = this.byId.get(marketId);
    if (!m) return;
    for (const t of m.info.tokens) this.tokenToMarket.delete(t.token_id);
    this.byId.delete(marketId);
  }

  bookOf(tokenId: string): OrderBook | undefined {
    const id = this.tokenToMarket.get(tokenId);
    return id === undefined ? undefined : this.byId.get(id)?.books.get(tokenId);
  }

  observeReference(r: ReferencePrice): void {
    this.refs.add(r);
  }

  /** The newest print of a reference source, or undefined. */
  latestPrint(source: string): ReferencePrice | undefined {
    const ps = this.refs.prints(source);
    return ps[ps.length - 1];
  }

  /** Mean of a source's prints stamped in [fromMs, toMs], or null when there are none. */
  meanPrint(source: string, fromMs: number, toMs: number): number | null {
    let sum = 0;
    let n = 0;
    const ps = this.refs.prints(source);
    // Newest first: the span asked is the last minute of a buffer that holds hours.
    for (let i = ps.length - 1; i >= 0 && ps[i]!.ts_exchange_ms >= fromMs; i--)
      if (ps[i]!.ts_exchange_ms <= toMs) {
        sum += ps[i]!.px;
        n++;
      }
    return n > 0 ? sum / n : null;
  }

  /** Moves lifecycles forward to `nowMs`: closes ended windows, fixes prices to beat (returned). */
  advance(nowMs: number, medianPx: number | null): MarketInfo[] {
    const fixed: MarketInfo[] = [];
    for (const m of this.byId.values()) {
      if (!m.closed && nowMs >= m.info.window_end_ms) m.closed = true;
      // A market no result ever came for is forgotten after a while, so nothing leaks over
      // days; a position in it stays in the portfolio, marked at 0 (no book).
      if (nowMs - m.info.window_end_ms > UNRESOLVED_FORGET_MS) {
        this.remove(m.info.market_id);
        continue;
      }
      if (m.info.price_to_beat === null && nowMs >= m.info.window_start_ms) {
        this.fixPriceToBeat(m, nowMs, medianPx);
        if (m.info.price_to_beat !== null) fixed.push(m.info);
      }
    }
    return fixed;
  }

  private fixPriceToBeat(m: MarketState, nowMs: number, medianPx: number | null): void {
    const start = m.info.window_start_ms;
    // Wait for the print at (or just after) the start to arrive, up to the tolerance.
    if (!readableAt(m.info, this.refs, start, nowMs)) return;
    // The market's own rule (core/resolution.ts): a TWAP market falls back to Chainlink spot, flagged.
    const read = readOpening(m.info, this.refs);
    if (read !== null) {
      m.info = { ...m.info, price_to_beat: read.px, price_to_beat_estimated: read.estimated };
    } else if (medianPx !== null && nowMs - start > PRINT_TOLERANCE_MS) {
      // The official source has nothing near the window start: estimate from the median.
      m.info = { ...m.info, price_to_beat: medianPx, price_to_beat_estimated: true };
    }
  }

  /** Markets inside their window and open to new risk. */
  *tradable(nowMs: number): IterableIterator<MarketState> {
    for (const m of this.byId.values()) {
      if (!m.closed && !m.settled && nowMs >= m.info.window_start_ms && nowMs < m.info.window_end_ms) yield m;
    }
  }
}
