/**
 * Whether what a run shows is live, in input time: the reference price and each market's
 * books, the feed health the API serves and the readiness it answers. Read from a RunView.
 */
import { JOURNAL_SOURCE, type FeedState } from '../core/events.ts';
import type { FeedHealthResponse, FeedWarning, ReadyzResponse, TokenQuote } from '../core/wire.ts';
import type { RunView, SourceRow } from './runView.ts';

export interface LivenessLimits {
  /** A median older than this (input time, against the newest event) is not live. */
  referenceMaxAgeMs: number;
  /**
   * A book that has not changed for this long (input time) is not live — the same limit as
   * the risk gate `POLYLAB_RISK_MAX_BOOK_AGE_MS`, so "ready" and "would trade" agree.
   */
  bookMaxAgeMs: number;
}

/** What a live run that reaches no venue at all tells its user, once on stderr and on the dashboard. */
export const OFFLINE_HINT =
  'no venue is reachable: live mode keeps retrying with backoff. To run without network use the simulator: polylab run --mode sim (npm start -- --mode sim)';

export const DEFAULT_LIMITS: LivenessLimits = { referenceMaxAgeMs: 5_000, bookMaxAgeMs: 10_000 };

/** Source names that belong to Polymarket rather than to a BTC venue. */
const POLYMARKET_SOURCE = /^(polymarket|clob|gamma|rtds)/;
const STATE_RANK: Record<FeedState, number> = { live: 0, connecting: 1, rate_limited: 2, stale: 3, blocked: 4, down: 5 };

export function referenceLive(v: RunView, limits: LivenessLimits): boolean {
  const m = v.median;
  if (!m || v.standDownSinceMs !== null || v.latestTsMs === null) return false;
  return v.latestTsMs - m.ts_unix_ms <= limits.referenceMaxAgeMs;
}

/**
 * Whether a token's book is live: it shows a bid or an ask, changed within the book age
 * limit (input time), and the market socket (when there is one) is live. A socket that
 * only answers PONG keeps no book live.
 */
function quoteLive(v: RunView, q: TokenQuote, limits: LivenessLimits): boolean {
  const ws = v.sources.get('polymarket_ws');
  if (ws && ws.state !== 'live') return false;
  if (q.best_bid === null && q.best_ask === null) return false;
  return q.ts_unix_ms !== null && v.latestTsMs !== null && v.latestTsMs - q.ts_unix_ms <= limits.bookMaxAgeMs;
}

/** Markets with at least one live token book (a `live` row of `bookRows`). */
export function booksLive(v: RunView, limits: LivenessLimits): number {
  return marketsWithLiveBook(bookRows(v, limits));
}

function marketsWithLiveBook(books: readonly BookRow[]): number {
  return new Set(books.filter((b) => b.live).map((b) => b.market_id)).size;
}

/** Input time since the newest book change of any active market, or null when none has a book. */
function newestBookAgeMs(v: RunView): number | null {
  let newest: number | null = null;
  for (const m of v.markets.values())
    for (const q of m.view.quotes) if (q.ts_unix_ms !== null) newest = Math.max(newest ?? 0, q.ts_unix_ms);
  return newest === null || v.latestTsMs === null ? null : Math.max(0, v.latestTsMs - newest);
}

export type BookRow = FeedHealthResponse['books'][number];

/**
 * Every token book of the active markets, when it last changed and whether it is live
 * (quoteLive): the one list that the book count, the market socket's health line and
 * `books_live` all read, so they cannot disagree within one response.
 */
export function bookRows(v: RunView, limits: LivenessLimits): BookRow[] {
  const now = v.latestTsMs;
  const out: BookRow[] = [];
  for (const { view } of v.markets.values()) {
    for (const q of view.quotes) {
      out.push({
        market_id: view.market.market_id,
        slug: view.market.slug,
        token_id: q.token_id,
        outcome: q.outcome,
        last_update_ms: q.ts_unix_ms,
        age_ms: q.ts_unix_ms === null || now === null ? null : Math.max(0, now - q.ts_unix_ms),
        live: quoteLive(v, q, limits),
      });
    }
  }
  return out;
}

