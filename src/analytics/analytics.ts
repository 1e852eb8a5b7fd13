/**
 * How far to trust the paper PnL (pure, floor 3 beside the engine). `observe(input,
 * outputs)` is called with each input and the engine's outputs for it; it keeps its own
 * copy of the token books from the inputs, so it never reaches into the engine. The same
 * inputs give the same figures, so a replay reproduces every label and number.
 *
 * Per fill: a tape label (tape.ts), markouts (markouts.ts) and the fill-model range
 * (fillModels.ts); per decision: a calibration forecast (calibration.ts). Each fact is
 * folded into the report's running figures as it arrives (fillFigures.ts), so a report
 * costs the same at any age of the run, and a fill is kept only until its market is settled
 * and SETTLED_MARKETS_KEPT later settlements have passed (for a correcting official result).
 * Every collection is bounded.
 */
import type { InputEvent, MarketInfo, Outcome } from '../core/events.ts';
import type { OutputEvent, OutputOf, PaperFill } from '../core/outputs.ts';
import { OrderBook } from '../core/book.ts';
import { ForecastBook, type Forecasts } from './calibration.ts';
import { contributions, FILL_MODELS, priceTrade, type ModelPrices } from './fillModels.ts';
import { FillFigures } from './fillFigures.ts';
import { QueueRange } from './queueRange.ts';
import { MarkoutClock, settleMarkout, type MarkedFill, type Touch } from './markouts.ts';
import { DEFAULT_TAPE, TapeTracker, type TapeEvidence, type TapeOptions } from './tape.ts';
import { buildReport, calibrationRows, thin, type TrustReport } from './trustReport.ts';
import type { FillRecord, IntentRecord } from './records.ts';
import { BasisTracker, DEFAULT_BASIS, type BasisOptions } from './basis.ts';
import { LatencyTracker } from './latency.ts';

export interface AnalyticsOptions {
  /** The paper execution's latency: the pessimistic model looks at the book at twice it. */
  latencyMs: number;
  /**
   * `measured_p99`: the pessimistic model waits the latency plus the measured p99 of the
   * Polymarket book feed (exchange → receive) when that is longer than the latency itself.
   */
  pessimisticLatency?: 'double' | 'measured_p99';
  slippageBps: number;
  tape?: Partial<TapeOptions>;
  basis?: Partial<BasisOptions>;
  /** Open intents kept for their fills (oldest dropped beyond it). */
  maxIntents?: number;
  /**
   * Keep every fill record in `fills` (up to this many), for checking the running figures
   * against `buildReport` over the records (tests); a lab leaves it unset.
   */
  keepFills?: number;
}

const MAX_MARKETS = 1_024;
const MAX_SERIES_POINTS = 2_000;
/**
 * Settled markets whose fills and forecasts are kept for an official result that corrects
 * our own reading (at ~18 settlements an hour live, about 3.5 h; 16 h of the 15-minute sim).
 * A correction later than that re-settles the portfolio but not the trust figures.
 */
export const SETTLED_MARKETS_KEPT = 64;

export class Analytics {
  private readonly books = new Map<string, OrderBook>();
  private readonly markets = new Map<string, MarketInfo>();
  private readonly intents = new Map<string, IntentRecord>();
  private readonly lateQueue: IntentRecord[] = [];
  private readonly tapePending: FillRecord[] = [];
  /** Every fill record, only with `keepFills` (tests): the running figures are in `figures`. */
  readonly fills: FillRecord[] = [];
  /** The fills of each open market, for its settlement. */
  private readonly byMarket = new Map<string, FillRecord[]>();
  /** Fills of markets forgotten before they settled (beyond MAX_MARKETS open ones): never settled in the figures. */
  droppedFills = 0;
  private readonly figures = new FillFigures();
  private readonly clock = new MarkoutClock<FillRecord>();
  readonly tape: TapeTracker;
  readonly basis: BasisTracker;
  readonly latency = new LatencyTracker();
  private readonly forecasts = new ForecastBook();
  /** The newest SETTLED_MARKETS_KEPT settled markets: their result, forecasts and fills. */
  private readonly settled = new Map<string, { winner: Outcome; forecasts: Forecasts; fills: FillRecord[] }>();
  /** Cumulative settled PnL under each fill model, one point per settlement (thinned past its limit). */
  readonly rangeSeries: ({ ts_unix_ms: number } & ModelPrices)[] = [];
  private readonly rangeTotal: ModelPrices = { optimistic: 0, default: 0, pessimistic: 0 };
  /** Maker fills under both queue models (queueRange.ts). */
  readonly queueRange = new QueueRange();
  private runStrategy = '';
  private now = 0;

