/**
 * The one read model of a run: a fold of the engine's output stream into everything a
 * reader shows — the run record, positions, cash and PnL, fills, reject episodes and
 * occurrences, markets with their books and the engine's own fair value, settlements,
 * drawdown, the latest median and feed health, working orders, and the named figures (figures.ts). The run
 * summary, `polylab report` (over the journal), the API and the dashboard all read it.
 * Pure and bounded: every list is a ring or a capped map with its maximum stated below.
 */
import type { BtcMedian, FeedHealth, OutputEvent, OutputOf, PaperFill, Pnl, RiskReject, Settlement } from '../core/outputs.ts';
import type { MarketInfo } from '../core/events.ts';
import type { RunInfo, RunMode, TokenQuote } from '../core/wire.ts';
import { Account, LEDGERS_MAX } from './account.ts';
import { zeroCounts, type FigureInputs, type IntentNote, type MarketEntry, type RunViewOptions, type SourceRow } from './viewTypes.ts';
import { FIGURES, stepFigures, type FigureState } from './figures.ts';
import { Ring } from './ring.ts';
import { Series } from './series.ts';
import { WorkingOrders } from './workingOrders.ts';

export type { IntentNote, MarketEntry, RunCounts, RunViewOptions, SourceRow } from './viewTypes.ts';

export class RunView implements FigureInputs {
  mode: RunMode | null = null;
  readonly runs: RunInfo[] = [];
  /** Newest input time seen: a reader's clock (sim time in a sim). */
  latestTsMs: number | null = null;
  counts = zeroCounts();
  volumeUsd = 0;
  feesPaid = 0;
  /** Maker rebates earned (the fills' `rebate`), apart from the fees paid. */
  rebatesEarned = 0;
  readonly rejectsByReason = new Map<string, number>();
  /** Every refusal, the repeats inside reject episodes included (engine/rejectEpisodes.ts). */
  readonly occurrencesByReason = new Map<string, number>();
  readonly fills: Ring<PaperFill>;
  readonly rejects: Ring<RiskReject>;
  readonly settlements: Ring<Settlement>;
  /** Active markets: discovered and not yet settled. */
  readonly markets = new Map<string, MarketEntry>();
  account: Account;
  pnl: Pnl | null = null;
  peakEquity: number | null = null;
  maxDrawdownUsd = 0;
  /** The largest fall as a fraction of the peak before it. */
  maxDrawdownFrac = 0;
  median: BtcMedian | null = null;
  /** Input time of the latest `no_reference_price` reject while no median has come since. */
  standDownSinceMs: number | null = null;
  /** Input time and numbers of the latest `daily_loss_limit` reject. */
  killSwitch: { ts_unix_ms: number; numbers: RiskReject['numbers'] } | null = null;
  readonly sources = new Map<string, SourceRow>();
  readonly intents = new Map<string, IntentNote>();
  /** Working paper orders with their queue position (`GET /working-orders`, the dashboard's table). */
  readonly orders = new WorkingOrders();
  readonly series: Series;
  figureState: FigureState[];
  private lastSignalFair: number | null = null;
  private readonly o: Required<Omit<RunViewOptions, 'series'>>;

  constructor(opts: RunViewOptions = {}) {
    this.o = {
      recentMax: opts.recentMax ?? 1_000,
      runsMax: opts.runsMax ?? 100,
      settlementsMax: opts.settlementsMax ?? 50,
      intentsMax: opts.intentsMax ?? 10_000,
      ledgersMax: opts.ledgersMax ?? LEDGERS_MAX,
    };
    this.account = new Account(this.o.ledgersMax);
    this.fills = new Ring(this.o.recentMax);
    this.rejects = new Ring(this.o.recentMax);
    this.settlements = new Ring(this.o.settlementsMax);
    this.series = new Series(opts.series);
    this.figureState = FIGURES.map((f) => f.start());
  }

  /** The sink: O(1) per event except market bookkeeping and settlement, which are O(tokens). */
  readonly apply = (e: OutputEvent): void => {
    if (this.latestTsMs === null || e.ts_unix_ms > this.latestTsMs) this.latestTsMs = e.ts_unix_ms;
    // Figures see each event before the view takes it (the book a fill met, not the next one).
    stepFigures(this, e);
    this.orders.apply(e);
    switch (e.event_type) {
      case 'run_started':
        return this.onRunStarted(e);
      case 'run_stopped':
        return this.onRunStopped(e);
      case 'btc_median':
        return this.onMedian(e);
      case 'feed_health':
        return this.onFeed(e);
      case 'market_discovered':
        return this.onDiscovered(e.market, e.ts_unix_ms);
      case 'quote':
        return this.onQuote(e);
      case 'signal':
        return this.onSignal(e);
      case 'paper_intent':
        return this.onIntent(e);
      case 'paper_fill':
        return this.onFill(e);
      case 'risk_reject':
        return this.onReject(e);
      // Its first occurrence came with the episode's risk_reject.
      case 'reject_episode_ended':
        return this.occurred(e.reason, e.occurrences - 1);
      case 'position':
        return this.account.onPosition(e);
      case 'settlement':
        return this.onSettlement(e);
      case 'pnl':
        return this.onPnl(e);
      default:
        return;
    }
  };

  /** The current run's record, or null between runs. */
  currentRun(): RunInfo | null {
    const r = this.runs[this.runs.length - 1];
    return r?.current ? r : null;
  }

  /** Win share of closed trades or markets: won / (won + lost), null without any. */
  static share(won: number, of: number): number | null {
    return of > 0 ? won / of : null;
  }

