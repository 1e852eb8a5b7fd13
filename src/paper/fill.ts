/**
 * Book-walking fill model (pure). A buy walks the asks best-first up to its limit, a sell
 * walks the bids down to its limit; the fill price is the VWAP of the consumed levels,
 * worsened by `slippageBps`; the taker fee follows the market's schedule (fees.ts).
 * Against a one-level book this is exactly the seed's top-of-book rule.
 */
import type { FeeSchedule, Side } from '../core/events.ts';
import { keyPx, pxKey, type BookLadder } from '../core/book.ts';
import { takerFee } from './fees.ts';

export interface WalkResult {
  qty: number;
  vwap: number;
  levels: number;
}

/** Walks `ladder` (best first) for up to `qty` shares no worse than `limitPx`. */
export function walkLadder(ladder: BookLadder, qty: number, limitPx: number, side: Side): WalkResult {
  const limitKey = pxKey(limitPx);
  let remaining = qty;
  let cost = 0;
  let levels = 0;
  for (let i = 0; i < ladder.keys.length && remaining > 1e-12; i++) {
    const key = ladder.keys[i]!;
    if (side === 'buy' ? key > limitKey : key < limitKey) break;
    const take = Math.min(remaining, ladder.sizes[i]!);
    // Summing in integer price keys keeps one-level VWAPs exact (0.11, not 0.11000000000000001).
    cost += take * key;
    remaining -= take;
    levels += 1;
  }
  const filled = qty - remaining;
  return { qty: filled, vwap: filled > 0 ? keyPx(cost / filled) : 0, levels };
}

export interface BookFill {
  qty: number;
  fill_px: number;
  fee: number;
  levels: number;
}

export function fillAgainstLadder(
  ladder: BookLadder,
  side: Side,
  qty: number,
  limitPx: number,
  slippageBps: number,
  fee: FeeSchedule,
): BookFill | null {
  const walk = walkLadder(ladder, qty, limitPx, side);
  if (walk.qty <= 0) return null;
  const sign = side === 'buy' ? 1 : -1;
  const fillPx = walk.vwap * (1 + (sign * slippageBps) / 10_000);
  return { qty: walk.qty, fill_px: fillPx, fee: takerFee(walk.qty, walk.vwap, fee), levels: walk.levels };
}
