/**
 * Paper execution (pure): holds orders through their latency (plus the market's taker delay
 * when they would match on entry), validates them against the market's rules, matches them
 * against the L2 book with FOK / IOC / GTC semantics, keeps resting GTC orders in their
 * price level's queue (queue.ts) until prints on the tape reach them, they are cancelled or
 * they expire, and applies fills to the portfolio. Every outcome is an output event:
 * `paper_intent`, `paper_fill` + `position`, `order_queue`, `risk_reject` (with a reason)
 * or `order_expired`.
 *
 * Pessimism, by rule: an order sees the book as it stands `latencyMs` after the decision,
 * and a taker never pays better than the touch it decided on (a book that moved our way
 * during the latency gives no price improvement; one that moved away costs us); depth taken
 * by our own fills is gone until that price level changes; a resting order queues behind
 * the size shown at its price and fills, at its limit, only from printed size that reaches
 * it — never from a book that moves through its price without a print.
 */
import type { MarketInfo, MarketTrade, Side } from '../core/events.ts';
import type { OutputEvent, Tif } from '../core/outputs.ts';
import { keyPx, pxKey, type OrderBook } from '../core/book.ts';
import { orderRuleViolation, QTY_EPS, sellableQty } from '../core/orderRules.ts';
import { Consumed, emptyWalk, noBetterThanTouch, priceFill, takerLimitKey, walkLadder, type BookFill, type FillPricing } from './fill.ts';
import { makerRebate } from '../core/fees.ts';
import { DEFAULT_QUEUE_POWER, joinQueue, modelIndex, onLevelChange, onPrint, type QueueModel } from './queue.ts';
import {
  expiredEventOf,
  fillEventOf,
  positionEventOf,
  queueEventOf,
  shadowFillOf,
  viewOf,
  type ExpiryReason,
  type OrderRequest,
  type WorkingOrder,
  type WorkingOrderView,
} from './workingOrder.ts';

export type { OrderRequest, WorkingOrderView } from './workingOrder.ts';
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
  /**
   * Extra wait of an order that would match on arrival, for markets whose info carries no
   * `taker_delay_ms` (default 0; the lab's config passes core/fees.ts CRYPTO_TAKER_DELAY_MS).
   */
  takerDelayMs?: number;
  /** How long a cancel takes to reach the exchange (default: `latencyMs`). */
  cancelLatencyMs?: number;
  /** Which queue model fills resting orders (queue.ts; default conservative) and its power. */
  queueModel?: QueueModel;
  queuePower?: number;
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

/** Depth consumed by our own fills on one token's book, per price level, as of one book version. */
interface Overlay {
  book: OrderBook;
  version: number;
  bid: Consumed;
  ask: Consumed;
}

type Numbers = Record<string, number | string | null>;

export const DEFAULT_GTC_TTL_MS = 30_000;

/**
 * Whether something due at `atMs` acts at `nowMs`: before an input is applied (`inclusive`
 * false) only what was due strictly earlier, after it (`inclusive` true) also what is due now.
 */
const isDue = (atMs: number, nowMs: number, inclusive: boolean): boolean => atMs < nowMs || (inclusive && atMs === nowMs);

