/**
 * The dashboard's state: the one read model of the run (src/views/runView.ts, the same
 * fold the API and the run summary read), rebuilt from the `connected` snapshot and then
 * fed each event, plus what only a page needs — chart points queued in `pending` for the
 * charts to take at their next frame, `dirty` panels, short market names. No DOM (tested
 * in Node); no figure is computed here that the engine already emits: fair value is the
 * engine's own, from its `signal` events.
 */
import type { BtcMedian, OutputEvent, PaperFill, Pnl, Position, RiskReject, Settlement } from '../../src/core/outputs.ts';
import type { MarketInfo } from '../../src/core/events.ts';
import type { RunInfo, RunMode, WsSnapshot } from '../../src/core/wire.ts';
import { RunView, type SourceRow } from '../../src/views/runView.ts';
import { loadSnapshot } from '../../src/views/snapshot.ts';
import { bookRows, DEFAULT_LIMITS, shownSource, type LivenessLimits } from '../../src/views/liveness.ts';
import { WorkingOrders } from '../../src/views/workingOrders.ts';

export type { SourceRow } from '../../src/views/runView.ts';

export type PanelId = 'feed' | 'reference' | 'markets' | 'fills' | 'risk' | 'pnl' | 'header';
export const PANELS: readonly PanelId[] = ['feed', 'reference', 'markets', 'fills', 'risk', 'pnl', 'header'];

export const LIMITS = { fills: 50, rejects: 50, settlements: 20, markets: 20, intents: 2_000, reasons: 8, names: 200 } as const;

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

/** The engine's fair value of a market's Up token and the time of the signal it came from. */
export interface EngineFair {
  up: number;
  ts_unix_ms: number;
}

const utcDay = (ms: number) => Math.floor(ms / 86_400_000);
const newView = () => new RunView({ recentMax: LIMITS.fills, settlementsMax: LIMITS.settlements, intentsMax: LIMITS.intents });

export class DashboardModel {
  view = newView();
  /** Short market labels, kept after a market settles (fills and settlements still name it). */
  readonly names = new Map<string, string>();
  pending: ChartFeed = { reset: true, median: [], venues: [], equity: [], rejects: [] };
  readonly dirty = new Set<PanelId>(PANELS);
  /** Frames that failed validation (counted, shown in the header). */
  badFrames = 0;
  /** The input-time second the header last showed. */
  private headerSecond: number | null = null;
  /** The server's liveness limits (its book age limit comes with the snapshot). */
  private limits: LivenessLimits = DEFAULT_LIMITS;

