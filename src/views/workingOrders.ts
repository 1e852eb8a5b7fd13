/**
 * The working paper orders and their queue positions, a part of the one read model (the
 * RunView keeps one; the API and the dashboard read it there): an order appears with its `paper_intent`, takes its place in the queue from
 * `order_queue`, shrinks with each `paper_fill`, and leaves when it fills, expires or is
 * cancelled (`order_expired`) or refused at arrival (`risk_reject` with its intent id).
 * Bounded: past `max` orders the oldest is dropped.
 */
import type { OutputEvent } from '../core/outputs.ts';
import type { WorkingOrder } from '../core/wire.ts';

export class WorkingOrders {
  private readonly orders = new Map<string, WorkingOrder>();

  constructor(readonly max = 1_000) {}

  /** Replaces everything with a snapshot's list (the dashboard on connect). */
  load(orders: readonly WorkingOrder[]): void {
    this.orders.clear();
    for (const o of orders.slice(-this.max)) this.orders.set(o.intent_id, { ...o });
  }

  /** Whether the event can change the list (the dashboard redraws on those). */
  static touches(e: OutputEvent): boolean {
    const t = e.event_type;
    return (
      t === 'paper_intent' ||
      t === 'order_queue' ||
      t === 'paper_fill' ||
      t === 'order_expired' ||
      (t === 'risk_reject' && e.intent_id !== null)
    );
  }

  apply(e: OutputEvent): void {
    switch (e.event_type) {
      case 'paper_intent':
        this.orders.set(e.intent_id, {
          intent_id: e.intent_id,
          market_id: e.market_id,
          token_id: e.token_id,
          outcome: e.outcome,
          side: e.side,
          limit_px: e.limit_px,
          tif: e.tif,
          remaining_qty: e.qty,
          queue_ahead_qty: null,
          queue_ahead_alt_qty: null,
          queue_model: null,
          since_ms: e.ts_unix_ms,
        });
        if (this.orders.size > this.max) this.orders.delete(this.orders.keys().next().value!);
        break;
      case 'order_queue': {
        const o = this.orders.get(e.intent_id);
        if (!o) break;
        o.remaining_qty = e.remaining_qty;
        o.queue_ahead_qty = e.queue_ahead_qty;
        o.queue_ahead_alt_qty = e.queue_ahead_alt_qty;
        o.queue_model = e.queue_model;
        break;
      }
      case 'paper_fill': {
        const o = this.orders.get(e.intent_id);
        if (!o) break;
        o.remaining_qty = Math.max(0, o.remaining_qty - e.qty);
        if (o.remaining_qty <= 1e-9) this.orders.delete(e.intent_id);
        break;
      }
      case 'order_expired':
        this.orders.delete(e.intent_id);
        break;
      case 'risk_reject':
        if (e.intent_id !== null) this.orders.delete(e.intent_id);
        break;
      default:
    }
  }

  list(): WorkingOrder[] {
    return [...this.orders.values()];
  }
}
