/**
 * The dashboard's state, built from the `connected` snapshot and then from each event,
 * with no DOM (so it is tested in Node). Every list is bounded; chart points are queued
 * in `pending` for the charts to take at their next frame, and `dirty` says which panels
 * changed since they last drew.
 */
import { WorkingOrders } from '../../src/core/workingOrders.ts';
import type { BtcMedian, FeedHealth, OutputEvent, PaperFill, Pnl, Position, RiskReject, Settlement } from '../../src/core/outputs.ts';
import type { MarketInfo } from '../../src/core/events.ts';
import type { RunInfo, RunMode, WsSnapshot } from '../../src/core/wire.ts';
import { fairValueUp } from '../../src/pricing/fairValue.ts';

export type PanelId = 'feed' | 'reference' | 'markets' | 'fills' | 'risk' | 'pnl' | 'header';
export const PANELS: readonly PanelId[] = ['feed', 'reference', 'markets', 'fills', 'risk', 'pnl', 'header'];

export const LIMITS = { fills: 50, rejects: 50, settlements: 20, markets: 20, intents: 2_000, reasons: 8 } as const;

export interface SourceRow extends Omit<FeedHealth, 'event_type'> {
  /** Messages per second of input time between its last two reports; null after the first. */
  msgs_per_s: number | null;
}

export interface TokenBook {
  outcome: 'Up' | 'Down';
  bid: number | null;
  ask: number | null;
  bid_depth: number | null;
  ask_depth: number | null;
}
export interface MarketRow {
  info: MarketInfo;
  books: Map<string, TokenBook>;
}
export interface FillRow {
  fill: PaperFill;
  latency_ms: number | null;
}
export interface Point {
  t: number;
  v: number;
}

export interface ChartFeed {
  /** Set when every series must be drawn again from the arrays below (new run, snapshot). */
  reset: boolean;
  median: Point[];
  venues: Array<{ t: number; venue: string; v: number }>;
  equity: Point[];
  rejects: Array<{ t: number; by_reason: Record<string, number> }>;
}

/** Stand-down and kill-switch facts for the Risk panel. */
export interface RiskState {
  /** Input time of the latest `daily_loss_limit` reject and its numbers. */
  killSwitch: { ts: number; numbers: RiskReject['numbers'] } | null;
  standDownSinceMs: number | null;
}

const utcDay = (ms: number) => Math.floor(ms / 86_400_000);

export class DashboardModel {
  mode: RunMode | null = null;
  run: RunInfo | null = null;
  /** Newest input time seen: the dashboard's clock (sim time in a sim). */
  nowMs: number | null = null;
  median: BtcMedian | null = null;
  readonly sources = new Map<string, SourceRow>();
  readonly markets = new Map<string, MarketRow>();
  readonly positions = new Map<string, Position>();
  /** Working paper orders with their queue position. */
  readonly orders = new WorkingOrders();
  fills: FillRow[] = [];
  rejects: RiskReject[] = [];
  readonly rejectsByReason = new Map<string, number>();
  risk: RiskState = { killSwitch: null, standDownSinceMs: null };
  pnl: Pnl | null = null;
  settlements: Settlement[] = [];
  peakEquity: number | null = null;
  maxDrawdown = 0;
  readonly intentMs = new Map<string, number>();
  /** Short market labels, kept after a market settles (fills and settlements still name it). */
  readonly names = new Map<string, string>();
  pending: ChartFeed = { reset: true, median: [], venues: [], equity: [], rejects: [] };
  readonly dirty = new Set<PanelId>(PANELS);
  /** Frames that failed validation (counted, shown in the header). */
  badFrames = 0;

  /** Replaces everything with the snapshot: the dashboard draws from it alone. */
  load(s: WsSnapshot, tsMs: number): void {
    this.mode = s.mode;
    this.run = s.run;
    this.nowMs = s.feed_health.ts_unix_ms ?? (s.run ? s.run.started_ms : tsMs);
    this.median = s.history.last_median;
    this.sources.clear();
    for (const src of s.feed_health.sources) this.sources.set(src.source, { ...src, msgs_per_s: null });
    this.markets.clear();
    for (const m of s.markets) {
      const books = new Map<string, TokenBook>();
      for (const q of m.quotes)
        books.set(q.token_id, {
          outcome: q.outcome,
          bid: q.best_bid,
          ask: q.best_ask,
          bid_depth: q.bid_depth ?? null,
          ask_depth: q.ask_depth ?? null,
        });
      this.markets.set(m.market.market_id, { info: m.market, books });
      this.name(m.market);
    }
    this.positions.clear();
    for (const p of s.positions) this.positions.set(p.token_id, p);
    this.orders.load(s.orders ?? []);
    this.intentMs.clear();
    for (const [id, ms] of Object.entries(s.history.intent_ms)) this.intentMs.set(id, ms);
    this.fills = s.recent_fills.slice(0, LIMITS.fills).map((f) => this.fillRow(f));
    this.rejects = s.recent_rejects.slice(0, LIMITS.rejects);
    this.rejectsByReason.clear();
    for (const [r, n] of Object.entries(s.rejects_by_reason)) this.rejectsByReason.set(r, n);
    this.risk = { killSwitch: null, standDownSinceMs: null };
    for (const r of [...this.rejects].reverse()) this.noteRisk(r);
    this.pnl = s.pnl;
    this.settlements = s.history.settlements.slice(-LIMITS.settlements).reverse();
    this.peakEquity = null;
    this.maxDrawdown = 0;
    for (const p of s.history.equity) this.noteEquity(p.equity);
    if (s.pnl) this.noteEquity(s.pnl.equity);
    this.pending = {
      reset: true,
      median: s.history.median.map((p) => ({ t: p.ts_unix_ms, v: p.px })),
      venues: [],
      equity: s.history.equity.map((p) => ({ t: p.ts_unix_ms, v: p.equity })),
      rejects: s.history.rejects.map((r) => ({ t: r.ts_unix_ms, by_reason: r.by_reason })),
    };
    for (const id of PANELS) this.dirty.add(id);
  }