  constructor(readonly opts: AnalyticsOptions) {
    this.tape = new TapeTracker({ ...DEFAULT_TAPE, ...opts.tape });
    this.basis = new BasisTracker({ ...DEFAULT_BASIS, ...opts.basis });
  }

  observe(input: InputEvent, outs: readonly OutputEvent[]): void {
    this.now = Math.max(this.now, input.ts_unix_ms);
    // Horizons due strictly before this input read the books as they stood until now.
    this.due(false);
    this.onInput(input);
    let strategy = this.runStrategy;
    for (const e of outs) {
      if (e.event_type === 'signal') {
        strategy = e.strategy;
        this.onSignal(e);
      } else if (e.event_type === 'paper_intent') this.onIntent(e, strategy);
      else this.onOutput(e);
    }
    this.due(true);
  }

  /** Outputs with no input (run start and stop). */
  observeOutputs(outs: readonly OutputEvent[]): void {
    for (const e of outs) this.onOutput(e);
  }

  /** The report from the running figures: O(strategies + sources + bins), whatever the run's length. */
  report(): TrustReport {
    // Fills still inside their window are judged on what has been seen so far.
    const pending = this.tapePending.map((rec) => ({ rec, label: this.judge(rec).label }));
    const f = this.figures.report(pending, this.tape.opts.windowMs);
    const queue = this.queueRange.report();
    return {
      fills: f.fills,
      dropped_fills: this.droppedFills,
      tape: f.tape,
      markouts: f.markouts,
      fill_models: { pessimistic_latency: this.opts.pessimisticLatency ?? 'double', ...f.fill_models, ...(queue ? { queue } : {}) },
      calibration: calibrationRows(this.forecasts.calibration),
      basis: this.basis.report(),
      latency: this.latency.report(),
    };
  }

  /** The same report from every kept fill record, by the definition (`keepFills` only; tests hold the two equal). */
  batchReport(): TrustReport {
    const judged = this.fills.map((f) => ({ ...f, tape: f.tape ?? this.judge(f) }));
    return buildReport(
      judged,
      this.forecasts.calibration,
      this.tape.opts.windowMs,
      this.droppedFills,
      { basis: this.basis.report(), latency: this.latency.report() },
      this.opts.pessimisticLatency ?? 'double',
      this.queueRange.report(),
    );
  }

  private onInput(input: InputEvent): void {
    this.latency.onInput(input);
    switch (input.event_type) {
      case 'reference_price':
        this.basis.onReference(input);
        break;
      case 'book_snapshot': {
        const book = this.bookFor(input.token_id, input.tick_size);
        this.tape.onSnapshot(input.token_id, book, input.bids, input.asks, input.ts_unix_ms);
        book.snapshot(input.bids, input.asks, input.ts_unix_ms);
        break;
      }
      case 'book_delta': {
        const book = this.bookFor(input.token_id, input.tick_size);
        for (const c of input.changes) {
          this.tape.onChange(input.token_id, book, c.side, c.px, c.size, input.ts_unix_ms);
          book.change(c.side, c.px, c.size, input.ts_unix_ms);
        }
        break;
      }
      case 'market_trade':
        this.tape.onPrint(input.market_id, input.token_id, input.px, input.qty, input.ts_unix_ms);
        break;
      default:
        break;
    }
  }

  private onOutput(e: OutputEvent): void {
    switch (e.event_type) {
      case 'run_started':
        this.runStrategy = e.strategy;
        break;
      case 'market_discovered':
        this.onMarket(e.market);
        break;
      case 'btc_median':
        this.basis.onMedian(e.px_median, e.ts_unix_ms);
        break;
      case 'paper_fill':
        this.onFill(e);
        if (e.liquidity === 'maker') this.queueRange.onMakerFill(e);
        break;
      case 'order_queue':
        this.queueRange.onQueue(e);
        break;
      case 'queue_shadow_fill':
        this.queueRange.onShadowFill(e);
        break;
      case 'settlement':
        this.queueRange.onSettlement(e.market_id, e.winning_token_id);
        this.onSettlement(e);
        this.forgetBooks(e.market_id);
        break;
      default:
        break;
    }
  }

