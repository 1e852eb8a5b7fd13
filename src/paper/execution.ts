/**
 * Paper execution (pure): holds orders through their latency, validates them against the
 * market's rules, matches them against the L2 book with FOK / IOC / GTC semantics, keeps
 * resting GTC orders until the book trades through them or they expire, and applies fills
 * to the portfolio. Every outcome is an output event: `paper_intent`, `paper_fill` +
 * `position`, `risk_reject` (with a reason) or `order_expired`.
 *
 * Pessimism, by rule: an order sees the book as it stands `latencyMs` after the decision,
 * and a taker never pays better than the touch it decided on (a book that moved our way
 * during the latency gives no price improvement; one that moved away costs us); depth taken
 * by our own fills is gone until that price level changes; a resting order assumes no queue
 * priority and fills only on prices strictly through its limit, at its limit.
 */
import type { MarketInfo, Outcome, Side } from '../core/events.ts';
import type { OutputEvent, Tif } from '../core/outputs.ts';
import { keyPx, pxKey, type OrderBook } from '../core/book.ts';
import { orderRuleViolation, QTY_EPS, sellableQty } from '../core/orderRules.ts';
import { Consumed, emptyWalk, noBetterThanTouch, priceFill, takerLimitKey, walkLadder, type BookFill, type FillPricing } from './fill.ts';
import type { Portfolio } from './portfolio.ts';

export interface ExecutionParams {
  latencyMs: number;
  slippageBps: number;
  /** Time in force of orders that do not name one. */
  tif?: Tif;
  /** How long a GTC order may rest (capped at its market's window end). */
  gtcTtlMs?: number;
  /** Upper bound on orders waiting for their latency plus orders resting. */
  maxOpenOrders?: number;
  /** The configured minimum order size; the market's `min_size` applies too (the larger wins). */
  minOrderQtyShares?: number;
  /** Fee as bps of notional instead of the market's schedule (the seed's model; tests). */
  feeBpsOverride?: number | null;
}

export interface OrderRequest {
  intent_id: string;
  market_id: string;
  token_id: string;
  outcome: Outcome;
  side: Side;
  qty: number;
  limit_px: number;
  tif?: Tif;
}

/** What the execution needs to see of the engine's markets. */
export interface ExecutionLookup {
  book(tokenId: string): OrderBook | undefined;
  market(marketId: string): MarketInfo | undefined;
}

export interface ExecutionCounters {
  intents: number;
  fills: number;
  rejects: number;
}

interface WorkingOrder extends Required<OrderRequest> {
  match_after_ms: number;
  /** The touch on our side (best ask to buy, best bid to sell) when we decided, as a price key. */
  touch_key: number | null;
  expires_at_ms: number | null;
  expiry_reason: 'deadline' | 'window_end';
  filled: number;
}

/** Depth consumed by our own fills on one token's book, per price level, as of one book version. */
interface Overlay {
  book: OrderBook;
  version: number;
  bid: Consumed;
  ask: Consumed;
}

type Numbers = Record<string, number | string | null>;

export const DEFAULT_GTC_TTL_MS = 30_000;

export class Execution {
  private readonly pending: WorkingOrder[] = [];
  private readonly resting: WorkingOrder[] = [];
  private readonly overlays = new Map<string, Overlay>();
  private readonly pricing: FillPricing;
  /** Scratch space reused on every order: the hot path allocates only its output events. */
  private readonly walk = emptyWalk();
  private readonly due: WorkingOrder[] = [];
  expirations = 0;

  constructor(
    readonly params: ExecutionParams,
    private readonly lookup: ExecutionLookup,
    private readonly portfolio: Portfolio,
    private readonly counters: ExecutionCounters,
  ) {
    this.pricing = {
      slippageBps: params.slippageBps,
      fee: { rate: 0, exponent: 1, taker_only: true },
      feeBpsOverride: params.feeBpsOverride ?? null,
    };
  }

  get openOrders(): number {
    return this.pending.length + this.resting.length;
  }

  /** Orders still working (waiting for their latency or resting), with their unfilled size. */
  *workingOrders(): IterableIterator<{ market_id: string; token_id: string; side: Side; qty: number; limit_px: number }> {
    for (const list of [this.pending, this.resting]) {
      for (const o of list)
        yield { market_id: o.market_id, token_id: o.token_id, side: o.side, qty: o.qty - o.filled, limit_px: o.limit_px };
    }
  }