/** "3/4 books live, oldest update 2.1 s ago": the market socket's health line, counted from the book rows. */
export function booksLine(books: readonly BookRow[]): string {
  let live = 0;
  let oldestMs: number | null = null;
  for (const b of books) {
    if (!b.live) continue;
    live += 1;
    if (b.age_ms !== null) oldestMs = Math.max(oldestMs ?? 0, b.age_ms);
  }
  const age = oldestMs === null ? '' : `, oldest update ${(oldestMs / 1_000).toFixed(1)} s ago`;
  return `${live}/${books.length} books live${age}`;
}

/**
 * A source row as shown. The market socket, while live, reports no line of its own: its
 * line and its `books_live` count are read here from the book rows — the one definition of
 * a live book — rather than from the edge's mirror, which said "0/18 books live" beside a
 * list of live books. (Captures and journals made before say their own line; it is replaced.)
 */
export function shownSource<S extends Pick<SourceRow, 'source' | 'state' | 'reason' | 'counts'>>(s: S, books: readonly BookRow[]): S {
  if (s.source !== 'polymarket_ws' || s.state !== 'live') return s;
  return { ...s, reason: booksLine(books), counts: { ...s.counts, books_live: books.filter((b) => b.live).length } };
}

export function feedHealthOf(v: RunView, limits: LivenessLimits, warnings: FeedWarning[], fallbackMode: FeedHealthResponse['mode']) {
  const books = bookRows(v, limits);
  // The message rate is the dashboard's; the API's source rows are the feed_health events.
  const sources = [...v.sources.values()].map(({ msgs_per_s: _r, ...s }) => shownSource(s, books));
  const poly = sources.filter((s) => POLYMARKET_SOURCE.test(s.source));
  const worst = poly.reduce<FeedState | null>((w, s) => (w === null || STATE_RANK[s.state] > STATE_RANK[w] ? s.state : w), null);
  const m = v.median;
  const live = referenceLive(v, limits);
  const health: FeedHealthResponse = {
    mode: v.mode ?? fallbackMode,
    sources,
    venues_contributing: live && m ? m.venue_count : 0,
    reference: {
      live,
      px_median: m?.px_median ?? null,
      px_spread_bps: m?.px_spread_bps ?? null,
      venue_count: m?.venue_count ?? 0,
      age_ms: m && v.latestTsMs !== null ? v.latestTsMs - m.ts_unix_ms : null,
    },
    polymarket_state: worst,
    books_live: marketsWithLiveBook(books),
    books,
    ts_unix_ms: v.latestTsMs,
    book_max_age_ms: limits.bookMaxAgeMs,
    warnings,
  };
  return health;
}

export function readinessOf(v: RunView, limits: LivenessLimits): ReadyzResponse {
  const refLive = referenceLive(v, limits);
  const books = booksLive(v, limits);
  // A journal that failed a write stopped new risk (src/app/journalDown.ts): not ready, whatever the feeds say.
  const journal = v.sources.get(JOURNAL_SOURCE);
  const reason =
    journal && journal.state !== 'live'
      ? (journal.reason ?? 'journal down')
      : !refLive
        ? 'no live reference price'
        : books === 0
          ? noBookReason(v, limits)
          : null;
  return { ready: reason === null, reference_live: refLive, books_live: books, reason };
}

/** Why no book is live: the socket's state, or how old the newest book change is. */
function noBookReason(v: RunView, limits: LivenessLimits): string {
  const ws = v.sources.get('polymarket_ws');
  if (ws && ws.state !== 'live') return `no live market book: polymarket_ws is ${ws.state}${ws.reason ? ` (${ws.reason})` : ''}`;
  const age = newestBookAgeMs(v);
  return age === null
    ? 'no live market book'
    : `no live market book: newest book change ${(age / 1_000).toFixed(1)} s ago (limit ${(limits.bookMaxAgeMs / 1_000).toFixed(1)} s)`;
}
