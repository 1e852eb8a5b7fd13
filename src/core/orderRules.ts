/**
 * The market's and the account's rules for one order — the only place they are written.
 * Paper execution applies them when an order is submitted; the reasons are the stable
 * names users see in `risk_reject` events and docs/methodology.md:
 * - `invalid_order`: quantity not a finite number > 0, or limit price outside (0, 1);
 * - `price_off_tick`: limit price not on the token's tick grid;
 * - `naked_short`: a sell of more shares than are held and not already promised to
 *   working sells;
 * - `min_order_qty`: quantity below the larger of the market's `min_size` and the
 *   configured minimum.
 */
import type { Side } from './events.ts';
import { onTickGrid } from './book.ts';

/** Quantities within this of each other are equal (sizes are decimals in binary floats). */
export const QTY_EPS = 1e-9;

export type OrderRuleReason = 'invalid_order' | 'price_off_tick' | 'naked_short' | 'min_order_qty';

export interface OrderTerms {
  side: Side;
  qty: number;
  limit_px: number;
}

export interface OrderRuleContext {
  tick_size: number;
  /** max(market min_size, configured minimum order size). */
  min_qty: number;
  /** What the account may still sell of this token (see sellableQty). */
  sellable_qty: number;
}

export type OrderRuleViolation = { reason: OrderRuleReason; numbers: Record<string, number> };

/** The first rule the order breaks, or null when it may go to the book. */
export function orderRuleViolation(o: OrderTerms, c: OrderRuleContext): OrderRuleViolation | null {
  if (!(Number.isFinite(o.qty) && o.qty > 0 && o.limit_px > 0 && o.limit_px < 1))
    return { reason: 'invalid_order', numbers: { qty: o.qty, limit_px: o.limit_px } };
  if (!onTickGrid(o.limit_px, c.tick_size)) return { reason: 'price_off_tick', numbers: { limit_px: o.limit_px, tick_size: c.tick_size } };
  if (o.side === 'sell' && o.qty > c.sellable_qty + QTY_EPS)
    return { reason: 'naked_short', numbers: { qty: o.qty, held_qty: c.sellable_qty } };
  if (o.qty < c.min_qty - QTY_EPS) return { reason: 'min_order_qty', numbers: { qty: o.qty, min_qty: c.min_qty } };
  return null;
}

/** A working order as far as the sell reservation cares. */
export interface WorkingQty {
  token_id: string;
  side: Side;
  /** Unfilled quantity. */
  qty: number;
}

/** Shares of `tokenId` held minus those already promised to working sells: what a new sell may sell. */
export function sellableQty(heldQty: number, working: Iterable<WorkingQty>, tokenId: string): number {
  if (heldQty <= 0) return 0;
  let free = heldQty;
  for (const o of working) if (o.side === 'sell' && o.token_id === tokenId) free -= o.qty;
  return Math.max(0, free);
}
