/**
 * The seed's divergence rule applied to a contract: reference = fair value of the token,
 * market = its ask (to buy) or bid (to sell what we hold): `divergence = (fair − px) / px`.
 * Buys when flat in the token and the ask is more than `threshold` below fair (relative);
 * sells the whole holding when the bid is more than `threshold` above fair. Sells only
 * tokens held — never a naked short; a bearish view on Up is a buy of Down.
 */
import { liveSignal } from './signal.ts';
import type { Decision, MarketView, Strategy } from './types.ts';

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
        if (s.action === 'sell') {
          out.push({ token_id: t.token_id, outcome: t.outcome, side: 'sell', qty: t.held_qty, limit_px: t.best_bid, reason: 'bid_above_fair', numbers: { fair: t.fair, bid: t.best_bid, divergence: s.divergence, threshold: this.threshold, held_qty: t.held_qty, spot: view.spot, time_left_ms: view.time_left_ms } });
        }
      } else if (t.held_qty === 0 && t.best_ask !== null && t.fair > 0) {
        const s = liveSignal(t.fair, t.best_ask, this.threshold);
        if (s.action === 'buy') {
          out.push({ token_id: t.token_id, outcome: t.outcome, side: 'buy', qty: this.qtyShares, limit_px: t.best_ask, reason: 'ask_below_fair', numbers: { fair: t.fair, ask: t.best_ask, divergence: s.divergence, threshold: this.threshold, spot: view.spot, time_left_ms: view.time_left_ms } });
        }
      }
    }
    return out;
  }
}
