/**
 * LabState: the API's view of the lab, built only from the engine's output events (a
 * sink), never by reaching into the engine. Every collection is bounded: fills and
 * rejects are ring buffers, markets leave at settlement, positions leave at qty 0.
 */
import type { OutputEvent, OutputOf, PaperFill, Pnl, Position, RiskReject } from '../core/outputs.ts';
import { JOURNAL_SOURCE, type FeedState } from '../core/events.ts';
import type { FeedHealthResponse, FeedWarning, MarketView, ReadyzResponse, RunInfo, RunMode, TokenQuote } from '../core/wire.ts';
import { WorkingOrders } from '../core/workingOrders.ts';

/** A fixed-capacity ring: pushing past capacity drops the oldest item. */
export class Ring<T> {
  private readonly items: T[] = [];
  private head = 0;
  total = 0;
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total += 1;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Items newest first, optionally filtered, at most `limit`. */
  newest(limit: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    const n = this.items.length;
    for (let i = 0; i < n && out.length < limit; i++) {
      const item = this.items[(this.head - 1 - i + 2 * n) % n]!;
      if (keep(item)) out.push(item);
    }
    return out;
  }
}

export interface LabStateOptions {
  mode: RunMode;
  /** Capacity of the recent fills and rejects rings. */
  recentMax?: number;
  /** Capacity of the runs list. */
  runsMax?: number;
  /** A median older than this (input time, against the newest event) is not live. */
  referenceMaxAgeMs?: number;
  /**
   * A book that has not changed for this long (input time) is not live — the same limit as
   * the risk gate `POLYLAB_RISK_MAX_BOOK_AGE_MS`, so "ready" and "would trade" agree.
   */
  bookMaxAgeMs?: number;
}

type FeedSource = Omit<OutputOf<'feed_health'>, 'event_type'>;
interface MarketEntry {
  view: MarketView;
  quotes: Map<string, TokenQuote>;
}

/** Source names that belong to Polymarket rather than to a BTC venue. */
const POLYMARKET_SOURCE = /^(polymarket|clob|gamma|rtds)/;
const STATE_RANK: Record<FeedState, number> = { live: 0, connecting: 1, rate_limited: 2, stale: 3, blocked: 4, down: 5 };

export class LabState {
  mode: RunMode;
  private readonly runs: RunInfo[] = [];
  private readonly sources = new Map<string, FeedSource>();
  private readonly markets = new Map<string, MarketEntry>();
  private readonly positions = new Map<string, Position>();
  readonly fills: Ring<PaperFill>;
  readonly rejects: Ring<RiskReject>;
  private readonly rejectsByReason = new Map<string, number>();
  /** Every refusal, the repeats inside reject episodes included (engine/rejectEpisodes.ts). */
  private readonly occurrencesByReason = new Map<string, number>();
  rejectOccurrences = 0;
  private lastPnl: Pnl | null = null;
  private lastMedian: OutputOf<'btc_median'> | null = null;
  private standDownSinceMs: number | null = null;
  private latestTsMs: number | null = null;
  private readonly runsMax: number;
  /** The trust analytics' current warnings (the basis above its threshold), merged into feed health; none by default. */
  warnings: () => FeedWarning[] = () => [];
  private readonly referenceMaxAgeMs: number;
  private readonly bookMaxAgeMs: number;

  constructor(opts: LabStateOptions) {
    this.mode = opts.mode;
    this.fills = new Ring(opts.recentMax ?? 1000);
    this.rejects = new Ring(opts.recentMax ?? 1000);
    this.runsMax = opts.runsMax ?? 100;
    this.referenceMaxAgeMs = opts.referenceMaxAgeMs ?? 5_000;
    this.bookMaxAgeMs = opts.bookMaxAgeMs ?? 10_000;
  }

  /** Working orders with their queue positions (`GET /working-orders`). */
  readonly orders = new WorkingOrders();

  /** The sink: O(1) per event except market bookkeeping, which is O(tokens). */
  readonly apply = (e: OutputEvent): void => {
    if (this.latestTsMs === null || e.ts_unix_ms > this.latestTsMs) this.latestTsMs = e.ts_unix_ms;
    this.orders.apply(e);
    switch (e.event_type) {
      case 'run_started':
        this.onRunStarted(e);
        break;
      case 'run_stopped':
        this.onRunStopped(e);
        break;
      case 'btc_median':
        this.lastMedian = e;
        this.standDownSinceMs = null;
        break;
      case 'feed_health': {
        const { event_type: _t, ...rest } = e;
        this.sources.set(e.source, rest);
        break;
      }
      case 'market_discovered':
        this.onDiscovered(e);
        break;
      case 'quote':
        this.onQuote(e);
        break;
      case 'position':
        if (e.qty > 0) this.positions.set(e.token_id, e);
        else this.positions.delete(e.token_id);
        break;
      case 'paper_fill':
        this.fills.push(e);
        this.bumpRun('fills');
        break;
      case 'risk_reject':
        this.onReject(e);
        break;
      // Its first occurrence came with the episode's risk_reject.
      case 'reject_episode_ended':
        this.occurred(e.reason, e.occurrences - 1);
        break;
      case 'settlement':
        this.onSettlement(e.market_id);
        break;
      case 'pnl':
        this.lastPnl = e;
        break;
      default:
        break;
    }
  };