  private onMarket(m: MarketInfo): void {
    this.markets.set(m.market_id, m);
    this.basis.onMarket(m);
    if (this.markets.size > MAX_MARKETS) this.markets.delete(this.markets.keys().next().value!);
  }

  /** A settled market's books and tape are no longer needed (its fills are priced and labelled). */
  private forgetBooks(marketId: string): void {
    this.basis.onMarketGone(marketId);
    for (const t of this.markets.get(marketId)?.tokens ?? []) {
      this.books.delete(t.token_id);
      this.tape.forget(t.token_id);
    }
  }

  private bookFor(tokenId: string, tick: number | undefined): OrderBook {
    let b = this.books.get(tokenId);
    if (!b) {
      b = new OrderBook(tick ?? 0.01);
      this.books.set(tokenId, b);
    }
    if (tick !== undefined) b.tickSize = tick;
    return b;
  }

  private touch(tokenId: string): Touch {
    const b = this.books.get(tokenId);
    return { bid: b?.bestBid() ?? null, ask: b?.bestAsk() ?? null };
  }

  private onSignal(e: OutputOf<'signal'>): void {
    const fair = e.numbers.fair;
    const m = this.markets.get(e.market_id);
    if (typeof fair !== 'number' || !m || this.settled.has(e.market_id)) return;
    this.forecasts.add(e.market_id, `${e.strategy}|${m.family}`, e.outcome === 'Up' ? fair : 1 - fair);
  }

  private onIntent(e: OutputOf<'paper_intent'>, strategy: string): void {
    this.latency.onDecision(e.ts_unix_ms);
    // The tape needs the book's depletion from the decision on; a fill extends the watch.
    this.tape.watch(e.token_id, Math.max(e.expires_at_ms ?? 0, e.match_after_ms) + this.tape.opts.windowMs);
    const t = this.touch(e.token_id);
    const rec: IntentRecord = {
      strategy,
      market_id: e.market_id,
      token_id: e.token_id,
      side: e.side,
      limit_px: e.limit_px,
      decision_ms: e.ts_unix_ms,
      touch_px: e.side === 'buy' ? t.ask : t.bid,
      late_levels: null,
      late_due_ms: e.ts_unix_ms + this.pessimisticDelayMs(),
    };
    this.intents.set(e.intent_id, rec);
    // Kept in due order; with a measured delay a later intent may be due earlier.
    let k = this.lateQueue.length;
    while (k > 0 && this.lateQueue[k - 1]!.late_due_ms > rec.late_due_ms) k--;
    this.lateQueue.splice(k, 0, rec);
    if (this.intents.size > (this.opts.maxIntents ?? 50_000)) this.intents.delete(this.intents.keys().next().value!);
  }

  private pessimisticDelayMs(): number {
    const l = this.opts.latencyMs;
    if (this.opts.pessimisticLatency !== 'measured_p99') return 2 * l;
    return l + Math.max(l, this.latency.exchangeToReceiveP99('polymarket_ws') ?? 0);
  }

  private onFill(f: PaperFill): void {
    const intent = this.intents.get(f.intent_id) ?? null;
    const family = this.markets.get(f.market_id)?.family ?? null;
    const marks: MarkedFill = {
      token_id: f.token_id,
      side: f.side,
      fill_px: f.fill_px,
      fill_ms: f.ts_unix_ms,
      samples: [null, null, null, null],
      settle: null,
    };
    const rec: FillRecord = {
      strategy: intent?.strategy ?? this.runStrategy,
      family,
      fill: f,
      intent,
      marks,
      tape: null,
      pnl: null,
      priced: null,
    };
    this.tape.watch(f.token_id, f.ts_unix_ms + this.tape.opts.windowMs);
    this.clock.add(rec);
    this.tapePending.push(rec);
    this.figures.onFill(rec);
    if (this.fills.length < (this.opts.keepFills ?? 0)) this.fills.push(rec);
    const list = this.byMarket.get(f.market_id);
    if (list) list.push(rec);
    else this.byMarket.set(f.market_id, [rec]);
    if (this.byMarket.size > MAX_MARKETS) {
      const oldest = this.byMarket.keys().next().value!;
      this.droppedFills += this.byMarket.get(oldest)!.length;
      this.byMarket.delete(oldest);
    }
  }

