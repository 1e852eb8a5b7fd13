/**
 * The pure engine: `step(input)` → output events. No I/O, no wall clock, no unseeded
 * randomness: time is the `ts_unix_ms` of the inputs, so the same input sequence gives
 * the same output sequence in sim, replay and paper-live alike.
 */
import type { BookDelta, BookSnapshot, InputEvent, MarketResolved, Outcome, VenueStatus } from '../core/events.ts';
import { JOURNAL_SOURCE } from '../core/events.ts';
import type { OutputEvent, RunMode, SpotSource, Tif } from '../core/outputs.ts';
import { OrderBook } from '../core/book.ts';
import { MarketRegistry, type MarketState } from './markets.ts';
import { MedianAggregator, type MedianResult } from '../pricing/median.ts';
import { EwmaVolatility } from '../pricing/volatility.ts';
import { DEFAULT_TRADE_FILTER, TradeFilter, type TradeFilterOptions } from '../pricing/tradeFilter.ts';
import { fairValueUp } from '../pricing/fairValue.ts';
import { twapFairValueUp } from '../pricing/twapFairValue.ts';
import { RiskState, type RiskContext, type RiskLimits } from '../strategy/risk.ts';
import { exposureFor } from '../strategy/exposure.ts';
import type { Decision, Strategy, TokenView, WorkingView } from '../strategy/types.ts';
import { Portfolio, SPLIT_PAYOUT_PER_SHARE, type SettledLot } from '../paper/portfolio.ts';
import { Execution, type OrderRequest } from '../paper/execution.ts';
import { RejectEpisodes, type DecisionReject } from './rejectEpisodes.ts';
import { loadAccount, restoredEvents, type RestoredAccount } from '../paper/restore.ts';
import type { QueueModel } from '../paper/queue.ts';

export interface EngineParams {
  runId: string;
  mode: RunMode;
  seed: number | null;
  strategy: Strategy;
  median: { stalenessMs: number; outlierBps: number; minVenues: number };
  vol: { halfLifeMs: number; floorAnnual: number };
  equityUsd: number;
  riskMaxMarketFraction: number;
  /** The other risk limits (strategy/risk.ts); missing ones never bind. */
  risk?: Partial<RiskLimits>;
  latencyMs: number;
  slippageBps: number;
  /** How often (input time) a `pnl` event is emitted. */
  pnlIntervalMs?: number;
  /** Upper bound on orders waiting for their latency or resting (GTC). */
  maxPendingIntents?: number;
  /** Trade filter settings (duplicates, out-of-order, absurd prices); defaults otherwise. */
  tradeFilter?: Partial<TradeFilterOptions>;
  /** Time in force of paper orders (default IOC). */
  tif?: Tif;
  /** How long a GTC order rests before it expires (capped at the window end). */
  gtcTtlMs?: number;
  /** The account of a run that died (paper/restore.ts): this run continues it. */
  restore?: RestoredAccount;
  /** The taker delay of markets whose info carries none (paper/execution.ts; default core/fees.ts CRYPTO_TAKER_DELAY_MS). */
  takerDelayMs?: number;
  /** How long a cancel takes to reach the exchange (default: `latencyMs`). */
  cancelLatencyMs?: number;
  /** The queue model that fills resting orders (paper/queue.ts) and its power. */
  queueModel?: QueueModel;
  queuePower?: number;
}

/** A resolution-source print at most this old (input time) prices fair value instead of the median. */
const SOURCE_LIVE_MS = 5_000;

/** Settled markets remembered for late official results. */
const SETTLED_MEMORY_MAX = 1_024;

interface SettledRecord {
  source: 'official' | 'own';
  winning_token_id: string;
  winning_outcome: Outcome;
  /** A 50-50 result (every share paid 0.5). */
  split: boolean;
  lots: SettledLot[];
}

export interface EngineCounters {
  inputs: number;
  intents: number;
  fills: number;
  rejects: number;
  settlements: number;
}

