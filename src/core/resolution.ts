/**
 * How a market's price to beat and its outcome are read from its resolution source — the
 * one place that knows Polymarket's BTC up/down rules — and the one bounded buffer of
 * reference prints they are read from. The engine uses it to fix each window's price to
 * beat; the live resolution watcher uses it for our own reading of the outcome.
 *
 * Rules (MarketInfo.resolution.rule), worded as Polymarket words them today (market rules on
 * polymarket.com and Gamma `description`, read 2026-12-06 through the `search` tool):
 * - `end_gte_start` (5m/15m/4h without TWAP): "Up if the Bitcoin price at the end of the time
 *   range … is greater than or equal to the price at the beginning" (Chainlink BTC/USD).
 * - `twap_gte_start` (5m/15m/4h with `cryptoMarketConfig.twapEnabled`): the Chainlink-computed
 *   TWAP over `lookback_s` at the end ≥ at the start. Polymarket says not to recompute the TWAP
 *   (docs.polymarket.com/market-data/chainlink-twap, read 2026-11-30); only when its topic has
 *   nothing at an edge do we fall back to the mean of the spot prints over the lookback, and
 *   the reading is flagged `estimated`.
 * - `candle_close_gte_open` (1h): "Up if the close price is greater than or equal to the open
 *   price for the BTC/USDT 1 hour candle" (Binance): first print of the hour, last before its end.
 * - `minute_close_vs_close` (daily): "the 'Close' price for the Binance 1 minute candle for
 *   BTCUSDT [day 1] 12:00 in the ET timezone (noon)" vs the same candle a day later; Up when
 *   higher, Down when lower, "if … exactly equal … this market will resolve 50-50"
 *   (polymarket.com/event/bitcoin-up-or-down-on-may-17, read 2026-12-06). The 12:00 candle is
 *   the one Binance labels 12:00: it opens at the edge and closes a minute later, so its close
 *   is the last print in [edge, edge + 60 s) and is known only after that minute.
 * - `avg60_gte_start`: kept for older captures (mean of the 60 s before each edge).
 *
 * Edge reading (`end_gte_start`, `twap_gte_start`): the print stamped AT the edge, else the
 * first one after it (within PRINT_TOLERANCE_MS), never one before — a print from before the
 * window is the previous window's price, not this one's. The price an up/down market compares
 * is "the FIRST tick at or after" the edge (Polymarket Chainlink price relay described at
 * glama.ai/mcp/connectors/io.vike/data/tools/polymarket_chainlink_prices, read 2026-12-06).
 *
 * Polymarket's own numbers win: Gamma's `eventMetadata.priceToBeat` (and `finalPrice` after
 * the end), carried on MarketInfo as `price_to_beat` (with `price_to_beat_official`) and
 * `final_price`, are used instead of our reading whenever present (`readOutcome`).
 *
 * Official results: `checkOfficialResult` is the one integrity rule for Polymarket's own
 * result (market channel `market_resolved` or CLOB REST) — the live watcher applies it.
 */
import type { MarketInfo, Outcome, ReferencePrice, ReferenceSource, TwapLookback } from './events.ts';

/** The price-to-beat fields of `m`, to carry over when a later copy of it lacks them. */
export function keptPriceToBeat(m: MarketInfo): Pick<MarketInfo, 'price_to_beat' | 'price_to_beat_estimated' | 'price_to_beat_official'> {
  return m.price_to_beat_official === true
    ? { price_to_beat: m.price_to_beat, price_to_beat_estimated: m.price_to_beat_estimated, price_to_beat_official: true }
    : { price_to_beat: m.price_to_beat, price_to_beat_estimated: m.price_to_beat_estimated };
}

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

/**
 * The print stamped at `tMs`, else the first one after it within PRINT_TOLERANCE_MS; never
 * one before it. `ps` is ordered by exchange time (ReferenceBuffer keeps it so).
 */
