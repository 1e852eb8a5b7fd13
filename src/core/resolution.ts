/**
 * How a market's price to beat and its outcome are read from its resolution source — the
 * one place that knows Polymarket's BTC up/down rules — and the one bounded buffer of
 * reference prints they are read from. The engine uses it to fix each window's price to
 * beat; the live resolution watcher uses it for our own reading of the outcome.
 *
 * Rules (MarketInfo.resolution.rule):
 * - `end_gte_start`: the source's print nearest each edge of the window (within
 *   PRINT_TOLERANCE_MS); Up when end ≥ start.
 * - `avg60_gte_start`: the mean of the source's prints in the 60 s ending at each edge
 *   (at least AVG_MIN_PRINTS of them).
 * - `candle_close_gte_open`: a candle over the window opens with its first print (within
 *   the tolerance of the start) and closes with its last (within the tolerance of the end).
 */
import type { MarketInfo, Outcome, ReferencePrice } from './events.ts';

/** A print counts as the value at an instant if it is within this distance of it. */
export const PRINT_TOLERANCE_MS = 5_000;
export const AVG_WINDOW_MS = 60_000;
export const AVG_MIN_PRINTS = 10;
/** Prints kept per source: over five hours of a once-a-second stream. */
export const REFERENCE_BUFFER_MAX = 20_000;

/** Rolling buffer of reference prints per source, strictly ordered by exchange time. */
export class ReferenceBuffer {
  private readonly bySource = new Map<string, ReferencePrice[]>();

  /** Keeps `p` unless it is not newer than the source's last print. Returns whether it was kept. */
  add(p: ReferencePrice): boolean {
    let buf = this.bySource.get(p.source);
    if (!buf) this.bySource.set(p.source, (buf = []));
    const last = buf[buf.length - 1];
    if (last && p.ts_exchange_ms <= last.ts_exchange_ms) return false;
    buf.push(p);
    if (buf.length > REFERENCE_BUFFER_MAX) buf.splice(0, buf.length - REFERENCE_BUFFER_MAX);
    return true;
  }

  prints(source: string): readonly ReferencePrice[] {
    return this.bySource.get(source) ?? [];
  }
}

const nearest = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let best: ReferencePrice | null = null;
  for (const p of ps) if (Math.abs(p.ts_exchange_ms - tMs) <= PRINT_TOLERANCE_MS && (!best || Math.abs(p.ts_exchange_ms - tMs) < Math.abs(best.ts_exchange_ms - tMs))) best = p;
  return best?.px ?? null;
};

/** Mean of the prints in (t − 60 s, t]; null when fewer than AVG_MIN_PRINTS cover it. */
export const trailingAverage = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let sum = 0;
  let n = 0;
  for (const p of ps) if (p.ts_exchange_ms > tMs - AVG_WINDOW_MS && p.ts_exchange_ms <= tMs) { sum += p.px; n++; }
  return n >= AVG_MIN_PRINTS ? sum / n : null;
};

const candleOpen = (ps: readonly ReferencePrice[], s: number, e: number): number | null => {
  const first = ps.find((p) => p.ts_exchange_ms >= s && p.ts_exchange_ms < e);
  return first && first.ts_exchange_ms - s <= PRINT_TOLERANCE_MS ? first.px : null;
};

const candleClose = (ps: readonly ReferencePrice[], s: number, e: number): number | null => {
  for (let i = ps.length - 1; i >= 0; i--) {
    const p = ps[i]!;
    if (p.ts_exchange_ms >= e) continue;
    return p.ts_exchange_ms >= s && e - p.ts_exchange_ms <= PRINT_TOLERANCE_MS ? p.px : null;
  }
  return null;
};

/** The value the market's rule reads at its window start (the price to beat), or null. */
export function openingValue(m: MarketInfo, prints: readonly ReferencePrice[]): number | null {
  const s = m.window_start_ms;
  switch (m.resolution.rule) {
    case 'end_gte_start': return nearest(prints, s);
    case 'avg60_gte_start': return trailingAverage(prints, s);
    case 'candle_close_gte_open': return candleOpen(prints, s, m.window_end_ms);
  }
}

/** The value the market's rule reads at its window end, or null. */
export function closingValue(m: MarketInfo, prints: readonly ReferencePrice[]): number | null {
  const e = m.window_end_ms;
  switch (m.resolution.rule) {
    case 'end_gte_start': return nearest(prints, e);
    case 'avg60_gte_start': return trailingAverage(prints, e);
    case 'candle_close_gte_open': return candleClose(prints, m.window_start_ms, e);
  }
}

/** True once the value at `tMs` can no longer change: a print at or after it has arrived. */
export function decidedAt(prints: readonly ReferencePrice[], tMs: number): boolean {
  const last = prints[prints.length - 1];
  return last !== undefined && last.ts_exchange_ms >= tMs;
}

/**
 * The outcome of `m` read from `prints` of its resolution source, or null when the prints
 * do not cover the window's start and end. Ties go to Up (end ≥ start).
 */
export function ownOutcome(m: MarketInfo, prints: readonly ReferencePrice[]): { outcome: Outcome; startPx: number; endPx: number } | null {
  const start = openingValue(m, prints);
  const end = closingValue(m, prints);
  if (start === null || end === null) return null;
  return { outcome: end >= start ? 'Up' : 'Down', startPx: start, endPx: end };
}