export class Engine {
  private now = 0;
  private readonly median: MedianAggregator;
  private readonly vol: EwmaVolatility;
  private readonly risk: RiskState;
  readonly portfolio: Portfolio;
  readonly markets = new MarketRegistry();
  readonly execution: Execution;
  private readonly tradeFilter: TradeFilter;
  /**
   * The reference price: the last median actually computed and when (strategies keep using
   * it, gated by age), and whether the latest timer produced one. The one copy of the
   * median; everything outside the engine reads it from `btc_median` events.
   */
  private reference: { med: MedianResult; tsMs: number; live: boolean } | null = null;
  private lastPnlMs = 0;
  private seq = 0;
  /** Decisions refused tick after tick are one episode each (rejectEpisodes.ts). */
  readonly episodes = new RejectEpisodes();
  private readonly settled = new Map<string, SettledRecord>();
  readonly counters: EngineCounters = { inputs: 0, intents: 0, fills: 0, rejects: 0, settlements: 0 };

  constructor(readonly params: EngineParams) {
    this.median = new MedianAggregator(params.median.stalenessMs, params.median.outlierBps, params.median.minVenues);
    this.vol = new EwmaVolatility(params.vol.halfLifeMs, params.vol.floorAnnual);
    this.tradeFilter = new TradeFilter({ ...DEFAULT_TRADE_FILTER, ...params.tradeFilter });
    this.risk = new RiskState(params.equityUsd, params.riskMaxMarketFraction, params.risk);
    this.portfolio = new Portfolio(params.equityUsd);
    this.execution = new Execution(
      {
        latencyMs: params.latencyMs,
        slippageBps: params.slippageBps,
        tif: params.tif,
        gtcTtlMs: params.gtcTtlMs,
        maxOpenOrders: params.maxPendingIntents,
        minOrderQtyShares: this.risk.limits.minOrderQtyShares,
        takerDelayMs: params.takerDelayMs,
        cancelLatencyMs: params.cancelLatencyMs,
        queueModel: params.queueModel,
        queuePower: params.queuePower,
      },
      { book: (id) => this.markets.bookOf(id), market: (id) => this.markets.get(id)?.info },
      this.portfolio,
      this.counters,
    );
    if (params.restore) {
      loadAccount(this.portfolio, params.restore);
      if (params.restore.day) this.risk.restoreDay(params.restore.day);
    }
  }

  start(tsMs: number): OutputEvent[] {
    this.now = tsMs;
    const p = this.params;
    const started: OutputEvent = {
      event_type: 'run_started',
      run_id: p.runId,
      mode: p.mode,
      seed: p.seed,
      strategy: p.strategy.name,
      ts_unix_ms: tsMs,
    };
    if (!p.restore) return [started];
    return [{ ...started, restored_from: p.restore.from_run_id }, ...restoredEvents(p.restore, tsMs)];
  }

  stop(tsMs: number): OutputEvent[] {
    this.now = Math.max(this.now, tsMs);
    const out: OutputEvent[] = [];
    this.episodes.closeAll(this.now, out);
    const pnl = this.pnlEvent();
    return [
      ...out,
      pnl,
      {
        event_type: 'run_stopped',
        run_id: this.params.runId,
        fills: this.counters.fills,
        rejects: this.counters.rejects,
        settlements: this.counters.settlements,
        equity: pnl.equity,
        realized: pnl.realized,
        fees: pnl.fees,
        ts_unix_ms: this.now,
      },
    ];
  }