export const atOrFirstAfter = (ps: readonly Pick<ReferencePrice, 'px' | 'ts_exchange_ms'>[], tMs: number): number | null => {
  for (const p of ps) {
    if (p.ts_exchange_ms < tMs) continue;
    return p.ts_exchange_ms - tMs <= PRINT_TOLERANCE_MS ? p.px : null;
  }
  return null;
};

/** How long a Binance 1-minute candle lasts: the daily rule's close is known this long after each edge. */
export const MINUTE_CANDLE_MS = 60_000;

/** The close of the 1-minute candle opening at `tMs`: the last print in [t, t + 60 s), or null. */
export const minuteClose = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let close: number | null = null;
  for (const p of ps) {
    if (p.ts_exchange_ms >= tMs + MINUTE_CANDLE_MS) break;
    if (p.ts_exchange_ms >= tMs) close = p.px;
  }
  return close;
};

/** When the value a rule reads at edge `tMs` is final: the daily rule waits for its minute candle to close. */
export const decisionTime = (m: MarketInfo, tMs: number): number =>
  m.resolution.rule === 'minute_close_vs_close' ? tMs + MINUTE_CANDLE_MS : tMs;

/** Mean of the prints in (t − 60 s, t]; null when fewer than AVG_MIN_PRINTS cover it. */
export const trailingAverage = (ps: readonly ReferencePrice[], tMs: number): number | null => {
  let sum = 0;
  let n = 0;
  for (const p of ps)
    if (p.ts_exchange_ms > tMs - AVG_WINDOW_MS && p.ts_exchange_ms <= tMs) {
      sum += p.px;
      n++;
    }
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
    // For a TWAP market `prints` are its TWAP topic's (readOpening also knows the fallback).
    case 'end_gte_start':
    case 'twap_gte_start':
      return atOrFirstAfter(prints, s);
    case 'avg60_gte_start':
      return trailingAverage(prints, s);
    case 'candle_close_gte_open':
      return candleOpen(prints, s, m.window_end_ms);
    case 'minute_close_vs_close':
      return minuteClose(prints, s);
  }
}

/** The value the market's rule reads at its window end, or null. */
export function closingValue(m: MarketInfo, prints: readonly ReferencePrice[]): number | null {
  const e = m.window_end_ms;
  switch (m.resolution.rule) {
    case 'end_gte_start':
    case 'twap_gte_start':
      return atOrFirstAfter(prints, e);
    case 'avg60_gte_start':
      return trailingAverage(prints, e);
    case 'candle_close_gte_open':
      return candleClose(prints, m.window_start_ms, e);
    case 'minute_close_vs_close':
      return minuteClose(prints, e);
  }
}

/** True once the value at `tMs` can no longer change: a print at or after it has arrived. */
export function decidedAt(prints: readonly ReferencePrice[], tMs: number): boolean {
  const last = prints[prints.length - 1];
  return last !== undefined && last.ts_exchange_ms >= tMs;
}

/** A rule's verdict: Up or Down, or (`split`) a 50-50 where `outcome` names Up by convention. */
export interface Verdict {
  outcome: Outcome;
  split?: true;
}

/**
 * The verdict of `m`'s rule on a start and an end value: ties go to Up (end ≥ start), except
 * under the daily rule, where an exact tie resolves 50-50.
 */
export function verdictOf(m: MarketInfo, startPx: number, endPx: number): Verdict {
  if (m.resolution.rule === 'minute_close_vs_close' && endPx === startPx) return { outcome: 'Up', split: true };
  return { outcome: endPx >= startPx ? 'Up' : 'Down' };
}

/**
 * The outcome of `m` read from `prints` of its resolution source, or null when the prints
 * do not cover the window's start and end.
 */
