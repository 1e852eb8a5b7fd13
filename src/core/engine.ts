/**
 * The pure engine: `step(input)` → output events. No I/O, no wall clock, no unseeded
 * randomness: time is the `ts_unix_ms` of the inputs, so the same input sequence gives
 * the same output sequence in sim, replay and paper-live alike.
 */
import type { BookDelta, BookSnapshot, InputEvent, MarketResolved, VenueStatus } from './events.ts';
import type { OutputEvent, PaperIntent } from './outputs.ts';
import { OrderBook } from './book.ts';
import { MarketRegistry, type MarketState } from './markets.ts';
import { MedianAggregator, type MedianResult } from '../pricing/median.ts';
import { EwmaVolatility } from '../pricing/volatility.ts';
import { fairValueUp } from '../pricing/fairValue.ts';
import { RiskState } from '../strategy/risk.ts';
import type { Decision, Strategy, TokenView } from '../strategy/types.ts';
import { Portfolio } from '../paper/portfolio.ts';
import { fillAgainstLadder } from '../paper/fill.ts';

export interface EngineParams {
  runId: string;
  mode: 'paper-live' | 'sim' | 'replay';
  seed: number | null;
  strategy: Strategy;
  median: { stalenessMs: number; outlierBps: number; minVenues: number };
  vol: { halfLifeMs: number; floorAnnual: number };
  equityUsd: number;
  riskMaxMarketFraction: number;
  latencyMs: number;
  slippageBps: number;
  /** How often (input time) a `pnl` event is emitted. */
  pnlIntervalMs?: number;
  /** Upper bound on intents waiting for their latency to pass. */
  maxPendingIntents?: number;
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
  private readonly pending: PaperIntent[] = [];
  private lastMedian: MedianResult | null = null;
  private lastPnlMs = 0;
  private standDown: string | null = null;
  private seq = 0;
  readonly counters: EngineCounters = { inputs: 0, intents: 0, fills: 0, rejects: 0, settlements: 0 };

  constructor(readonly params: EngineParams) {
    this.median = new MedianAggregator(params.median.stalenessMs, params.median.outlierBps, params.median.minVenues);
    this.vol = new EwmaVolatility(params.vol.halfLifeMs, params.vol.floorAnnual);
    this.risk = new RiskState(params.equityUsd, params.riskMaxMarketFraction);
    this.portfolio = new Portfolio(params.equityUsd);
  }