  /** Replaces everything with the snapshot: the dashboard draws from it alone. */
  load(s: WsSnapshot, tsMs: number): void {
    const ageMs = s.feed_health.book_max_age_ms;
    this.limits = ageMs === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, bookMaxAgeMs: ageMs };
    this.view = newView();
    loadSnapshot(this.view, s);
    this.view.latestTsMs ??= tsMs;
    for (const m of s.markets) this.name(m.market);
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
    // A new run starts from nothing but its own identity.
    if (e.event_type === 'run_started') this.startOver();
    this.view.apply(e);
    this.afterEvent(e);
  }

  private startOver(): void {
    this.view = newView();
    this.pending = { reset: true, median: [], venues: [], equity: [], rejects: [] };
    for (const id of PANELS) this.dirty.add(id);
  }

  /** What a page does with an event beyond the read model: queue chart points, mark panels to draw. */
  private afterEvent(e: OutputEvent): void {
    if (WorkingOrders.touches(e)) this.dirty.add('pnl');
    // The header shows the input clock to the second ("running, HH:MM:SS UTC"): redraw it when that second moves, not only on fills.
    const second = Math.floor(e.ts_unix_ms / 1000);
    if (second !== this.headerSecond) {
      this.headerSecond = second;
      this.dirty.add('header');
    }
    switch (e.event_type) {
      case 'run_started':
      case 'run_stopped':
        this.dirty.add('header');
        break;
      case 'btc_median':
        this.pending.median.push({ t: e.ts_unix_ms, v: e.px_median });
        for (const [venue, v] of Object.entries(e.venue_px ?? {})) this.pending.venues.push({ t: e.ts_unix_ms, venue, v });
        // A median ends a stand-down: the Risk panel says so.
        this.dirty.add('reference').add('feed').add('markets').add('risk');
        break;
      case 'feed_health':
        this.dirty.add('feed');
        break;
      case 'market_discovered':
        this.name(e.market);
        this.dirty.add('markets').add('reference');
        break;
      case 'quote':
      case 'signal':
        this.dirty.add('markets').add('pnl');
        break;
      case 'paper_fill':
        this.dirty.add('fills').add('header');
        break;
      case 'risk_reject':
        this.pending.rejects.push({ t: e.ts_unix_ms, by_reason: Object.fromEntries(this.view.rejectsByReason) });
        this.dirty.add('risk');
        break;
      case 'position':
        this.dirty.add('pnl');
        break;
      case 'settlement':
        this.dirty.add('pnl').add('markets');
        break;
      case 'pnl':
        this.pending.equity.push({ t: e.ts_unix_ms, v: e.equity });
        this.dirty.add('pnl');
        break;
      default:
        break;
    }
  }

  private name(info: MarketInfo): void {
    this.names.set(info.market_id, `${info.family} ${new Date(info.window_start_ms).toISOString().slice(11, 16)}`);
    if (this.names.size > LIMITS.names) this.names.delete(this.names.keys().next().value!);
  }

  // ------------------------------------------------------------------ what the panels read

  get mode(): RunMode | null {
    return this.view.mode;
  }

  get run(): RunInfo | null {
    return this.view.runs.at(-1) ?? null;
  }

  /** Newest input time seen: the dashboard's clock (sim time in a sim). */
  get nowMs(): number | null {
    return this.view.latestTsMs;
  }

  get median(): BtcMedian | null {
    return this.view.median;
  }

  /**
   * The sources as /feed/health shows them: the market socket's row carries the book line
   * counted from the books by the server's own age limit (views/liveness.ts shownSource).
   */
  get sources(): ReadonlyMap<string, SourceRow> {
    const books = bookRows(this.view, this.limits);
    return new Map([...this.view.sources].map(([name, row]) => [name, shownSource(row, books)]));
  }

  /** Working paper orders with their queue position. */
  get orders(): WorkingOrders {
    return this.view.orders;
  }

  get positions(): ReadonlyMap<string, Position> {
    return this.view.account.positions;
  }

  get pnl(): Pnl | null {
    return this.view.pnl;
  }

  get maxDrawdown(): number {
    return this.view.maxDrawdownUsd;
  }

  drawdown(): number {
    return this.view.drawdownUsd();
  }

  get rejectsByReason(): ReadonlyMap<string, number> {
    return this.view.rejectsByReason;
  }

  /** Newest first. */
  get rejects(): RiskReject[] {
    return this.view.rejects.newest(LIMITS.rejects);
  }

  /** Newest first. */
  get settlements(): Settlement[] {
    return this.view.settlements.newest(LIMITS.settlements);
  }

  /** Newest first, each with its latency from the decision that caused it. */
  get fills(): FillRow[] {
    return this.view.fills.newest(LIMITS.fills).map((fill) => {
      const at = this.view.intents.get(fill.intent_id)?.ts_unix_ms;
      return { fill, latency_ms: at === undefined ? null : fill.ts_unix_ms - at };
    });
  }

  get risk(): RiskState {
    const k = this.view.killSwitch;
    return { killSwitch: k && { ts: k.ts_unix_ms, numbers: k.numbers }, standDownSinceMs: this.view.standDownSinceMs };
  }

  /** Active markets and their books, in discovery order. */
  get markets(): ReadonlyMap<string, MarketRow> {
    const out = new Map<string, MarketRow>();
    for (const [id, m] of this.view.markets) {
      const books = new Map<string, TokenBook>();
      for (const q of m.view.quotes)
        books.set(q.token_id, {
          outcome: q.outcome,
          bid: q.best_bid,
          ask: q.best_ask,
          bid_depth: q.bid_depth ?? null,
          ask_depth: q.ask_depth ?? null,
        });
      out.set(id, { info: m.view.market, books });
    }
    return out;
  }

  /** The kill switch holds for the rest of the UTC day (input time) of its last reject. */
  killSwitchActive(): boolean {
    const k = this.view.killSwitch;
    return k !== null && this.nowMs !== null && utcDay(k.ts_unix_ms) === utcDay(this.nowMs);
  }

  /**
   * The engine's fair value of the market's Up token in its latest signal on either token
   * (a Down signal's fair is 1 − Up's, as the engine priced it), or null before any signal.
   */
  fairUp(info: MarketInfo): EngineFair | null {
    let best: EngineFair | null = null;
    for (const q of this.view.markets.get(info.market_id)?.view.quotes ?? []) {
      if (q.fair === undefined || q.fair_ts_ms === undefined) continue;
      if (best !== null && best.ts_unix_ms >= q.fair_ts_ms) continue;
      best = { up: q.outcome === 'Up' ? q.fair : 1 - q.fair, ts_unix_ms: q.fair_ts_ms };
    }
    return best;
  }

  /** The market whose window holds `nowMs` (the shortest such), for the reference chart's price to beat. */
  currentMarket(): MarketInfo | null {
    const now = this.nowMs;
    if (now === null) return null;
    let best: MarketInfo | null = null;
    for (const { view } of this.view.markets.values()) {
      const info = view.market;
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