  /** Validates a decision's order and holds it for its latency (or matches it now at 0 ms). Returns whether it was accepted. */
  submit(req: OrderRequest, nowMs: number, out: OutputEvent[]): boolean {
    const info = this.lookup.market(req.market_id);
    const book = this.lookup.book(req.token_id);
    const tif = req.tif ?? this.params.tif ?? 'IOC';
    const bad = this.violation(req, info, book);
    if (bad || !info) {
      this.reject(out, nowMs, bad?.reason ?? 'unknown_market', req.market_id, req.intent_id, bad?.numbers ?? {});
      return false;
    }
    const window = info.window_end_ms;
    const touch = req.side === 'buy' ? book?.asks.keys[0] : book?.bids.keys[0];
    const deadline = nowMs + (this.params.gtcTtlMs ?? DEFAULT_GTC_TTL_MS);
    const order: WorkingOrder = {
      intent_id: req.intent_id,
      market_id: req.market_id,
      token_id: req.token_id,
      outcome: req.outcome,
      side: req.side,
      qty: req.qty,
      limit_px: req.limit_px,
      tif,
      match_after_ms: nowMs + this.params.latencyMs,
      touch_key: touch ?? null,
      filled: 0,
      expires_at_ms: tif === 'GTC' ? Math.min(deadline, window) : null,
      expiry_reason: deadline < window ? 'deadline' : 'window_end',
    };
    this.counters.intents += 1;
    this.pending.push(order);
    out.push({
      event_type: 'paper_intent',
      intent_id: req.intent_id,
      market_id: req.market_id,
      token_id: req.token_id,
      outcome: req.outcome,
      side: req.side,
      qty: req.qty,
      limit_px: req.limit_px,
      tif,
      match_after_ms: order.match_after_ms,
      expires_at_ms: order.expires_at_ms,
      ts_unix_ms: nowMs,
    });
    if (this.params.latencyMs === 0) this.matchDue(nowMs, out, true);
    return true;
  }

  /**
   * Why `submit` would refuse this order, or null: the order rules (core/orderRules.ts),
   * then room for one more working order. Emits nothing.
   */
  check(req: OrderRequest): { reason: string; numbers: Numbers } | null {
    return this.violation(req, this.lookup.market(req.market_id), this.lookup.book(req.token_id));
  }

  private violation(
    req: OrderRequest,
    info: MarketInfo | undefined,
    book: OrderBook | undefined,
  ): { reason: string; numbers: Numbers } | null {
    if (!info) return { reason: 'unknown_market', numbers: {} };
    const bad = orderRuleViolation(req, {
      tick_size: book?.tickSize ?? info.tick_size,
      min_qty: Math.max(info.min_size, this.params.minOrderQtyShares ?? 0),
      sellable_qty: this.sellable(req.token_id),
    });
    if (bad) return bad;
    if (this.openOrders >= (this.params.maxOpenOrders ?? 1000))
      return { reason: 'too_many_pending_intents', numbers: { pending: this.openOrders } };
    return null;
  }

  /** Shares of a token held and not already promised to a working sell. */
  sellable(tokenId: string): number {
    return sellableQty(this.portfolio.held(tokenId), this.workingOrders(), tokenId);
  }

  /**
   * Matches every order whose latency has passed and expires resting orders past their
   * deadline. Before an input is applied (`inclusive` false) only orders due strictly
   * earlier match, so the book they see is the one in force at their due time; after the
   * input (`inclusive` true) orders due exactly now see the book including it.
   */
  matchDue(nowMs: number, out: OutputEvent[], inclusive: boolean): void {
    if (this.resting.length > 0) this.expireResting(nowMs, out);
    if (this.pending.length === 0) return;
    let kept = 0;
    const due = this.due;
    for (const o of this.pending) {
      if (o.match_after_ms < nowMs || (inclusive && o.match_after_ms === nowMs)) due.push(o);
      else this.pending[kept++] = o;
    }
    this.pending.length = kept;
    // `arrive` never re-enters matchDue, so the reused `due` list is safe to walk here.
    for (const o of due) this.arrive(o, nowMs, out);
    due.length = 0;
  }