export class Execution {
  private readonly pending: WorkingOrder[] = [];
  private readonly resting: WorkingOrder[] = [];
  private readonly overlays = new Map<string, Overlay>();
  private readonly pricing: FillPricing;
  /** Scratch space reused on every order: the hot path allocates only its output events. */
  private readonly walk = emptyWalk();
  private readonly due: WorkingOrder[] = [];
  /** Cancels on their way to the exchange, in arrival order. */
  private readonly cancels: { intent_id: string; at_ms: number }[] = [];
  private readonly queueModel: QueueModel;
  expirations = 0;
  /** Cancels that arrived after the order had filled, ended or entered its taker delay: the fill stands. */
  cancelsTooLate = 0;

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
    this.queueModel = params.queueModel ?? 'conservative';
  }

  get openOrders(): number {
    return this.pending.length + this.resting.length;
  }

  /** Every working order with its queue position (API, dashboard, strategies). */
  *workingViews(): IterableIterator<WorkingOrderView> {
    for (const list of [this.pending, this.resting]) for (const o of list) yield viewOf(o, this.queueModel);
  }

  /**
   * Asks to cancel a working order; the cancel reaches the exchange `cancelLatencyMs` later.
   * If by then the order filled, ended, or entered its taker delay, the cancel is too late.
   */
  cancel(intentId: string, nowMs: number): void {
    this.cancels.push({ intent_id: intentId, at_ms: nowMs + (this.params.cancelLatencyMs ?? this.params.latencyMs) });
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
      post_only: req.post_only ?? false,
      match_after_ms: nowMs + this.params.latencyMs,
      touch_key: touch ?? null,
      filled: 0,
      expires_at_ms: tif === 'GTC' ? Math.min(deadline, window) : null,
      expiry_reason: deadline < window ? 'deadline' : 'window_end',
      delayed: false,
      queue: null,
      alt_filled: 0,
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
    if (this.cancels.length > 0) this.cancelDue(nowMs, out, inclusive);
    if (this.resting.length > 0) this.expireResting(nowMs, out);
    if (this.pending.length === 0) return;
    let kept = 0;
    const due = this.due;
    for (const o of this.pending) {
      if (isDue(o.match_after_ms, nowMs, inclusive)) due.push(o);
      else this.pending[kept++] = o;
    }
    this.pending.length = kept;
    // `arrive` never re-enters matchDue, so the reused `due` list is safe to walk here.
    for (const o of due) this.arrive(o, nowMs, out, inclusive);
    due.length = 0;
  }

  /** The order reaches the book: taker part first, then FOK / IOC / GTC handling of the rest. */
  private arrive(o: WorkingOrder, nowMs: number, out: OutputEvent[], inclusive: boolean): void {
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
    if (o.post_only && this.wouldTake(o.side, ladder.keys[0], limitKey))
      return this.reject(out, nowMs, 'post_only_would_take', o.market_id, o.intent_id, { limit_px: o.limit_px, best: ladder.bestPx() });
    if (!o.delayed && this.holdForTakerDelay(o, info, ladder.keys[0], limitKey, nowMs, inclusive)) return;
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
    if (o.tif === 'GTC' && o.expires_at_ms !== null && o.expires_at_ms > nowMs) this.rest(o, book, nowMs, out);
    else this.expire(o, o.tif === 'GTC' ? o.expiry_reason : 'ioc_remainder', nowMs, out);
  }

  /**
   * An order that would match on arrival waits the market's taker delay inside the exchange
   * (`taker_delay_ms`, else the configured default) and matches the book as it stands then. Returns
   * whether it was put back to wait.
   */
  private holdForTakerDelay(
    o: WorkingOrder,
    info: MarketInfo,
    bestKey: number | undefined,
    limitKey: number,
    nowMs: number,
    inclusive: boolean,
  ): boolean {
    const delayMs = info.taker_delay_ms ?? this.params.takerDelayMs ?? 0;
    if (delayMs <= 0 || !this.wouldTake(o.side, bestKey, limitKey)) return false;
    o.delayed = true;
    // The delay runs from when the order reached the exchange, not from when we noticed.
    o.match_after_ms += delayMs;
    this.pending.push(o);
    // With the delay over already (inputs were sparse), it matches now like any due order:
    // one whose delay ends exactly now waits for the input of this instant, as matchDue does.
    if (isDue(o.match_after_ms, nowMs, inclusive)) {
      this.pending.pop();
      return false;
    }
    return true;
  }

  /** Whether an order at `limitKey` would match the other side's best price `bestKey`. */
  private wouldTake(side: Side, bestKey: number | undefined, limitKey: number): boolean {
    return bestKey !== undefined && (side === 'buy' ? bestKey <= limitKey : bestKey >= limitKey);
  }

  /** The order starts resting: it queues behind the size shown at its price. */
  private rest(o: WorkingOrder, book: OrderBook, nowMs: number, out: OutputEvent[]): void {
    o.queue = joinQueue(this.levelQty(o, book));
    this.resting.push(o);
    this.queueEvent(o, nowMs, out);
  }

  /** The size the book shows at the order's own price on its own side. */
  private levelQty(o: WorkingOrder, book: OrderBook): number {
    const ladder = o.side === 'buy' ? book.bids : book.asks;
    const i = ladder.keys.indexOf(pxKey(o.limit_px));
    return i >= 0 ? ladder.sizes[i]! : 0;
  }

  private queueEvent(o: WorkingOrder, nowMs: number, out: OutputEvent[]): void {
    out.push(queueEventOf(o, this.queueModel, nowMs));
  }

  /**
   * After `tokenId`'s book changed: each resting order's queue sees the size now shown at its
   * price (cancellations are attributed by the queue model). A book change never fills a
   * resting order: only prints do (`onTrade`).
   */
  onBook(tokenId: string, nowMs: number, out: OutputEvent[]): void {
    const book = this.lookup.book(tokenId);
    if (!book) return;
    // Eagerly, so a level that leaves and comes back between two orders counts as changed.
    if (this.overlays.has(tokenId)) this.overlay(tokenId, book);
    if (this.resting.length === 0) return;
    const power = this.params.queuePower ?? DEFAULT_QUEUE_POWER;
    const i = modelIndex(this.queueModel);
    for (const o of this.resting) {
      if (o.token_id !== tokenId || !o.queue) continue;
      const size = this.levelQty(o, book);
      if (size === o.queue.levelQty) continue;
      const before = o.queue.ahead[i];
      onLevelChange(o.queue, size, power);
      // The configured model's queue moved: readers (API, journal) see it.
      if (o.queue.ahead[i] !== before) this.queueEvent(o, nowMs, out);
    }
  }

  /**
   * A print on the tape (`market_trade`): resting orders on its token at or inside its price
   * move up their queue, and fill from the printed size that gets past the queue ahead, at
   * their own limit, as makers earning the market's rebate.
   */
  onTrade(t: MarketTrade, nowMs: number, out: OutputEvent[]): void {
    if (this.resting.length === 0) return;
    const printKey = pxKey(t.px);
    // Our own orders at one price share one print: what one takes does not reach the next.
    let left = t.qty;
    let kept = 0;
    for (const o of this.resting) {
      const used = o.token_id === t.token_id && left > QTY_EPS ? this.printReaches(o, printKey, left, nowMs, out) : 0;
      if (used > 0) left -= used;
      if (used >= 0 && o.qty - o.filled > QTY_EPS) this.resting[kept++] = o;
    }
    this.resting.length = kept;
  }

  /** Applies a print of `printQty` to one resting order; returns the shares it filled, or −1 when the fill was refused (the order stops resting). */
  private printReaches(o: WorkingOrder, printKey: number, printQty: number, nowMs: number, out: OutputEvent[]): number {
    const limitKey = pxKey(o.limit_px);
    // A buy is reached by prints at or below its price, a sell at or above.
    const through = o.side === 'buy' ? printKey < limitKey : printKey > limitKey;
    if (!through && printKey !== limitKey) return 0;
    const info = this.lookup.market(o.market_id);
    this.shadowFill(o, info, through ? printQty : printQty - o.queue!.ahead[1 - modelIndex(this.queueModel)]!, nowMs, out);
    const reach = onPrint(o.queue!, printQty, !through, this.queueModel);
    const qty = Math.min(reach, o.qty - o.filled);
    if (qty <= QTY_EPS) {
      this.queueEvent(o, nowMs, out);
      return 0;
    }
    if (info) this.pricing.fee = info.fee;
    const walk = this.walk;
    walk.qty = qty;
    walk.vwapKey = limitKey;
    walk.levels = 1;
    const fill = priceFill(o.side, walk, this.pricing, 'maker', keyPx(limitKey));
    if (!this.affordable(o, fill, out, nowMs)) return -1;
    this.applyFill(o, fill, nowMs, out, info ? makerRebate(qty, fill.fill_px, info.fee) : 0);
    if (o.qty - o.filled > QTY_EPS) this.queueEvent(o, nowMs, out);
    return qty;
  }

  /** The other queue model's share of a print (`reach` past its own queue), up to the order's size: an event for the trust analytics only. */
  private shadowFill(o: WorkingOrder, info: MarketInfo | undefined, reach: number, nowMs: number, out: OutputEvent[]): void {
    const qty = Math.min(reach, o.qty - o.alt_filled);
    if (!(qty > QTY_EPS)) return;
    o.alt_filled += qty;
    const alt = this.queueModel === 'conservative' ? 'probabilistic' : 'conservative';
    out.push(shadowFillOf(o, qty, info ? makerRebate(qty, o.limit_px, info.fee) : 0, alt, nowMs));
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

  private applyFill(o: WorkingOrder, fill: BookFill, nowMs: number, out: OutputEvent[], rebate = 0): void {
    o.filled += fill.qty;
    if (rebate > 0) this.portfolio.rebate(rebate);
    const pos = this.portfolio.apply(
      { market_id: o.market_id, token_id: o.token_id, outcome: o.outcome },
      o.side,
      fill.qty,
      fill.fill_px,
      fill.fee,
    );
    this.counters.fills += 1;
    out.push(fillEventOf(o, fill, `f${this.counters.fills}`, rebate, nowMs), positionEventOf(pos, nowMs));
  }

  /** Cancels that reached the exchange: a working order still outside its taker delay ends; otherwise the cancel is too late. */
  private cancelDue(nowMs: number, out: OutputEvent[], inclusive: boolean): void {
    let n = 0;
    while (n < this.cancels.length && isDue(this.cancels[n]!.at_ms, nowMs, inclusive)) n++;
    if (n === 0) return;
    for (const c of this.cancels.splice(0, n)) {
      if (!this.removeWorking(c.intent_id, nowMs, out)) this.cancelsTooLate += 1;
    }
  }

  private removeWorking(intentId: string, nowMs: number, out: OutputEvent[]): boolean {
    for (const list of [this.pending, this.resting]) {
      const i = list.findIndex((o) => o.intent_id === intentId);
      if (i < 0) continue;
      const o = list[i]!;
      if (o.delayed && list === this.pending) return false;
      list.splice(i, 1);
      this.expire(o, 'cancelled', nowMs, out);
      return true;
    }
    return false;
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

  private expire(o: WorkingOrder, reason: ExpiryReason, nowMs: number, out: OutputEvent[]): void {
    this.expirations += 1;
    out.push(expiredEventOf(o, reason, nowMs));
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