  step(input: InputEvent): OutputEvent[] {
    const out: OutputEvent[] = [];
    this.counters.inputs += 1;
    // Time never runs backwards inside the engine, even if an edge delivers late.
    this.now = Math.max(this.now, input.ts_unix_ms);
    // Orders due strictly before this input match the book as it stood until now.
    this.execution.matchDue(this.now, out, false);
    switch (input.event_type) {
      case 'venue_trade':
        if (this.tradeFilter.check(input, this.freshReferencePx()) === null) this.median.update(input);
        break;
      case 'venue_status':
        if (input.source === JOURNAL_SOURCE && input.state !== 'live') this.risk.haltNewRisk(this.now);
        out.push(this.health(input));
        break;
      case 'market_discovered':
        // A settled market stays settled: a late (re)discovery must not reopen it.
        if (this.settled.has(input.market.market_id)) break;
        // New or refreshed (tick size, price to beat): sinks always see the merged record.
        this.markets.add(input.market);
        out.push({ event_type: 'market_discovered', market: this.markets.get(input.market.market_id)!.info, ts_unix_ms: this.now });
        break;
      case 'market_closed':
        this.markets.close(input.market_id);
        break;
      case 'book_snapshot':
      case 'book_delta':
        this.onBook(input, out);
        break;
      case 'reference_price':
        this.markets.observeReference(input);
        break;
      case 'market_resolved':
        this.onResolved(input, out);
        break;
      case 'market_trade':
        // The tape: prints at or through a resting order's price move its queue and fill it.
        this.execution.onTrade(input, this.now, out);
        break;
      case 'timer':
        this.onTimer(out);
        break;
    }
    // Orders due exactly at this input's time see the book including it.
    this.execution.matchDue(this.now, out, true);
    return out;
  }

  /** The reference price for the trade filter's absurd-price check, if recent enough. */
  private freshReferencePx(): number | null {
    const r = this.reference;
    return r && this.now - r.tsMs <= this.tradeFilter.opts.referenceMaxAgeMs ? r.med.px_median : null;
  }

  private health(s: VenueStatus): OutputEvent {
    // A venue's `rejected` adds the trades the engine's filter refused to what the edge refused.
    const by = this.tradeFilter.rejectedBy(s.source);
    const filtered = by.duplicate + by.out_of_order + by.absurd_px;
    return {
      event_type: 'feed_health',
      source: s.source,
      state: s.state,
      reason: s.reason,
      messages: s.messages,
      trades: s.trades,
      parse_errors: s.parse_errors,
      rejected: s.rejected + filtered,
      reconnects: s.reconnects,
      ...(filtered > 0 ? { rejected_by: by } : {}),
      last_message_age_ms: s.last_message_ts_ms === null ? null : Math.max(0, s.ts_unix_ms - s.last_message_ts_ms),
      ...(s.seq_gaps !== undefined ? { seq_gaps: s.seq_gaps } : {}),
      ...(s.last_error !== undefined ? { last_error: s.last_error } : {}),
      ...(s.next_retry_ms !== undefined ? { next_retry_ms: s.next_retry_ms } : {}),
      ...(s.counts !== undefined ? { counts: s.counts } : {}),
      venues_contributing: this.reference?.live ? this.reference.med.venue_count : 0,
      ts_unix_ms: this.now,
    };
  }

  private onBook(input: BookSnapshot | BookDelta, out: OutputEvent[]): void {
    const m = this.markets.get(input.market_id);
    const token = m?.info.tokens.find((t) => t.token_id === input.token_id);
    if (!m || !token) return;
    let book = m.books.get(input.token_id);
    if (!book) {
      book = new OrderBook(m.info.tick_size);
      m.books.set(input.token_id, book);
    }
    if (input.tick_size !== undefined) book.tickSize = input.tick_size;
    if (input.event_type === 'book_snapshot') book.snapshot(input.bids, input.asks, input.ts_unix_ms);
    else for (const c of input.changes) book.change(c.side, c.px, c.size, input.ts_unix_ms);
    out.push({
      event_type: 'quote',
      market_id: m.info.market_id,
      token_id: token.token_id,
      outcome: token.outcome,
      best_bid: book.bestBid(),
      best_ask: book.bestAsk(),
      mid: book.mid(),
      bid_depth: book.bids.depth(),
      ask_depth: book.asks.depth(),
      ts_unix_ms: this.now,
    });
    this.execution.onBook(token.token_id, this.now, out);
  }