  apply(e: OutputEvent): void {
    if (this.nowMs === null || e.ts_unix_ms > this.nowMs) this.nowMs = e.ts_unix_ms;
    if (WorkingOrders.touches(e)) {
      this.orders.apply(e);
      this.dirty.add('pnl');
    }
    switch (e.event_type) {
      case 'run_started':
        this.onRunStarted(e);
        break;
      case 'run_stopped':
        if (this.run?.run_id === e.run_id)
          this.run = { ...this.run, stopped_ms: e.ts_unix_ms, fills: e.fills, rejects: e.rejects, settlements: e.settlements };
        this.dirty.add('header');
        break;
      case 'btc_median':
        this.onMedian(e);
        break;
      case 'feed_health':
        this.onFeed(e);
        break;
      case 'market_discovered':
        this.onMarket(e.market);
        break;
      case 'quote':
        this.onQuote(e);
        break;
      case 'paper_intent':
        this.onIntent(e.intent_id, e.ts_unix_ms);
        break;
      case 'paper_fill':
        this.onFill(e);
        break;
      case 'risk_reject':
        this.onReject(e);
        break;
      case 'position':
        if (e.qty > 0) this.positions.set(e.token_id, e);
        else this.positions.delete(e.token_id);
        this.dirty.add('pnl');
        break;
      case 'settlement':
        this.onSettlement(e);
        break;
      case 'pnl':
        this.onPnl(e);
        break;
      default:
        break;
    }
  }

  private onRunStarted(e: OutputOfRun): void {
    this.load(emptySnapshot(e), e.ts_unix_ms);
    this.run = {
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
    };
  }

  private onMedian(e: BtcMedian): void {
    this.median = e;
    this.risk.standDownSinceMs = null;
    this.pending.median.push({ t: e.ts_unix_ms, v: e.px_median });
    for (const [venue, v] of Object.entries(e.venue_px ?? {})) this.pending.venues.push({ t: e.ts_unix_ms, venue, v });
    this.dirty.add('reference').add('feed').add('markets');
  }

  private onFeed(e: FeedHealth): void {
    const prev = this.sources.get(e.source);
    const dt = prev ? e.ts_unix_ms - prev.ts_unix_ms : 0;
    const rate = prev && dt > 0 && e.messages >= prev.messages ? ((e.messages - prev.messages) * 1000) / dt : (prev?.msgs_per_s ?? null);
    const { event_type: _t, ...rest } = e;
    this.sources.set(e.source, { ...rest, msgs_per_s: rate });
    this.dirty.add('feed');
  }

  private name(info: MarketInfo): void {
    this.names.set(info.market_id, `${info.family} ${new Date(info.window_start_ms).toISOString().slice(11, 16)}`);
    if (this.names.size > 200) this.names.delete(this.names.keys().next().value!);
  }

  private onMarket(info: MarketInfo): void {
    this.name(info);
    const known = this.markets.get(info.market_id);
    if (known) known.info = info;
    else {
      if (this.markets.size >= LIMITS.markets) this.markets.delete(this.markets.keys().next().value!);
      const books = new Map<string, TokenBook>();
      for (const t of info.tokens) books.set(t.token_id, { outcome: t.outcome, bid: null, ask: null, bid_depth: null, ask_depth: null });
      this.markets.set(info.market_id, { info, books });
    }
    this.dirty.add('markets').add('reference');
  }

  private onQuote(e: Extract<OutputEvent, { event_type: 'quote' }>): void {
    const b = this.markets.get(e.market_id)?.books.get(e.token_id);
    if (!b) return;
    b.bid = e.best_bid;
    b.ask = e.best_ask;
    b.bid_depth = e.bid_depth;
    b.ask_depth = e.ask_depth;
    this.dirty.add('markets').add('pnl');
  }