  /** The order reaches the book: taker part first, then FOK / IOC / GTC handling of the rest. */
  private arrive(o: WorkingOrder, nowMs: number, out: OutputEvent[]): void {
    const info = this.lookup.market(o.market_id);
    const book = this.lookup.book(o.token_id);
    if (!info || !book) return this.reject(out, nowMs, 'no_book', o.market_id, o.intent_id, {});
    if (o.match_after_ms >= info.window_end_ms) {
      return this.reject(out, nowMs, 'window_ended', o.market_id, o.intent_id, {
        match_after_ms: o.match_after_ms,
        window_end_ms: info.window_end_ms,
      });
    }
    const ladder = o.side === 'buy' ? book.asks : book.bids;
    const consumed = this.overlay(o.token_id, book)[o.side === 'buy' ? 'ask' : 'bid'];
    // With slippage, only levels whose slipped price still respects the limit are taken.
    const limitKey = takerLimitKey(o.side, pxKey(o.limit_px), this.params.slippageBps);
    const walk = walkLadder(ladder, o.side, o.qty, limitKey, consumed, false, false, this.walk);
    if (walk.qty > 0 && o.touch_key !== null) walk.vwapKey = noBetterThanTouch(o.side, walk.vwapKey, o.touch_key, limitKey);
    const numbers = { limit_px: o.limit_px, requested: o.qty, available: walk.qty, best: ladder.bestPx() };
    if (o.tif === 'FOK' && walk.qty < o.qty - QTY_EPS)
      return this.reject(out, nowMs, 'fok_insufficient_depth', o.market_id, o.intent_id, numbers);
    if (walk.qty > 0) {
      this.pricing.fee = info.fee;
      const fill = priceFill(o.side, walk, this.pricing, 'taker', undefined, o.limit_px);
      if (!this.affordable(o, fill, out, nowMs)) return;
      walkLadder(ladder, o.side, o.qty, limitKey, consumed, false, true, this.walk);
      this.applyFill(o, fill, nowMs, out);
    } else if (o.tif === 'IOC') {
      return this.reject(out, nowMs, 'no_liquidity_within_limit', o.market_id, o.intent_id, numbers);
    }
    const remaining = o.qty - o.filled;
    if (remaining <= QTY_EPS) return;
    if (o.tif === 'GTC' && o.expires_at_ms !== null && o.expires_at_ms > nowMs) this.resting.push(o);
    else this.expire(o, o.tif === 'GTC' ? o.expiry_reason : 'ioc_remainder', nowMs, out);
  }

  /** After `tokenId`'s book changed: resting orders fill on depth strictly through their limit. */
  onBook(tokenId: string, nowMs: number, out: OutputEvent[]): void {
    const book = this.lookup.book(tokenId);
    if (!book) return;
    // Eagerly, so a level that leaves and comes back between two orders counts as changed.
    if (this.overlays.has(tokenId)) this.overlay(tokenId, book);
    if (this.resting.length === 0) return;
    let kept = 0;
    for (const o of this.resting) {
      if (o.token_id !== tokenId || this.tradeThrough(o, book, nowMs, out)) this.resting[kept++] = o;
    }
    this.resting.length = kept;
  }

  /** Fills what trades through a resting order; returns whether the order keeps resting. */
  private tradeThrough(o: WorkingOrder, book: OrderBook, nowMs: number, out: OutputEvent[]): boolean {
    const ladder = o.side === 'buy' ? book.asks : book.bids;
    const consumed = this.overlay(o.token_id, book)[o.side === 'buy' ? 'ask' : 'bid'];
    const limitKey = pxKey(o.limit_px);
    const walk = walkLadder(ladder, o.side, o.qty - o.filled, limitKey, consumed, true, false, this.walk);
    if (walk.qty <= 0) return true;
    // A maker receives its own limit price, never the better price that traded through it.
    const fill = priceFill(o.side, walk, this.pricing, 'maker', keyPx(limitKey));
    if (!this.affordable(o, fill, out, nowMs)) return false;
    walkLadder(ladder, o.side, o.qty - o.filled, limitKey, consumed, true, true, this.walk);
    this.applyFill(o, fill, nowMs, out);
    return o.qty - o.filled > QTY_EPS;
  }