  private onRunStarted(e: OutputOf<'run_started'>): void {
    this.mode = e.mode;
    for (const r of this.runs) r.current = false;
    this.runs.push({
      run_id: e.run_id,
      mode: e.mode,
      seed: e.seed,
      strategy: e.strategy,
      started_ms: e.ts_unix_ms,
      stopped_ms: null,
      fills: 0,
      rejects: 0,
      settlements: 0,
      current: true,
    });
    if (this.runs.length > this.runsMax) this.runs.shift();
  }

  private onRunStopped(e: OutputOf<'run_stopped'>): void {
    const run = this.runs.find((r) => r.run_id === e.run_id);
    if (!run) return;
    run.stopped_ms = e.ts_unix_ms;
    // The engine's own totals are authoritative at the end of a run.
    run.fills = e.fills;
    run.rejects = e.rejects;
    run.settlements = e.settlements;
  }

  private bumpRun(key: 'fills' | 'rejects' | 'settlements'): void {
    const run = this.runs[this.runs.length - 1];
    if (run?.current) run[key] += 1;
  }

  private onDiscovered(e: OutputOf<'market_discovered'>): void {
    const known = this.markets.get(e.market.market_id);
    if (known) {
      // A re-announcement (price to beat fixed, tick size changed) keeps the quotes.
      known.view = { ...known.view, market: e.market };
      return;
    }
    const quotes = new Map<string, TokenQuote>();
    for (const t of e.market.tokens)
      quotes.set(t.token_id, { token_id: t.token_id, outcome: t.outcome, best_bid: null, best_ask: null, mid: null, ts_unix_ms: null });
    this.markets.set(e.market.market_id, { view: { market: e.market, quotes: [...quotes.values()], discovered_ms: e.ts_unix_ms }, quotes });
  }

  /** Settlement pays out every position of the market (the engine sends no qty-0 position for it). */
  private onSettlement(marketId: string): void {
    this.markets.delete(marketId);
    for (const [token, p] of this.positions) if (p.market_id === marketId) this.positions.delete(token);
    this.bumpRun('settlements');
  }

  private onQuote(e: OutputOf<'quote'>): void {
    const q = this.markets.get(e.market_id)?.quotes.get(e.token_id);
    if (!q) return;
    q.best_bid = e.best_bid;
    q.best_ask = e.best_ask;
    q.mid = e.mid;
    q.bid_depth = e.bid_depth;
    q.ask_depth = e.ask_depth;
    q.ts_unix_ms = e.ts_unix_ms;
  }

  private onReject(e: RiskReject): void {
    this.rejects.push(e);
    this.rejectsByReason.set(e.reason, (this.rejectsByReason.get(e.reason) ?? 0) + 1);
    this.occurred(e.reason, 1);
    if (e.reason === 'no_reference_price') this.standDownSinceMs = e.ts_unix_ms;
    this.bumpRun('rejects');
  }

  // ------------------------------------------------------------------ views

  referenceLive(): boolean {
    const m = this.lastMedian;
    if (!m || this.standDownSinceMs !== null || this.latestTsMs === null) return false;
    return this.latestTsMs - m.ts_unix_ms <= this.referenceMaxAgeMs;
  }

  /**
   * Whether a token's book is live: it shows a bid or an ask, changed within the book age
   * limit (input time), and the market socket (when there is one) is live. A socket that
   * only answers PONG keeps no book live.
   */
  private quoteLive(q: TokenQuote): boolean {
    const ws = this.sources.get('polymarket_ws');
    if (ws && ws.state !== 'live') return false;
    if (q.best_bid === null && q.best_ask === null) return false;
    return q.ts_unix_ms !== null && this.latestTsMs !== null && this.latestTsMs - q.ts_unix_ms <= this.bookMaxAgeMs;
  }

  /** Markets with at least one live token book. */
  booksLive(): number {
    let n = 0;
    for (const m of this.markets.values()) if (m.view.quotes.some((q) => this.quoteLive(q))) n += 1;
    return n;
  }

