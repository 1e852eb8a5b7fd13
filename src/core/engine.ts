/**
 * The pure engine: `step(input)` → output events. No I/O, no wall clock, no unseeded
 * randomness: time is the `ts_unix_ms` of the inputs, so the same input sequence gives
 * the same output sequence in sim, replay and paper-live alike.
 */
import type { BookDelta, BookSnapshot, InputEvent, MarketResolved, Outcome, VenueStatus } from './events.ts';
import type { OutputEvent, Tif } from './outputs.ts';
import { OrderBook } from './book.ts';
import { MarketRegistry, type MarketState } from './markets.ts';
import { MedianAggregator, type MedianResult } from '../pricing/median.ts';
import { EwmaVolatility } from '../pricing/volatility.ts';
import { fairValueUp } from '../pricing/fairValue.ts';
import { RiskState, type RiskContext, type RiskLimits } from '../strategy/risk.ts';
import { exposureFor } from '../strategy/exposure.ts';
import type { Decision, Strategy, TokenView } from '../strategy/types.ts';
import { Portfolio, type SettledLot } from '../paper/portfolio.ts';
import { Execution } from '../paper/execution.ts';
import { loadAccount, restoredEvents, type RestoredAccount } from '../paper/restore.ts';

export interface EngineParams {
  runId: string;
  mode: 'paper-live' | 'sim' | 'replay';
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
  /** Time in force of paper orders (default IOC). */
  tif?: Tif;
  /** How long a GTC order rests before it expires (capped at the window end). */
  gtcTtlMs?: number;
  /** The account of a run that died (paper/restore.ts): this run continues it. */
  restore?: RestoredAccount;
}

/** Settled markets remembered for late official results. */
const SETTLED_MEMORY_MAX = 1_024;

interface SettledRecord {
  source: 'official' | 'own';
  winning_token_id: string;
  winning_outcome: Outcome;
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
  private lastMedian: MedianResult | null = null;
  /** The last median actually computed and when: strategies keep using it (gated by age). */
  private lastGoodMedian: { med: MedianResult; tsMs: number } | null = null;
  private lastPnlMs = 0;
  private standDown: string | null = null;
  private seq = 0;
  private readonly settled = new Map<string, SettledRecord>();
  readonly counters: EngineCounters = { inputs: 0, intents: 0, fills: 0, rejects: 0, settlements: 0 };

  constructor(readonly params: EngineParams) {
    this.median = new MedianAggregator(params.median.stalenessMs, params.median.outlierBps, params.median.minVenues);
    this.vol = new EwmaVolatility(params.vol.halfLifeMs, params.vol.floorAnnual);
    this.risk = new RiskState(params.equityUsd, params.riskMaxMarketFraction, params.risk);
    this.portfolio = new Portfolio(params.equityUsd);
    this.execution = new Execution(
      { latencyMs: params.latencyMs, slippageBps: params.slippageBps, tif: params.tif, gtcTtlMs: params.gtcTtlMs, maxOpenOrders: params.maxPendingIntents },
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
    const started: OutputEvent = { event_type: 'run_started', run_id: p.runId, mode: p.mode, seed: p.seed, strategy: p.strategy.name, ts_unix_ms: tsMs };
    if (!p.restore) return [started];
    return [{ ...started, restored_from: p.restore.from_run_id }, ...restoredEvents(p.restore, tsMs)];
  }

  stop(tsMs: number): OutputEvent[] {
    this.now = Math.max(this.now, tsMs);
    const pnl = this.pnlEvent();
    return [pnl, { event_type: 'run_stopped', run_id: this.params.runId, fills: this.counters.fills, rejects: this.counters.rejects, settlements: this.counters.settlements, equity: pnl.equity, realized: pnl.realized, fees: pnl.fees, ts_unix_ms: this.now }];
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
        this.median.update({ venue: input.venue, px: input.px, ts_unix_ms: input.ts_unix_ms });
        break;
      case 'venue_status':
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
      case 'timer':
        this.onTimer(out);
        break;
    }
    // Orders due exactly at this input's time see the book including it.
    this.execution.matchDue(this.now, out, true);
    return out;
  }