  private onTimer(out: OutputEvent[]): void {
    const med = this.median.compute(this.now);
    if (this.reference) this.reference.live = false;
    if (med) {
      this.reference = { med, tsMs: this.now, live: true };
      this.vol.update(med.px_median, this.now);
      out.push({
        event_type: 'btc_median',
        px_median: med.px_median,
        px_spread_bps: med.px_spread_bps,
        venue_count: med.venue_count,
        vol_annual: this.vol.annual(),
        venue_px: med.venue_px,
        ts_unix_ms: this.now,
      });
    }
    // A market whose price to beat was just fixed is announced again, so sinks see it.
    for (const info of this.markets.advance(this.now, med?.px_median ?? null))
      out.push({ event_type: 'market_discovered', market: info, ts_unix_ms: this.now });
    // Without a fresh reference price the strategy stands down: one notice per episode. New
    // orders in the meantime are refused by the stale-reference gate with the median's age.
    if (!med)
      this.rejectDecision(
        out,
        '|no_reference_price',
        { reason: 'no_reference_price', market_id: null, intent_id: null, numbers: { min_venues: this.params.median.minVenues } },
        () => this.reference?.live !== true,
      );
    // The kill switch's day is observed on every tick, so a day starts at its first tick.
    this.risk.dayState(this.now, this.equityNow());
    // Without a fresh median the strategy still runs on the last one: the stale-reference
    // gate, not silence, is what stops it (with the median's age in the reject).
    const ref = this.reference;
    if (ref) for (const m of this.markets.tradable(this.now)) this.evaluate(m, ref.med.px_median, out);
    this.episodes.endTick(this.now, out);
    if (this.now - this.lastPnlMs >= (this.params.pnlIntervalMs ?? 10_000)) {
      this.lastPnlMs = this.now;
      out.push(this.pnlEvent());
    }
  }

  /**
   * The price fair value starts from: the market's own resolution source when it printed
   * within SOURCE_LIVE_MS of input time (no basis between the price and its price to beat),
   * else the venue median. Each signal says which.
   */
  private spotFor(m: MarketState, medianPx: number): { px: number; source: SpotSource } {
    const last = this.markets.latestPrint(m.info.resolution.source);
    return last && this.now - last.ts_unix_ms <= SOURCE_LIVE_MS
      ? { px: last.px, source: 'resolution' }
      : { px: medianPx, source: 'median' };
  }

  /**
   * P(Up): for a market settling on a TWAP, the distribution of the rest of the average given
   * the part already realized (the resolution source's prints since the averaging window
   * opened); for every other rule, the end price against the strike.
   */
  private fairUp(m: MarketState, spot: number, strike: number, timeLeftMs: number, volAnnual: number): number {
    const r = m.info.resolution;
    if (r.rule !== 'twap_gte_start') return fairValueUp(spot, strike, timeLeftMs, volAnnual);
    const lookbackMs = (r.lookback_s ?? 60) * 1_000;
    const realizedMean = this.markets.meanPrint(r.source, m.info.window_end_ms - lookbackMs, this.now);
    return twapFairValueUp({ spot, strike, timeLeftMs, lookbackMs, realizedMean, volAnnual });
  }