  /** Input time since the newest book change of any active market, or null when none has a book. */
  private newestBookAgeMs(): number | null {
    let newest: number | null = null;
    for (const m of this.markets.values())
      for (const q of m.view.quotes) if (q.ts_unix_ms !== null) newest = Math.max(newest ?? 0, q.ts_unix_ms);
    return newest === null || this.latestTsMs === null ? null : Math.max(0, this.latestTsMs - newest);
  }

  feedHealth(): FeedHealthResponse {
    const sources = [...this.sources.values()];
    const poly = sources.filter((s) => POLYMARKET_SOURCE.test(s.source));
    const worst = poly.reduce<FeedState | null>((w, s) => (w === null || STATE_RANK[s.state] > STATE_RANK[w] ? s.state : w), null);
    const m = this.lastMedian;
    const ageMs = m && this.latestTsMs !== null ? this.latestTsMs - m.ts_unix_ms : null;
    const live = this.referenceLive();
    return {
      mode: this.mode,
      sources,
      venues_contributing: live && m ? m.venue_count : 0,
      reference: {
        live,
        px_median: m?.px_median ?? null,
        px_spread_bps: m?.px_spread_bps ?? null,
        venue_count: m?.venue_count ?? 0,
        age_ms: ageMs,
      },
      polymarket_state: worst,
      books_live: this.booksLive(),
      books: this.bookAges(),
      ts_unix_ms: this.latestTsMs,
      warnings: this.warnings(),
    };
  }

  private bookAges(): FeedHealthResponse['books'] {
    const now = this.latestTsMs;
    const out: FeedHealthResponse['books'] = [];
    for (const { view } of this.markets.values()) {
      for (const q of view.quotes) {
        const age = q.ts_unix_ms === null || now === null ? null : Math.max(0, now - q.ts_unix_ms);
        out.push({
          market_id: view.market.market_id,
          slug: view.market.slug,
          token_id: q.token_id,
          outcome: q.outcome,
          last_update_ms: q.ts_unix_ms,
          age_ms: age,
          live: this.quoteLive(q),
        });
      }
    }
    return out;
  }

  readiness(): ReadyzResponse {
    const referenceLive = this.referenceLive();
    const booksLive = this.booksLive();
    // A journal that failed a write stopped new risk (src/app/journalDown.ts): not ready, whatever the feeds say.
    const journal = this.sources.get(JOURNAL_SOURCE);
    const reason =
      journal && journal.state !== 'live'
        ? (journal.reason ?? 'journal down')
        : !referenceLive
          ? 'no live reference price'
          : booksLive === 0
            ? this.noBookReason()
            : null;
    return { ready: reason === null, reference_live: referenceLive, books_live: booksLive, reason };
  }

  /** Why no book is live: the socket's state, or how old the newest book change is. */
  private noBookReason(): string {
    const ws = this.sources.get('polymarket_ws');
    if (ws && ws.state !== 'live') return `no live market book: polymarket_ws is ${ws.state}${ws.reason ? ` (${ws.reason})` : ''}`;
    const age = this.newestBookAgeMs();
    return age === null
      ? 'no live market book'
      : `no live market book: newest book change ${(age / 1_000).toFixed(1)} s ago (limit ${(this.bookMaxAgeMs / 1_000).toFixed(1)} s)`;
  }

  marketList(): MarketView[] {
    return [...this.markets.values()].map((m) => m.view);
  }

  positionList(): Position[] {
    return [...this.positions.values()];
  }

  recentFills(limit: number, marketId?: string): PaperFill[] {
    return this.fills.newest(limit, marketId === undefined ? undefined : (f) => f.market_id === marketId);
  }

  recentRejects(limit: number, marketId?: string): RiskReject[] {
    return this.rejects.newest(limit, marketId === undefined ? undefined : (r) => r.market_id === marketId);
  }

  private occurred(reason: string, n: number): void {
    this.rejectOccurrences += n;
    this.occurrencesByReason.set(reason, (this.occurrencesByReason.get(reason) ?? 0) + n);
  }

  rejectCounts(): Record<string, number> {
    return Object.fromEntries(this.rejectsByReason);
  }

  rejectOccurrenceCounts(): Record<string, number> {
    return Object.fromEntries(this.occurrencesByReason);
  }

  pnl(): Pnl | null {
    return this.lastPnl;
  }

  runList(): RunInfo[] {
    return this.runs.map((r) => ({ ...r }));
  }

  currentRun(): RunInfo | null {
    const r = this.runs[this.runs.length - 1];
    return r?.current ? { ...r } : null;
  }
}