  private readonly touchOf = (tokenId: string): Touch => this.touch(tokenId);
  private readonly onSample = (rec: FillRecord, horizon: number): void => this.figures.onSample(rec, horizon);

  private due(inclusive: boolean): void {
    this.clock.sampleDue(this.now, inclusive, this.touchOf, this.onSample);
    const q = this.lateQueue;
    let i = 0;
    while (i < q.length && (inclusive ? q[i]!.late_due_ms <= this.now : q[i]!.late_due_ms < this.now)) {
      const rec = q[i++]!;
      const b = this.books.get(rec.token_id);
      // A buy takes from the asks, a sell from the bids.
      rec.late_levels = b ? (rec.side === 'buy' ? b.asks : b.bids).levels() : null;
    }
    if (i > 0) q.splice(0, i);
    const end = this.tape.opts.windowMs;
    let j = 0;
    while (j < this.tapePending.length && this.tapePending[j]!.fill.ts_unix_ms + end < this.now) {
      const rec = this.tapePending[j++]!;
      rec.tape = this.judge(rec);
      this.figures.onLabel(rec);
    }
    if (j > 0) this.tapePending.splice(0, j);
  }

  private judge(rec: FillRecord): TapeEvidence {
    const f = rec.fill;
    return this.tape.judge({
      market_id: f.market_id,
      token_id: f.token_id,
      side: f.side,
      qty: f.qty,
      fill_px: f.fill_px,
      decision_ms: rec.intent?.decision_ms ?? f.ts_unix_ms,
      fill_ms: f.ts_unix_ms,
    });
  }

  private onSettlement(e: OutputOf<'settlement'>): void {
    const m = this.markets.get(e.market_id);
    const prior = this.settled.get(e.market_id);
    const fills = prior?.fills ?? this.byMarket.get(e.market_id) ?? [];
    for (const rec of fills) this.settleFill(rec, e.winning_token_id, m);
    // The decision's book is priced in (a correction only changes the payout): not kept.
    for (const rec of fills) if (rec.priced && rec.intent) rec.intent.late_levels = null;
    this.rangeSeries.push({ ts_unix_ms: e.ts_unix_ms, ...this.rangeTotal });
    if (this.rangeSeries.length > MAX_SERIES_POINTS) thin(this.rangeSeries);
    const forecasts = this.forecasts.settle(e.market_id, e.winning_outcome, prior);
    if (prior) prior.winner = e.winning_outcome;
    else this.remember(e.market_id, { winner: e.winning_outcome, forecasts, fills });
  }

  private settleFill(rec: FillRecord, winningTokenId: string, m: MarketInfo | undefined): void {
    const before = { pnl: rec.pnl, settle: rec.marks.settle };
    const payout = rec.fill.token_id === winningTokenId ? 1 : 0;
    rec.marks.settle = settleMarkout(rec.fill.side, rec.fill.fill_px, payout);
    // A correction replaces what the first result added.
    if (rec.pnl) for (const k of FILL_MODELS) this.rangeTotal[k] -= rec.pnl[k];
    if (m && !rec.priced) {
      const i = rec.intent;
      const tickSize = this.books.get(rec.fill.token_id)?.tickSize ?? m.tick_size ?? 0.01;
      const decision = { touchPx: i?.touch_px ?? null, limitPx: i?.limit_px ?? null, lateLevels: i?.late_levels ?? null };
      rec.priced = priceTrade(rec.fill, decision, tickSize, this.opts.slippageBps);
    }
    rec.pnl = m && rec.priced ? contributions(rec.priced, m.fee, payout) : null;
    if (rec.pnl) for (const k of FILL_MODELS) this.rangeTotal[k] += rec.pnl[k];
    this.figures.onSettle(rec, before);
  }

  /** A first result: the market's fills and forecasts move to the settled markets, kept for a correction (bounded). */
  private remember(marketId: string, s: { winner: Outcome; forecasts: Forecasts; fills: FillRecord[] }): void {
    this.byMarket.delete(marketId);
    this.settled.set(marketId, s);
    // No fill can come for a settled market: its intents are done.
    for (const [id, rec] of this.intents) if (rec.market_id === marketId) this.intents.delete(id);
    if (this.settled.size > SETTLED_MARKETS_KEPT) {
      const oldest = this.settled.keys().next().value!;
      this.settled.delete(oldest);
      this.markets.delete(oldest);
    }
  }
}
