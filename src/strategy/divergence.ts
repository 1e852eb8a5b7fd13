/**
 * The seed's divergence rule applied to a contract: reference = fair value of the token,
 * market = its ask (to buy) or bid (to sell what we hold): `divergence = (fair − px) / px`.
 * Buys when flat in the token and the ask is more than `threshold` below fair (relative);
 * sells the whole holding when the bid is more than `threshold` above fair. Sells only
 * tokens held — never a naked short; a bearish view on Up is a buy of Down.
 *
 * Fee-aware: a gap that does not pay for crossing is no signal. A trade also needs the
 * absolute gap (fair − ask to buy, bid − fair to sell) to exceed the taker fee per share at
 * the size it would trade (the exchange truncates the order's fee, so the per-share fee
 * depends on size) plus half the spread (what getting back out costs from the mid). A book
 * without both sides has no spread to measure: no trade.
 */
import { liveSignal } from './signal.ts';
import { feePerShare } from './fairValue.ts';
import type { Decision, MarketView, Strategy, TokenView } from './types.ts';

export class DivergenceStrategy implements Strategy {
  readonly name = 'divergence';

  constructor(
    readonly threshold: number,
    readonly qtyShares: number,
  ) {}

  evaluate(view: MarketView): Decision[] {
    const out: Decision[] = [];
    for (const t of view.tokens) {
      // A holding below the venue's minimum order size cannot be sold: it rides to settlement.
      if (t.held_qty > 0) {
        if (t.held_qty < view.market.min_size || t.best_bid === null || !(t.fair > 0)) continue;
        const s = liveSignal(t.fair, t.best_bid, this.threshold);
        const c = s.action === 'sell' ? crossing(view, t, t.best_bid, t.held_qty) : null;
        if (c && t.best_bid - t.fair > c.fee_per_share + c.half_spread) {
          out.push({
            token_id: t.token_id,
            outcome: t.outcome,
            side: 'sell',
            qty: t.held_qty,
            limit_px: t.best_bid,
            reason: 'bid_above_fair',
            numbers: {
              fair: t.fair,
              bid: t.best_bid,
              divergence: s.divergence,
              threshold: this.threshold,
              ...c,
              held_qty: t.held_qty,
              spot: view.spot,
              time_left_ms: view.time_left_ms,
            },
          });
        }
      } else if (t.held_qty === 0 && t.best_ask !== null && t.fair > 0) {
        const s = liveSignal(t.fair, t.best_ask, this.threshold);
        const c = s.action === 'buy' ? crossing(view, t, t.best_ask, this.qtyShares) : null;
        if (c && t.fair - t.best_ask > c.fee_per_share + c.half_spread) {
          out.push({
            token_id: t.token_id,
            outcome: t.outcome,
            side: 'buy',
            qty: this.qtyShares,
            limit_px: t.best_ask,
            reason: 'ask_below_fair',
            numbers: {
              fair: t.fair,
              ask: t.best_ask,
              divergence: s.divergence,
              threshold: this.threshold,
              ...c,
              spot: view.spot,
              time_left_ms: view.time_left_ms,
            },
          });
        }
      }
    }
    return out;
  }
}

/** What crossing at `px` for `qty` shares costs per share: the fee at that size and half the spread; null without a two-sided book. */
function crossing(view: MarketView, t: TokenView, px: number, qty: number): { fee_per_share: number; half_spread: number } | null {
  if (t.best_bid === null || t.best_ask === null) return null;
  return { fee_per_share: feePerShare(qty, px, view.market.fee), half_spread: (t.best_ask - t.best_bid) / 2 };
}