export function ownOutcome(m: MarketInfo, prints: readonly ReferencePrice[]): (Verdict & { startPx: number; endPx: number }) | null {
  const start = openingValue(m, prints);
  const end = closingValue(m, prints);
  if (start === null || end === null) return null;
  return { ...verdictOf(m, start, end), startPx: start, endPx: end };
}

// ---------------------------------------------------------------- rule readings with their sources

/** Read access to buffered prints by source (a ReferenceBuffer). */
export interface PrintSource {
  prints(source: string): readonly ReferencePrice[];
}

/** A value read by a market's rule; `estimated` when it came from the fallback source. */
export interface Reading {
  px: number;
  estimated: boolean;
}

export const twapSourceOf = (lookbackS: TwapLookback): ReferenceSource => (lookbackS === 30 ? 'chainlink_twap30' : 'chainlink_twap60');

/** The source a market's rule reads first (the TWAP topic for TWAP markets). */
export function primarySource(m: MarketInfo): ReferenceSource {
  const r = m.resolution;
  return r.rule === 'twap_gte_start' ? twapSourceOf(r.lookback_s ?? 60) : r.source;
}

/** Mean of the prints in (t − windowMs, t], needing one print per 6 s of window; else null. */
export function trailingMean(ps: readonly ReferencePrice[], tMs: number, windowMs: number): number | null {
  let sum = 0;
  let n = 0;
  for (const p of ps)
    if (p.ts_exchange_ms > tMs - windowMs && p.ts_exchange_ms <= tMs) {
      sum += p.px;
      n++;
    }
  return n >= Math.max(1, Math.floor(windowMs / 6_000)) ? sum / n : null;
}

function readAt(m: MarketInfo, refs: PrintSource, edge: 'open' | 'close'): Reading | null {
  const t = edge === 'open' ? m.window_start_ms : m.window_end_ms;
  if (m.resolution.rule !== 'twap_gte_start') {
    const ps = refs.prints(m.resolution.source);
    const px = edge === 'open' ? openingValue(m, ps) : closingValue(m, ps);
    return px === null ? null : { px, estimated: false };
  }
  const twap = atOrFirstAfter(refs.prints(primarySource(m)), t);
  if (twap !== null) return { px: twap, estimated: false };
  const spot = trailingMean(refs.prints(m.resolution.source), t, (m.resolution.lookback_s ?? 60) * 1_000);
  return spot === null ? null : { px: spot, estimated: true };
}

/**
 * The market's price to beat: Polymarket's own number when Gamma published it, else read
 * from its sources (TWAP first, spot fallback), or null.
 */
export const readOpening = (m: MarketInfo, refs: PrintSource): Reading | null =>
  m.price_to_beat_official === true && m.price_to_beat !== null ? { px: m.price_to_beat, estimated: false } : readAt(m, refs, 'open');
/** The market's closing value: Gamma's `finalPrice` when published, else read from its sources, or null. */
export const readClosing = (m: MarketInfo, refs: PrintSource): Reading | null =>
  m.final_price !== undefined && m.final_price !== null ? { px: m.final_price, estimated: false } : readAt(m, refs, 'close');

/**
 * Whether the value at `tMs` can be read now: the rule's own source has a print at or after
 * it, or `nowMs` is past the print tolerance (a fallback may be used from then on).
 */
export function readableAt(m: MarketInfo, refs: PrintSource, tMs: number, nowMs: number): boolean {
  const decided = decisionTime(m, tMs);
  return decidedAt(refs.prints(primarySource(m)), decided) || nowMs - decided > PRINT_TOLERANCE_MS;
}

/**
 * The venue median at an instant, as the own reading's last fallback: null when none is
 * known there. The live watcher takes the first median stamped at or after the instant
 * (within PRINT_TOLERANCE_MS), the same edge rule as the prints.
 */
export type MedianAt = (tMs: number) => number | null;

