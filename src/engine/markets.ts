/**
 * The engine's set of active markets, their books and lifecycle: discovered → open
 * (window running) → closed to new risk (window ended or `market_closed`) → settled and
 * removed. Also records each market's price to beat at its window start from the
 * market's own resolution source, falling back to the venue median (flagged estimated).
 */
import type { MarketInfo, ReferencePrice } from '../core/events.ts';
import type { OrderBook } from '../core/book.ts';

export interface MarketState {
  info: MarketInfo;
  books: Map<string, OrderBook>;
  closed: boolean;
  settled: boolean;
}

/** How far from the window start a reference print may be to count as its opening. */
export const PRICE_TO_BEAT_TOLERANCE_MS = 5_000;
/** How long after its window end a market without any result is kept. */
export const UNRESOLVED_FORGET_MS = 6 * 3_600_000;
const REFERENCE_BUFFER_MAX = 2_048;

export class MarketRegistry {
  private readonly byId = new Map<string, MarketState>();
  private readonly tokenToMarket = new Map<string, string>();
  /** Rolling buffer of reference prints per source (the data socket has no backfill). */
  private readonly refs = new Map<string, ReferencePrice[]>();

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
      cur.info = keepPtb ? { ...info, price_to_beat: cur.info.price_to_beat, price_to_beat_estimated: cur.info.price_to_beat_estimated } : info;
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
    let buf = this.refs.get(r.source);
    if (!buf) this.refs.set(r.source, (buf = []));
    buf.push(r);
    if (buf.length > REFERENCE_BUFFER_MAX) buf.splice(0, buf.length - REFERENCE_BUFFER_MAX);
  }

  /** The print of `source` nearest to `tsMs` by exchange time, within the tolerance. */
  referenceAt(source: string, tsMs: number): ReferencePrice | null {
    let best: ReferencePrice | null = null;
    for (const r of this.refs.get(source) ?? []) {
      const d = Math.abs(r.ts_exchange_ms - tsMs);
      if (d <= PRICE_TO_BEAT_TOLERANCE_MS && (best === null || d < Math.abs(best.ts_exchange_ms - tsMs))) best = r;
    }
    return best;
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

  /**
   * Mean of `source` prints in (endMs − windowMs, endMs], or null with fewer than
   * `minPrints` (the 60-second Chainlink average some 5-minute markets resolve on).
   */
  referenceAverage(source: string, endMs: number, windowMs: number, minPrints = 10): number | null {
    let sum = 0;
    let n = 0;
    for (const r of this.refs.get(source) ?? []) {
      if (r.ts_exchange_ms > endMs - windowMs && r.ts_exchange_ms <= endMs) {
        sum += r.px;
        n += 1;
      }
    }
    return n >= minPrints ? sum / n : null;
  }

  /** A candle opens with the first print at or after its start (within the tolerance). */
  private firstPrintFrom(source: string, tsMs: number): number | null {
    for (const r of this.refs.get(source) ?? []) {
      if (r.ts_exchange_ms >= tsMs) return r.ts_exchange_ms - tsMs <= PRICE_TO_BEAT_TOLERANCE_MS ? r.px : null;
    }
    return null;
  }

  /** True once a print at or after `tsMs` exists: the value at `tsMs` is then decided. */
  private hasPrintFrom(source: string, tsMs: number): boolean {
    const buf = this.refs.get(source);
    const last = buf?.[buf.length - 1];
    return last !== undefined && last.ts_exchange_ms >= tsMs;
  }

  private fixPriceToBeat(m: MarketState, nowMs: number, medianPx: number | null): void {
    const { source, rule } = m.info.resolution;
    const start = m.info.window_start_ms;
    // Wait for the print at (or just after) the start to arrive, up to the tolerance.
    if (!this.hasPrintFrom(source, start) && nowMs - start <= PRICE_TO_BEAT_TOLERANCE_MS) return;
    const officialPx =
      rule === 'avg60_gte_start' ? this.referenceAverage(source, start, 60_000)
      : rule === 'candle_close_gte_open' ? this.firstPrintFrom(source, start)
      : this.referenceAt(source, start)?.px ?? null;
    if (officialPx !== null) {
      m.info = { ...m.info, price_to_beat: officialPx, price_to_beat_estimated: false };
    } else if (medianPx !== null && nowMs - m.info.window_start_ms > PRICE_TO_BEAT_TOLERANCE_MS) {
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