  private health(s: VenueStatus): OutputEvent {
    return {
      event_type: 'feed_health', source: s.source, state: s.state, reason: s.reason, messages: s.messages, trades: s.trades,
      parse_errors: s.parse_errors, rejected: s.rejected, reconnects: s.reconnects,
      last_message_age_ms: s.last_message_ts_ms === null ? null : Math.max(0, s.ts_unix_ms - s.last_message_ts_ms),
      ...(s.seq_gaps !== undefined ? { seq_gaps: s.seq_gaps } : {}),
      ...(s.last_error !== undefined ? { last_error: s.last_error } : {}),
      venues_contributing: this.lastMedian?.venue_count ?? 0, ts_unix_ms: this.now,
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
      event_type: 'quote', market_id: m.info.market_id, token_id: token.token_id, outcome: token.outcome,
      best_bid: book.bestBid(), best_ask: book.bestAsk(), mid: book.mid(), bid_depth: book.bids.depth(), ask_depth: book.asks.depth(), ts_unix_ms: this.now,
    });
    this.execution.onBook(token.token_id, this.now, out);
  }

  private onTimer(out: OutputEvent[]): void {
    const med = this.median.compute(this.now);
    this.lastMedian = med;
    if (med) {
      this.lastGoodMedian = { med, tsMs: this.now };
      this.vol.update(med.px_median, this.now);
      out.push({ event_type: 'btc_median', px_median: med.px_median, px_spread_bps: med.px_spread_bps, venue_count: med.venue_count, ts_unix_ms: this.now });
    }
    // A market whose price to beat was just fixed is announced again, so sinks see it.
    for (const info of this.markets.advance(this.now, med?.px_median ?? null)) out.push({ event_type: 'market_discovered', market: info, ts_unix_ms: this.now });
    this.standDownIfNeeded(med, out);
    // The kill switch's day is observed on every tick, so a day starts at its first tick.
    this.risk.dayState(this.now, this.equityNow());
    // Without a fresh median the strategy still runs on the last one: the stale-reference
    // gate, not silence, is what stops it (with the median's age in the reject).
    const ref = this.lastGoodMedian;
    if (ref) for (const m of this.markets.tradable(this.now)) this.evaluate(m, ref.med.px_median, out);
    if (this.now - this.lastPnlMs >= (this.params.pnlIntervalMs ?? 10_000)) {
      this.lastPnlMs = this.now;
      out.push(this.pnlEvent());
    }
  }

  /**
   * Without a fresh reference price the strategy stands down; say so once per episode. New
   * orders in the meantime are refused by the stale-reference gate with the median's age.
   */
  private standDownIfNeeded(med: MedianResult | null, out: OutputEvent[]): void {
    const reason = med ? null : 'no_reference_price';
    if (reason && reason !== this.standDown) this.reject(out, reason, null, null, { min_venues: this.params.median.minVenues });
    this.standDown = reason;
  }

  private evaluate(m: MarketState, spot: number, out: OutputEvent[]): void {
    const info = m.info;
    if (info.price_to_beat === null) return;
    const timeLeft = info.window_end_ms - this.now;
    const volAnnual = this.vol.annual();
    const fairUp = fairValueUp(spot, info.price_to_beat, timeLeft, volAnnual);
    const tokens: TokenView[] = info.tokens.map((t) => {
      const book = m.books.get(t.token_id);
      return { token_id: t.token_id, outcome: t.outcome, best_bid: book?.bestBid() ?? null, best_ask: book?.bestAsk() ?? null, held_qty: this.sellable(t.token_id), fair: t.outcome === 'Up' ? fairUp : 1 - fairUp };
    });
    for (const d of this.params.strategy.evaluate({ ts_unix_ms: this.now, market: info, time_left_ms: timeLeft, spot, vol_annual: volAnnual, tokens })) {
      this.decide(m, d, out);
    }
  }

  private decide(m: MarketState, d: Decision, out: OutputEvent[]): void {
    const marketId = m.info.market_id;
    out.push({ event_type: 'signal', strategy: this.params.strategy.name, market_id: marketId, token_id: d.token_id, outcome: d.outcome, action: d.side, reason: d.reason, numbers: d.numbers, ts_unix_ms: this.now });
    const intentId = `i${++this.seq}`;
    const check = this.risk.check({ market_id: marketId, side: d.side, qty: d.qty, limit_px: d.limit_px }, this.riskContext(m, d.token_id));
    if (!check.ok) return this.reject(out, check.reason, marketId, intentId, check.numbers);
    // Market rules (tick, minimum size, position), latency and matching live in paper/execution.ts.
    const accepted = this.execution.submit({ intent_id: intentId, market_id: marketId, token_id: d.token_id, outcome: d.outcome, side: d.side, qty: d.qty, limit_px: d.limit_px }, this.now, out);
    if (accepted) this.risk.recordAccepted(marketId, this.now);
  }

  /** Shares of a token held minus those already promised to working sells. */
  private sellable(tokenId: string): number {
    let qty = this.portfolio.held(tokenId);
    if (qty === 0) return 0;
    for (const o of this.execution.workingOrders()) if (o.side === 'sell' && o.token_id === tokenId) qty -= o.qty;
    return Math.max(0, qty);
  }

  /** What the risk gates need, all from input time and engine state. */
  private riskContext(m: MarketState, tokenId: string): RiskContext {
    const x = exposureFor(this.portfolio.holdings.values(), this.execution.workingOrders(), m.info.market_id, tokenId);
    const book = m.books.get(tokenId);
    const ref = this.lastGoodMedian;
    return {
      ts_unix_ms: this.now, equity_usd: this.equityNow(), market_exposure_usd: x.market_exposure_usd, total_exposure_usd: x.total_exposure_usd,
      open_market_ids: x.open_market_ids, held_qty: x.free_to_sell_qty, median_age_ms: ref ? this.now - ref.tsMs : null, median_venues: ref?.med.venue_count ?? 0,
      book_age_ms: book ? this.now - book.lastUpdateMs : null, best_bid: book?.bestBid() ?? null, best_ask: book?.bestAsk() ?? null,
      time_left_ms: m.info.window_end_ms - this.now, market_min_size: m.info.min_size,
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
    const res = this.portfolio.settle(r.market_id, r.winning_token_id);
    this.counters.settlements += 1;
    out.push({ event_type: 'settlement', market_id: r.market_id, winning_token_id: r.winning_token_id, winning_outcome: r.winning_outcome, source: r.source, payout: res.payout, realized_pnl: res.realized_pnl, ts_unix_ms: this.now });
    out.push(this.pnlEvent());
    // A settled market leaves the active set; its open orders ended above. What it settled
    // on is kept (bounded) so a later official result can confirm or correct it.
    this.markets.remove(r.market_id);
    this.settled.set(r.market_id, { source: r.source, winning_token_id: r.winning_token_id, winning_outcome: r.winning_outcome, lots: res.lots });
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
    if (prior.winning_token_id === r.winning_token_id) return;
    const before = this.portfolio.realized;
    const res = this.portfolio.correctSettlement(prior.lots, prior.winning_token_id, r.winning_token_id);
    out.push({
      event_type: 'settlement', market_id: r.market_id, winning_token_id: r.winning_token_id, winning_outcome: r.winning_outcome, source: 'official',
      payout: res.payout, realized_pnl: res.realized_pnl, corrects_outcome: prior.winning_outcome, pnl_adjustment: this.portfolio.realized - before, ts_unix_ms: this.now,
    });
    prior.winning_token_id = r.winning_token_id;
    prior.winning_outcome = r.winning_outcome;
    out.push(this.pnlEvent());
  }

  private reject(out: OutputEvent[], reason: string, marketId: string | null, intentId: string | null, numbers: Record<string, number | string | null>): void {
    this.counters.rejects += 1;
    out.push({ event_type: 'risk_reject', reason, market_id: marketId, intent_id: intentId, numbers, ts_unix_ms: this.now });
  }

  private pnlEvent(): Extract<OutputEvent, { event_type: 'pnl' }> {
    const bidOf = (tokenId: string) => this.markets.bookOf(tokenId)?.bestBid() ?? null;
    const p = this.portfolio;
    const positionValue = p.positionValue(bidOf);
    p.recordEquity(this.now, p.cash + positionValue);
    return { event_type: 'pnl', cash: p.cash, equity: p.cash + positionValue, realized: p.realized, unrealized: p.unrealized(bidOf), fees: p.fees, position_value: positionValue, ts_unix_ms: this.now };
  }
}
