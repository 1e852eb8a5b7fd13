/**
 * Fair-value strategy: trade the token whose price is furthest below the model.
 *
 * - Entry: buy `qtyShares` of a token when `fair − ask − fee_per_share(ask) > edgeMin`,
 *   i.e. the expected payoff beats the all-in cost by more than the edge threshold. Adds
 *   to a position while the edge lasts; the risk gates (exposure caps, cooldown) bound it.
 * - Exit: sell everything held of a token when `fair − (bid − fee_per_share(bid)) ≤ exitEdge`:
 *   the market now pays at least what the model says holding is worth (the edge is gone)
 *   or more (reversed). Otherwise hold to settlement (also when the holding is below the
 *   market's minimum order size, which could not be sold).
 * - Never a naked short: a sell is only ever for tokens held. A bearish view on Up shows
 *   up as an edge on Down, which this strategy buys.
 *
 * Fees follow the market's schedule (core/fees.ts), per share at the touch price.
 */
import { takerFee } from '../core/fees.ts';
import type { FeeSchedule } from '../core/events.ts';
import type { Decision, MarketView, Strategy, TokenView } from './types.ts';

/** Taker fee per share when trading `qtyShares` at `px` (the exchange rounds the total). */
export function feePerShare(qtyShares: number, px: number, fee: FeeSchedule): number {
  return qtyShares > 0 ? takerFee(qtyShares, px, fee) / qtyShares : 0;
}

export class FairValueStrategy implements Strategy {
  readonly name = 'fair-value';

  constructor(
    readonly edgeMin: number,
    readonly qtyShares: number,
    readonly exitEdge = 0,
  ) {
    if (!(edgeMin >= 0) || !(qtyShares > 0) || !Number.isFinite(exitEdge)) {
      throw new RangeError('FairValueStrategy needs edgeMin ≥ 0, qtyShares > 0 and a finite exitEdge');
    }
  }

  evaluate(view: MarketView): Decision[] {
    const out: Decision[] = [];
    for (const t of view.tokens) {
      const exit = t.held_qty > 0 ? this.exit(view, t) : null;
      if (exit) out.push(exit);
      else {
        const entry = this.entry(view, t);
        if (entry) out.push(entry);
      }
    }
    return out;
  }

  private entry(view: MarketView, t: TokenView): Decision | null {
    if (t.best_ask === null) return null;
    const fee = feePerShare(this.qtyShares, t.best_ask, view.market.fee);
    const edge = t.fair - t.best_ask - fee;
    if (!(edge > this.edgeMin)) return null;
    return {
      token_id: t.token_id,
      outcome: t.outcome,
      side: 'buy',
      qty: this.qtyShares,
      limit_px: t.best_ask,
      reason: 'edge_above_min',
      numbers: {
        fair: t.fair,
        ask: t.best_ask,
        fee_per_share: fee,
        edge,
        edge_min: this.edgeMin,
        spot: view.spot,
        price_to_beat: view.market.price_to_beat ?? 0,
        time_left_ms: view.time_left_ms,
        vol_annual: view.vol_annual,
      },
    };
  }

  private exit(view: MarketView, t: TokenView): Decision | null {
    // Below the venue's minimum order size a remainder cannot be sold: it rides to settlement.
    if (t.best_bid === null || t.held_qty < view.market.min_size) return null;
    const fee = feePerShare(t.held_qty, t.best_bid, view.market.fee);
    const holdEdge = t.fair - (t.best_bid - fee);
    if (holdEdge > this.exitEdge) return null;
    return {
      token_id: t.token_id,
      outcome: t.outcome,
      side: 'sell',
      qty: t.held_qty,
      limit_px: t.best_bid,
      reason: holdEdge < 0 ? 'edge_reversed' : 'edge_gone',
      numbers: {
        fair: t.fair,
        bid: t.best_bid,
        fee_per_share: fee,
        hold_edge: holdEdge,
        exit_edge: this.exitEdge,
        held_qty: t.held_qty,
        spot: view.spot,
        time_left_ms: view.time_left_ms,
        vol_annual: view.vol_annual,
      },
    };
  }
}
