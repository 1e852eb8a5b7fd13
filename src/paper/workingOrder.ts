/**
 * A working paper order as the execution keeps it (pure), and the output events it gives
 * rise to: its place in the queue, a fill with its position, a shadow fill of the other
 * queue model, its end. Kept apart from execution.ts so the matching logic reads alone.
 */
import type { Position, OutputOf, Tif } from '../core/outputs.ts';
import type { Outcome, Side } from '../core/events.ts';
import type { BookFill } from './fill.ts';
import { modelIndex, type QueueModel, type QueueState } from './queue.ts';

export interface OrderRequest {
  intent_id: string;
  market_id: string;
  token_id: string;
  outcome: Outcome;
  side: Side;
  qty: number;
  limit_px: number;
  tif?: Tif;
  /**
   * Post-only: refused (`post_only_would_take`) instead of taking if it would match on arrival,
   * as Polymarket's post-only orders are (docs.polymarket.com/concepts/order-lifecycle, read 2026-12).
   */
  post_only?: boolean;
}

export interface WorkingOrder extends Required<OrderRequest> {
  match_after_ms: number;
  /** The touch on our side (best ask to buy, best bid to sell) when we decided, as a price key. */
  touch_key: number | null;
  expires_at_ms: number | null;
  expiry_reason: 'deadline' | 'window_end';
  filled: number;
  /** In the exchange's taker delay: it matches at `match_after_ms` and can no longer be cancelled. */
  delayed: boolean;
  /** Resting only: its place in its price level's queue. */
  queue: QueueState | null;
  /** Shares the other queue model would have filled by now (`queue_shadow_fill`). */
  alt_filled: number;
}

/** A working order as the strategies, the API and the dashboard see it. */
export interface WorkingOrderView {
  intent_id: string;
  market_id: string;
  token_id: string;
  side: Side;
  qty: number;
  limit_px: number;
  tif: Tif;
  /** Resting: shares ahead of it at its price under the configured queue model; null while it waits for its latency. */
  queue_ahead_qty: number | null;
}

export type ExpiryReason = 'deadline' | 'window_end' | 'market_resolved' | 'ioc_remainder' | 'cancelled';

export function viewOf(o: WorkingOrder, model: QueueModel): WorkingOrderView {
  return {
    intent_id: o.intent_id,
    market_id: o.market_id,
    token_id: o.token_id,
    side: o.side,
    qty: o.qty - o.filled,
    limit_px: o.limit_px,
    tif: o.tif,
    queue_ahead_qty: o.queue ? o.queue.ahead[modelIndex(model)] : null,
  };
}

/** The order's place in its queue under `model` (and the other model beside it). */
export function queueEventOf(o: WorkingOrder, model: QueueModel, nowMs: number): OutputOf<'order_queue'> {
  const i = modelIndex(model);
  return {
    event_type: 'order_queue',
    intent_id: o.intent_id,
    market_id: o.market_id,
    token_id: o.token_id,
    side: o.side,
    limit_px: o.limit_px,
    remaining_qty: o.qty - o.filled,
    queue_model: model,
    queue_ahead_qty: o.queue!.ahead[i],
    queue_ahead_alt_qty: o.queue!.ahead[1 - i]!,
    ts_unix_ms: nowMs,
  };
}

/** What the other model (`altModel`) would have filled of the order from one print. */
export function shadowFillOf(
  o: WorkingOrder,
  qty: number,
  rebate: number,
  altModel: QueueModel,
  nowMs: number,
): OutputOf<'queue_shadow_fill'> {
  return {
    event_type: 'queue_shadow_fill',
    intent_id: o.intent_id,
    market_id: o.market_id,
    token_id: o.token_id,
    side: o.side,
    qty,
    fill_px: o.limit_px,
    rebate,
    queue_model: altModel,
    ts_unix_ms: nowMs,
  };
}

export function fillEventOf(o: WorkingOrder, fill: BookFill, fillId: string, rebate: number, nowMs: number): OutputOf<'paper_fill'> {
  return {
    event_type: 'paper_fill',
    fill_id: fillId,
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
    ...(rebate > 0 ? { rebate } : {}),
    ts_unix_ms: nowMs,
  };
}

export function positionEventOf(pos: Omit<Position, 'event_type' | 'ts_unix_ms'>, nowMs: number): Position {
  return {
    event_type: 'position',
    market_id: pos.market_id,
    token_id: pos.token_id,
    outcome: pos.outcome,
    qty: pos.qty,
    avg_cost: pos.avg_cost,
    ts_unix_ms: nowMs,
  };
}

export function expiredEventOf(o: WorkingOrder, reason: ExpiryReason, nowMs: number): OutputOf<'order_expired'> {
  return {
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
  };
}