  private evaluate(m: MarketState, medianPx: number, out: OutputEvent[]): void {
    const info = m.info;
    if (info.price_to_beat === null) return;
    const timeLeft = info.window_end_ms - this.now;
    const volAnnual = this.vol.annual();
    const { px: spot, source: spotSource } = this.spotFor(m, medianPx);
    const fairUp = this.fairUp(m, spot, info.price_to_beat, timeLeft, volAnnual);
    const tokens: TokenView[] = info.tokens.map((t) => {
      const book = m.books.get(t.token_id);
      return {
        token_id: t.token_id,
        outcome: t.outcome,
        best_bid: book?.bestBid() ?? null,
        best_ask: book?.bestAsk() ?? null,
        held_qty: this.execution.sellable(t.token_id),
        fair: t.outcome === 'Up' ? fairUp : 1 - fairUp,
      };
    });
    const working: WorkingView[] = [];
    for (const w of this.execution.workingViews()) if (w.market_id === info.market_id) working.push(w);
    for (const d of this.params.strategy.evaluate({
      ts_unix_ms: this.now,
      market: info,
      time_left_ms: timeLeft,
      spot,
      vol_annual: volAnnual,
      tokens,
      reference_age_ms: this.reference ? this.now - this.reference.tsMs : Infinity,
      working,
    })) {
      // A cancel goes to the exchange with its own latency; the order works until it arrives.
      if ('cancel' in d) this.execution.cancel(d.cancel, this.now);
      else this.decide(m, d, spotSource, out);
    }
  }

  private decide(m: MarketState, d: Decision, spotSource: SpotSource, out: OutputEvent[]): void {
    const marketId = m.info.market_id;
    out.push({
      event_type: 'signal',
      strategy: this.params.strategy.name,
      market_id: marketId,
      token_id: d.token_id,
      outcome: d.outcome,
      action: d.side,
      reason: d.reason,
      numbers: d.numbers,
      spot_source: spotSource,
      ts_unix_ms: this.now,
    });
    const intentId = `i${++this.seq}`;
    const order = {
      intent_id: intentId,
      market_id: marketId,
      token_id: d.token_id,
      outcome: d.outcome,
      side: d.side,
      qty: d.qty,
      limit_px: d.limit_px,
      ...(d.tif ? { tif: d.tif } : {}),
      // A quote is a maker's: it rests or is refused, it never takes.
      ...(d.quote ? { post_only: true } : {}),
    };
    const decision = `${marketId}|${d.token_id}|${d.side}`;
    const bad = this.refusal(m, order, d.quote === true);
    if (bad) {
      const holds = () => this.markets.get(marketId) === m && this.refusal(m, order, d.quote === true)?.reason === bad.reason;
      return this.rejectDecision(
        out,
        decision,
        { reason: bad.reason, market_id: marketId, intent_id: intentId, numbers: bad.numbers },
        holds,
      );
    }
    this.episodes.passed(decision, this.now, out);
    if (this.execution.submit(order, this.now, out) && !d.quote) this.risk.recordAccepted(marketId, d.side, this.now);
  }

  /** Why an order would be refused now: the risk limits, then the order rules (core/orderRules.ts); null if it would pass. */
  private refusal(
    m: MarketState,
    order: OrderRequest,
    quote = false,
  ): { reason: string; numbers: Record<string, number | string | null> } | null {
    if (m.closed || m.settled) return { reason: 'market_closed', numbers: {} };
    const ctx = this.riskContext(m, order.token_id);
    const check = this.risk.check(order, quote ? { ...ctx, quote } : ctx);
    // Latency and matching are the paper execution's.
    return check.ok ? this.execution.check(order) : check;
  }

  /** What the risk gates need, all from input time and engine state. */
  private riskContext(m: MarketState, tokenId: string): RiskContext {
    const x = exposureFor(this.portfolio.holdings.values(), this.execution.workingOrders(), m.info.market_id);
    const book = m.books.get(tokenId);
    const ref = this.reference;
    return {
      ts_unix_ms: this.now,
      equity_usd: this.equityNow(),
      market_exposure_usd: x.market_exposure_usd,
      total_exposure_usd: x.total_exposure_usd,
      open_market_ids: x.open_market_ids,
      median_age_ms: ref ? this.now - ref.tsMs : null,
      median_venues: ref?.med.venue_count ?? 0,
      book_age_ms: book ? this.now - book.lastUpdateMs : null,
      best_bid: book?.bestBid() ?? null,
      best_ask: book?.bestAsk() ?? null,
      time_left_ms: m.info.window_end_ms - this.now,
    };
  }

  private equityNow(): number {
    return this.portfolio.equity((tokenId) => this.markets.bookOf(tokenId)?.bestBid() ?? null);
  }