/** The median fallback at a rule's edge (the daily rule's edge value is known a minute later). */
function medianReading(m: MarketInfo, tMs: number, medianAt: MedianAt | undefined): Reading | null {
  const px = medianAt?.(decisionTime(m, tMs)) ?? null;
  return px === null ? null : { px, estimated: true };
}

/**
 * Our own outcome of `m` from its sources; `estimated` if either edge came from a fallback.
 * An edge neither the rule's source nor its spot fallback covers is read from the venue
 * median (`medianAt`, when given) — the same last resort the engine uses for the price to
 * beat — so a window whose data socket was silent still settles, flagged estimated, until
 * the official result confirms or corrects it.
 */
export function readOutcome(
  m: MarketInfo,
  refs: PrintSource,
  medianAt?: MedianAt,
): (Verdict & { startPx: number; endPx: number; estimated: boolean }) | null {
  const start = readOpening(m, refs) ?? medianReading(m, m.window_start_ms, medianAt);
  const end = readClosing(m, refs) ?? medianReading(m, m.window_end_ms, medianAt);
  if (start === null || end === null) return null;
  return { ...verdictOf(m, start.px, end.px), startPx: start.px, endPx: end.px, estimated: start.estimated || end.estimated };
}

// ---------------------------------------------------------------- official results

/**
 * How far before its window end an official result is still accepted: our clock and
 * Polymarket's may disagree by a few seconds, never by more.
 */
export const OFFICIAL_CLOCK_TOLERANCE_MS = 5_000;

export type OfficialRefusal = 'unknown_market' | 'token_mismatch' | 'winner_not_in_market' | 'outcome_mismatch' | 'window_not_ended';

/** An official result as Polymarket sends it: the market, its token ids, the winner. */
export interface OfficialClaim {
  market_id: string;
  token_ids: readonly string[];
  /** The winning token; ignored on a 50-50 (`split`). */
  winning_token_id: string;
  /** The winner's outcome label when the message carries one ("Up"/"Down", any case). */
  winning_outcome: string | null;
  /** Polymarket says no token won: a 50-50, every share of either token pays 0.5. */
  split?: boolean;
}

/**
 * Whether an official result may settle `m` (undefined = a market we do not know): its
 * market id and both token ids must be that market's, the winner one of them (and its label,
 * if it says Up or Down, that token's outcome), and the window must have ended at `nowMs` within
 * OFFICIAL_CLOCK_TOLERANCE_MS. Anything else is refused with the reason.
 */
export function checkOfficialResult(
  m: MarketInfo | undefined,
  c: OfficialClaim,
  nowMs: number,
): { ok: true; outcome: Outcome; split?: true } | { ok: false; reason: OfficialRefusal } {
  if (!m || m.market_id !== c.market_id) return { ok: false, reason: 'unknown_market' };
  const ids = m.tokens.map((t) => t.token_id);
  if (c.token_ids.length !== 2 || !ids.every((id) => c.token_ids.includes(id))) return { ok: false, reason: 'token_mismatch' };
  if (c.split === true) {
    if (nowMs < m.window_end_ms - OFFICIAL_CLOCK_TOLERANCE_MS) return { ok: false, reason: 'window_not_ended' };
    // A 50-50 names Up by convention, as our own reading of a daily tie does (verdictOf).
    return { ok: true, outcome: 'Up', split: true };
  }
  const winner = m.tokens.find((t) => t.token_id === c.winning_token_id);
  if (!winner) return { ok: false, reason: 'winner_not_in_market' };
  // A label that names an outcome must name the winner's; other labels ("Yes") say nothing here.
  const label = c.winning_outcome?.trim().toLowerCase() ?? null;
  if ((label === 'up' || label === 'down') && label !== winner.outcome.toLowerCase()) return { ok: false, reason: 'outcome_mismatch' };
  if (nowMs < m.window_end_ms - OFFICIAL_CLOCK_TOLERANCE_MS) return { ok: false, reason: 'window_not_ended' };
  return { ok: true, outcome: winner.outcome };
}