  private onIntent(id: string, tsMs: number): void {
    this.intentMs.set(id, tsMs);
    if (this.intentMs.size > LIMITS.intents) this.intentMs.delete(this.intentMs.keys().next().value!);
  }

  private fillRow(fill: PaperFill): FillRow {
    const at = this.intentMs.get(fill.intent_id);
    return { fill, latency_ms: at === undefined ? null : fill.ts_unix_ms - at };
  }

  private onFill(e: PaperFill): void {
    this.fills.unshift(this.fillRow(e));
    if (this.fills.length > LIMITS.fills) this.fills.length = LIMITS.fills;
    if (this.run) this.run = { ...this.run, fills: this.run.fills + 1 };
    this.dirty.add('fills').add('header');
  }

  private onReject(e: RiskReject): void {
    this.rejects.unshift(e);
    if (this.rejects.length > LIMITS.rejects) this.rejects.length = LIMITS.rejects;
    this.rejectsByReason.set(e.reason, (this.rejectsByReason.get(e.reason) ?? 0) + 1);
    this.noteRisk(e);
    this.pending.rejects.push({ t: e.ts_unix_ms, by_reason: Object.fromEntries(this.rejectsByReason) });
    this.dirty.add('risk');
  }

  private noteRisk(e: RiskReject): void {
    if (e.reason === 'daily_loss_limit') this.risk.killSwitch = { ts: e.ts_unix_ms, numbers: e.numbers };
    if (e.reason === 'no_reference_price') this.risk.standDownSinceMs = e.ts_unix_ms;
  }

  private onSettlement(e: Settlement): void {
    this.settlements.unshift(e);
    if (this.settlements.length > LIMITS.settlements) this.settlements.length = LIMITS.settlements;
    this.markets.delete(e.market_id);
    // Settlement pays out the market's positions; the engine sends no qty-0 position for them.
    for (const [token, p] of this.positions) if (p.market_id === e.market_id) this.positions.delete(token);
    this.dirty.add('pnl').add('markets');
  }

  private onPnl(e: Pnl): void {
    this.pnl = e;
    this.noteEquity(e.equity);
    this.pending.equity.push({ t: e.ts_unix_ms, v: e.equity });
    this.dirty.add('pnl');
  }

  private noteEquity(equity: number): void {
    this.peakEquity = this.peakEquity === null ? equity : Math.max(this.peakEquity, equity);
    this.maxDrawdown = Math.max(this.maxDrawdown, this.peakEquity - equity);
  }

  // ------------------------------------------------------------------ views

  /** The kill switch holds for the rest of the UTC day (input time) of its last reject. */
  killSwitchActive(): boolean {
    const k = this.risk.killSwitch;
    return k !== null && this.nowMs !== null && utcDay(k.ts) === utcDay(this.nowMs);
  }

  drawdown(): number {
    return this.pnl && this.peakEquity !== null ? Math.max(0, this.peakEquity - this.pnl.equity) : 0;
  }

  /** Fair value of a market's Up token now, from the latest median and its volatility (the engine's formula). */
  fairUp(info: MarketInfo): number | null {
    const m = this.median;
    if (!m || m.vol_annual === undefined || info.price_to_beat === null || this.nowMs === null) return null;
    return fairValueUp(m.px_median, info.price_to_beat, info.window_end_ms - this.nowMs, m.vol_annual);
  }

  /** The market whose window holds `nowMs` (the shortest such), for the reference chart's price to beat. */
  currentMarket(): MarketInfo | null {
    const now = this.nowMs;
    if (now === null) return null;
    let best: MarketInfo | null = null;
    for (const { info } of this.markets.values()) {
      if (info.window_start_ms > now || info.window_end_ms <= now) continue;
      if (!best || info.window_end_ms - info.window_start_ms < best.window_end_ms - best.window_start_ms) best = info;
    }
    return best;
  }

  /** Takes the queued chart points (the charts call this once per frame). */
  takePending(): ChartFeed {
    const p = this.pending;
    this.pending = { reset: false, median: [], venues: [], equity: [], rejects: [] };
    return p;
  }
}

type OutputOfRun = Extract<OutputEvent, { event_type: 'run_started' }>;

/** What a new run starts from: nothing but its own identity. */
function emptySnapshot(e: OutputOfRun): WsSnapshot {
  return {
    mode: e.mode,
    run: null,
    markets: [],
    positions: [],
    recent_fills: [],
    pnl: null,
    recent_rejects: [],
    rejects_by_reason: {},
    feed_health: {
      mode: e.mode,
      sources: [],
      venues_contributing: 0,
      reference: { live: false, px_median: null, px_spread_bps: null, venue_count: 0, age_ms: null },
      polymarket_state: null,
      books_live: 0,
      books: [],
      ts_unix_ms: e.ts_unix_ms,
      warnings: [],
    },
    history: { last_median: null, median: [], equity: [], rejects: [], settlements: [], intent_ms: {} },
  };
}