  private onRunStarted(e: OutputOf<'run_started'>): void {
    this.mode = e.mode;
    // A new run is a new account: what the previous one showed does not carry over.
    this.counts = zeroCounts();
    this.volumeUsd = 0;
    this.feesPaid = 0;
    this.rebatesEarned = 0;
    this.rejectsByReason.clear();
    this.occurrencesByReason.clear();
    this.fills.clear();
    this.rejects.clear();
    this.settlements.clear();
    this.account = new Account(this.o.ledgersMax);
    this.pnl = null;
    this.peakEquity = null;
    this.maxDrawdownUsd = 0;
    this.maxDrawdownFrac = 0;
    this.killSwitch = null;
    this.median = null;
    this.standDownSinceMs = null;
    this.intents.clear();
    this.orders.load([]);
    this.series.clear();
    this.figureState = FIGURES.map((f) => f.start());
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
    if (this.runs.length > this.o.runsMax) this.runs.shift();
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
    const run = this.currentRun();
    if (run) run[key] += 1;
  }

  private onMedian(e: BtcMedian): void {
    this.counts.medians += 1;
    this.median = e;
    this.standDownSinceMs = null;
    this.series.onMedian(e);
  }

  private onFeed(e: FeedHealth): void {
    const prev = this.sources.get(e.source);
    const dtMs = prev ? e.ts_unix_ms - prev.ts_unix_ms : 0;
    const rate =
      prev && dtMs > 0 && e.messages >= prev.messages ? ((e.messages - prev.messages) * 1000) / dtMs : (prev?.msgs_per_s ?? null);
    const { event_type: _t, ...rest } = e;
    this.sources.set(e.source, { ...rest, msgs_per_s: rate });
    this.series.sampleRejects(e.ts_unix_ms, this.rejectsByReason);
  }

  /** A re-announcement (price to beat fixed, tick size changed) keeps the books. */
  onDiscovered(market: MarketInfo, tsMs: number): void {
    const known = this.markets.get(market.market_id);
    if (known) {
      known.view = { ...known.view, market };
      return;
    }
    const quotes = new Map<string, TokenQuote>();
    for (const t of market.tokens)
      quotes.set(t.token_id, { token_id: t.token_id, outcome: t.outcome, best_bid: null, best_ask: null, mid: null, ts_unix_ms: null });
    this.markets.set(market.market_id, { view: { market, quotes: [...quotes.values()], discovered_ms: tsMs }, quotes });
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

  /** The engine's fair value of the token, as its strategy used it; never recomputed here. */
  private onSignal(e: OutputOf<'signal'>): void {
    const fair = e.numbers.fair;
    this.lastSignalFair = typeof fair === 'number' ? fair : null;
    const q = this.markets.get(e.market_id)?.quotes.get(e.token_id);
    if (q && this.lastSignalFair !== null) {
      q.fair = this.lastSignalFair;
      q.fair_ts_ms = e.ts_unix_ms;
    }
  }

  /** The engine emits an intent right after the signal that caused it. */
  private onIntent(e: OutputOf<'paper_intent'>): void {
    this.counts.intents += 1;
    this.intents.set(e.intent_id, { ts_unix_ms: e.ts_unix_ms, fair: this.lastSignalFair });
    // A Map iterates in insertion order: the first key is the oldest intent.
    if (this.intents.size > this.o.intentsMax) this.intents.delete(this.intents.keys().next().value!);
  }

  private onFill(e: PaperFill): void {
    this.counts.fills += 1;
    if (e.side === 'buy') this.counts.buys += 1;
    else this.counts.sells += 1;
    this.volumeUsd += e.qty * e.fill_px;
    this.feesPaid += e.fee;
    this.rebatesEarned += e.rebate ?? 0;
    this.fills.push(e);
    this.account.onFill(e);
    this.bumpRun('fills');
  }

  private onReject(e: RiskReject): void {
    this.counts.rejects += 1;
    this.rejects.push(e);
    this.rejectsByReason.set(e.reason, (this.rejectsByReason.get(e.reason) ?? 0) + 1);
    this.occurred(e.reason, 1);
    this.noteRisk(e);
    this.series.onReject(e.ts_unix_ms, this.rejectsByReason);
    this.bumpRun('rejects');
  }

  /** Stand-down and kill-switch facts a reject carries. */
  noteRisk(e: RiskReject): void {
    if (e.reason === 'no_reference_price') this.standDownSinceMs = e.ts_unix_ms;
    if (e.reason === 'daily_loss_limit') this.killSwitch = { ts_unix_ms: e.ts_unix_ms, numbers: e.numbers };
  }

  private occurred(reason: string, n: number): void {
    this.counts.reject_occurrences += n;
    this.occurrencesByReason.set(reason, (this.occurrencesByReason.get(reason) ?? 0) + n);
  }

  private onSettlement(e: Settlement): void {
    this.counts.settlements += 1;
    this.settlements.push(e);
    this.markets.delete(e.market_id);
    this.account.onSettlement(e);
    this.bumpRun('settlements');
  }

  private onPnl(e: Pnl): void {
    this.pnl = e;
    this.noteEquity(e.equity);
    this.series.onPnl(e);
  }

  /** Drawdown over the equity curve: the largest fall from a previous peak. */
  noteEquity(equity: number): void {
    this.peakEquity = this.peakEquity === null ? equity : Math.max(this.peakEquity, equity);
    const dd = this.peakEquity - equity;
    if (dd > this.maxDrawdownUsd) {
      this.maxDrawdownUsd = dd;
      this.maxDrawdownFrac = this.peakEquity > 0 ? dd / this.peakEquity : 0;
    }
  }

  /** How far equity is below its peak now. */
  drawdownUsd(): number {
    return this.pnl && this.peakEquity !== null ? Math.max(0, this.peakEquity - this.pnl.equity) : 0;
  }
}