  start(tsMs: number): OutputEvent[] {
    this.now = tsMs;
    const p = this.params;
    return [{ event_type: 'run_started', run_id: p.runId, mode: p.mode, seed: p.seed, strategy: p.strategy.name, ts_unix_ms: tsMs }];
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
    // Intents whose latency has elapsed match the book as it stood until this input.
    this.matchDue(out);
    switch (input.event_type) {
      case 'venue_trade':
        this.median.update({ venue: input.venue, px: input.px, ts_unix_ms: input.ts_unix_ms });
        break;
      case 'venue_status':
        out.push(this.health(input));
        break;
      case 'market_discovered':
        if (this.markets.add(input.market)) out.push({ event_type: 'market_discovered', market: input.market, ts_unix_ms: this.now });
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
  }

  private onTimer(out: OutputEvent[]): void {
    const med = this.median.compute(this.now);
    this.lastMedian = med;
    if (med) {
      this.vol.update(med.px_median, this.now);
      out.push({ event_type: 'btc_median', px_median: med.px_median, px_spread_bps: med.px_spread_bps, venue_count: med.venue_count, ts_unix_ms: this.now });
    }
    this.markets.advance(this.now, med?.px_median ?? null);
    this.standDownIfNeeded(med, out);
    if (med) for (const m of this.markets.tradable(this.now)) this.evaluate(m, med.px_median, out);
    if (this.now - this.lastPnlMs >= (this.params.pnlIntervalMs ?? 10_000)) {
      this.lastPnlMs = this.now;
      out.push(this.pnlEvent());
    }
  }

  /** Without a reference price the strategy stands down; say so once per episode. */
  private standDownIfNeeded(med: MedianResult | null, out: OutputEvent[]): void {
    const reason = med ? null : 'no_reference_price';
    if (reason && reason !== this.standDown) this.reject(out, reason, null, null, { min_venues: this.params.median.minVenues });
    this.standDown = reason;
  }

  private evaluate(m: MarketState, spot: number, out: OutputEvent[]): void {
    const info = m.info;
    if (info.price_to_beat === null) return;
    const timeLeft = info.window_end_ms - this.now;
    const fairUp = fairValueUp(spot, info.price_to_beat, timeLeft, this.vol.annual());
    const tokens: TokenView[] = info.tokens.map((t) => {
      const book = m.books.get(t.token_id);
      return { token_id: t.token_id, outcome: t.outcome, best_bid: book?.bestBid() ?? null, best_ask: book?.bestAsk() ?? null, held_qty: this.portfolio.held(t.token_id), fair: t.outcome === 'Up' ? fairUp : 1 - fairUp };
    });
    for (const d of this.params.strategy.evaluate({ ts_unix_ms: this.now, market: info, time_left_ms: timeLeft, tokens })) {
      this.decide(m, d, out);
    }
  }

  private decide(m: MarketState, d: Decision, out: OutputEvent[]): void {
    const marketId = m.info.market_id;
    out.push({ event_type: 'signal', strategy: this.params.strategy.name, market_id: marketId, token_id: d.token_id, outcome: d.outcome, action: d.side, reason: d.reason, numbers: d.numbers, ts_unix_ms: this.now });
    const intentId = `i${++this.seq}`;
    if (d.side === 'buy') {
      const check = this.risk.checkMarketExposure(marketId, this.portfolio.marketExposure(marketId), d.qty * d.limit_px);
      if (!check.ok) return this.reject(out, check.reason, marketId, intentId, check.numbers);
    }
    if (this.pending.length >= (this.params.maxPendingIntents ?? 1000)) {
      return this.reject(out, 'too_many_pending_intents', marketId, intentId, { pending: this.pending.length });
    }
    const intent: PaperIntent = {
      event_type: 'paper_intent', intent_id: intentId, market_id: marketId, token_id: d.token_id, outcome: d.outcome, side: d.side,
      qty: d.qty, limit_px: d.limit_px, tif: 'IOC', match_after_ms: this.now + this.params.latencyMs, ts_unix_ms: this.now,
    };
    this.counters.intents += 1;
    this.pending.push(intent);
    out.push(intent);
    if (this.params.latencyMs === 0) this.matchDue(out);
  }

  private matchDue(out: OutputEvent[]): void {
    if (this.pending.length === 0) return;
    let kept = 0;
    for (const intent of this.pending) {
      if (intent.match_after_ms > this.now) this.pending[kept++] = intent;
      else this.match(intent, out);
    }
    this.pending.length = kept;
  }

  private match(intent: PaperIntent, out: OutputEvent[]): void {
    const m = this.markets.get(intent.market_id);
    const book = m?.books.get(intent.token_id);
    if (!m || !book) return this.reject(out, 'no_book', intent.market_id, intent.intent_id, {});
    const ladder = intent.side === 'buy' ? book.asks : book.bids;
    const qty = intent.side === 'sell' ? Math.min(intent.qty, this.portfolio.held(intent.token_id)) : intent.qty;
    const fill = qty > 0 ? fillAgainstLadder(ladder, intent.side, qty, intent.limit_px, this.params.slippageBps, m.info.fee) : null;
    if (!fill) {
      return this.reject(out, 'no_liquidity_within_limit', intent.market_id, intent.intent_id, { limit_px: intent.limit_px, best: ladder.bestPx() });
    }
    const pos = this.portfolio.apply({ market_id: intent.market_id, token_id: intent.token_id, outcome: intent.outcome }, intent.side, fill.qty, fill.fill_px, fill.fee);
    this.counters.fills += 1;
    out.push({
      event_type: 'paper_fill', fill_id: `f${this.counters.fills}`, intent_id: intent.intent_id, market_id: intent.market_id, token_id: intent.token_id,
      outcome: intent.outcome, side: intent.side, qty: fill.qty, fill_px: fill.fill_px, fee: fill.fee, liquidity: 'taker',
      requested_qty: intent.qty, levels_consumed: fill.levels, ts_unix_ms: this.now,
    });
    out.push({ event_type: 'position', market_id: pos.market_id, token_id: pos.token_id, outcome: pos.outcome, qty: pos.qty, avg_cost: pos.avg_cost, ts_unix_ms: this.now });
  }

  private onResolved(r: MarketResolved, out: OutputEvent[]): void {
    const m = this.markets.get(r.market_id);
    if (!m || m.settled) return;
    m.settled = true;
    const res = this.portfolio.settle(r.market_id, r.winning_token_id);
    this.counters.settlements += 1;
    out.push({ event_type: 'settlement', market_id: r.market_id, winning_token_id: r.winning_token_id, winning_outcome: r.winning_outcome, source: r.source, payout: res.payout, realized_pnl: res.realized_pnl, ts_unix_ms: this.now });
    out.push(this.pnlEvent());
    // A settled market leaves the active set, together with any intent still waiting on it.
    this.markets.remove(r.market_id);
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.market_id === r.market_id) this.pending.splice(i, 1);
  }

  private reject(out: OutputEvent[], reason: string, marketId: string | null, intentId: string | null, numbers: Record<string, number | string | null>): void {
    this.counters.rejects += 1;
    out.push({ event_type: 'risk_reject', reason, market_id: marketId, intent_id: intentId, numbers, ts_unix_ms: this.now });
  }

  private pnlEvent(): Extract<OutputEvent, { event_type: 'pnl' }> {
    const bidOf = (tokenId: string) => this.markets.bookOf(tokenId)?.bestBid() ?? null;
    const p = this.portfolio;
    return { event_type: 'pnl', cash: p.cash, equity: p.equity(bidOf), realized: p.realized, unrealized: p.unrealized(bidOf), fees: p.fees, ts_unix_ms: this.now };
  }
}
