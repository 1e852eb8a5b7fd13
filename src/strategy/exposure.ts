/**
 * Exposure as the risk gates see it: cost basis held plus the notional of buys still
 * waiting for their latency (they may all fill), per market and in total; the markets
 * "open" (a position or a pending buy). What a token may still sell is
 * core/orderRules.ts's `sellableQty`.
 */
import type { Side } from '../core/events.ts';

export interface HeldLot {
  market_id: string;
  token_id: string;
  qty: number;
  avg_cost: number;
}

export interface PendingOrder {
  market_id: string;
  token_id: string;
  side: Side;
  qty: number;
  limit_px: number;
}

export interface ExposureView {
  market_exposure_usd: number;
  total_exposure_usd: number;
  open_market_ids: Set<string>;
}

export function exposureFor(holdings: Iterable<HeldLot>, pending: Iterable<PendingOrder>, marketId: string): ExposureView {
  const open = new Set<string>();
  let total = 0;
  let inMarket = 0;
  for (const h of holdings) {
    open.add(h.market_id);
    total += h.qty * h.avg_cost;
    if (h.market_id === marketId) inMarket += h.qty * h.avg_cost;
  }
  for (const p of pending) {
    if (p.side === 'sell') continue;
    open.add(p.market_id);
    total += p.qty * p.limit_px;
    if (p.market_id === marketId) inMarket += p.qty * p.limit_px;
  }
  return { market_exposure_usd: inMarket, total_exposure_usd: total, open_market_ids: open };
}