  /** Cash for a buy, shares for a sell: a fill the portfolio cannot carry is a reject. */
  private affordable(o: WorkingOrder, fill: BookFill, out: OutputEvent[], nowMs: number): boolean {
    const p = this.portfolio;
    if (o.side === 'buy' && fill.notional + fill.fee > p.cash + 1e-9) {
      this.reject(out, nowMs, 'insufficient_cash', o.market_id, o.intent_id, { cost: fill.notional + fill.fee, cash: p.cash });
      return false;
    }
    if (o.side === 'sell' && fill.qty > p.held(o.token_id) + QTY_EPS) {
      this.reject(out, nowMs, 'naked_short', o.market_id, o.intent_id, { qty: fill.qty, held_qty: p.held(o.token_id) });
      return false;
    }
    return true;
  }

  private applyFill(o: WorkingOrder, fill: BookFill, nowMs: number, out: OutputEvent[]): void {
    o.filled += fill.qty;
    const pos = this.portfolio.apply(
      { market_id: o.market_id, token_id: o.token_id, outcome: o.outcome },
      o.side,
      fill.qty,
      fill.fill_px,
      fill.fee,
    );
    this.counters.fills += 1;
    out.push({
      event_type: 'paper_fill',
      fill_id: `f${this.counters.fills}`,
      intent_id: o.intent_id,
      market_id: o.market_id,
      token_id: o.token_id,
      outcome: o.outcome,
      side: o.side,
      qty: fill.qty,
      fill_px: fill.fill_px,
      fee: fill.fee,
      liquidity: fill.liquidity,
      requested_qty: o.qty,
      levels_consumed: fill.levels,
      vwap_px: fill.vwap_px,
      tif: o.tif,
      ts_unix_ms: nowMs,
    });
    out.push({
      event_type: 'position',
      market_id: pos.market_id,
      token_id: pos.token_id,
      outcome: pos.outcome,
      qty: pos.qty,
      avg_cost: pos.avg_cost,
      ts_unix_ms: nowMs,
    });
  }

  private expireResting(nowMs: number, out: OutputEvent[]): void {
    let kept = 0;
    for (const o of this.resting) {
      if (o.expires_at_ms !== null && o.expires_at_ms <= nowMs) this.expire(o, o.expiry_reason, nowMs, out);
      else this.resting[kept++] = o;
    }
    this.resting.length = kept;
  }

  /** Ends every working order of a market (resolution) and forgets its depth overlays. */
  cancelMarket(marketId: string, nowMs: number, out: OutputEvent[]): void {
    for (const list of [this.pending, this.resting]) {
      let kept = 0;
      for (const o of list) {
        if (o.market_id === marketId) this.expire(o, 'market_resolved', nowMs, out);
        else list[kept++] = o;
      }
      list.length = kept;
    }
    const info = this.lookup.market(marketId);
    for (const t of info?.tokens ?? []) this.overlays.delete(t.token_id);
  }

  private expire(
    o: WorkingOrder,
    reason: 'deadline' | 'window_end' | 'market_resolved' | 'ioc_remainder',
    nowMs: number,
    out: OutputEvent[],
  ): void {
    this.expirations += 1;
    out.push({
      event_type: 'order_expired',
      intent_id: o.intent_id,
      market_id: o.market_id,
      token_id: o.token_id,
      side: o.side,
      tif: o.tif,
      reason,
      filled_qty: o.filled,
      remaining_qty: o.qty - o.filled,
      ts_unix_ms: nowMs,
    });
  }

  /** The token's consumed-depth overlay, re-indexed to the book's current version (levels that changed are forgotten). */
  private overlay(tokenId: string, book: OrderBook): Overlay {
    let ov = this.overlays.get(tokenId);
    if (!ov) {
      ov = { book, version: book.version, bid: new Consumed(), ask: new Consumed() };
      this.overlays.set(tokenId, ov);
    } else if (ov.version !== book.version || ov.book !== book) {
      ov.book = book;
      ov.version = book.version;
      ov.bid.refresh(book.bids);
      ov.ask.refresh(book.asks);
    }
    return ov;
  }

  private reject(
    out: OutputEvent[],
    nowMs: number,
    reason: string,
    marketId: string | null,
    intentId: string | null,
    numbers: Numbers,
  ): void {
    this.counters.rejects += 1;
    out.push({ event_type: 'risk_reject', reason, market_id: marketId, intent_id: intentId, numbers, ts_unix_ms: nowMs });
  }
}