  private onResolved(r: MarketResolved, out: OutputEvent[]): void {
    const prior = this.settled.get(r.market_id);
    if (prior) return this.onLateResolution(prior, r, out);
    const m = this.markets.get(r.market_id);
    if (!m || m.settled) return;
    m.settled = true;
    this.execution.cancelMarket(r.market_id, this.now, out);
    const split = r.split === true;
    const res = this.portfolio.settle(r.market_id, r.winning_token_id, split);
    this.counters.settlements += 1;
    out.push({
      event_type: 'settlement',
      market_id: r.market_id,
      winning_token_id: r.winning_token_id,
      winning_outcome: r.winning_outcome,
      source: r.source,
      payout: res.payout,
      realized_pnl: res.realized_pnl,
      ...(r.estimated ? { estimated: true } : {}),
      // Only a 50-50 says so (absent = 1 per winning share), so older streams read the same.
      ...(split ? { split: true, payout_per_share: SPLIT_PAYOUT_PER_SHARE } : {}),
      ts_unix_ms: this.now,
    });
    out.push(this.pnlEvent());
    // A settled market leaves the active set; its open orders ended above. What it settled
    // on is kept (bounded) so a later official result can confirm or correct it.
    this.markets.remove(r.market_id);
    this.settled.set(r.market_id, {
      source: r.source,
      winning_token_id: r.winning_token_id,
      winning_outcome: r.winning_outcome,
      split,
      lots: res.lots,
    });
    if (this.settled.size > SETTLED_MEMORY_MAX) this.settled.delete(this.settled.keys().next().value!);
  }

  /**
   * A second result for a settled market. Only an official result after our own reading
   * matters: the official one wins, and a disagreement re-settles the lots and is recorded
   * as a correcting `settlement` event.
   */
  private onLateResolution(prior: SettledRecord, r: MarketResolved, out: OutputEvent[]): void {
    if (prior.source === 'official' || r.source !== 'official') return;
    prior.source = 'official';
    const split = r.split === true;
    if (prior.winning_token_id === r.winning_token_id && prior.split === split) return;
    const before = this.portfolio.realized;
    const res = this.portfolio.correctSettlement(prior.lots, prior.winning_token_id, r.winning_token_id, prior.split, split);
    out.push({
      event_type: 'settlement',
      market_id: r.market_id,
      winning_token_id: r.winning_token_id,
      winning_outcome: r.winning_outcome,
      source: 'official',
      payout: res.payout,
      realized_pnl: res.realized_pnl,
      corrects_outcome: prior.winning_outcome,
      pnl_adjustment: this.portfolio.realized - before,
      ...(split ? { split: true, payout_per_share: SPLIT_PAYOUT_PER_SHARE } : {}),
      ts_unix_ms: this.now,
    });
    prior.split = split;
    prior.winning_token_id = r.winning_token_id;
    prior.winning_outcome = r.winning_outcome;
    out.push(this.pnlEvent());
  }

  /** A refused decision (or stand-down): a new reject episode is an event and counts; a repeat is counted on its episode. */
  private rejectDecision(out: OutputEvent[], decision: string, r: DecisionReject, holds: () => boolean): void {
    if (this.episodes.reject(decision, r, this.now, out, holds)) this.counters.rejects += 1;
  }

  private pnlEvent(): Extract<OutputEvent, { event_type: 'pnl' }> {
    const bidOf = (tokenId: string) => this.markets.bookOf(tokenId)?.bestBid() ?? null;
    const p = this.portfolio;
    const positionValue = p.positionValue(bidOf);
    p.recordEquity(this.now, p.cash + positionValue);
    return {
      event_type: 'pnl',
      cash: p.cash,
      equity: p.cash + positionValue,
      realized: p.realized,
      unrealized: p.unrealized(bidOf),
      fees: p.fees,
      position_value: positionValue,
      ts_unix_ms: this.now,
    };
  }
}
