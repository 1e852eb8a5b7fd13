/**
 * The fill-model range (pure). Every paper trade is re-priced under three models, so PnL
 * is a range rather than one number:
 *
 * - `optimistic`: top of book at the decision, no latency, no slippage — bracketed by the
 *   default's own price (if the book improved during the latency, optimism takes that too);
 * - `default`: what the paper execution actually did (book walk after the latency);
 * - `pessimistic`: the book at twice the latency with half of each level's size and every
 *   price one tick worse, plus the slippage; the order may pay that one extra tick past its
 *   limit, and shares that book cannot supply are charged at limit + one tick — bracketed
 *   by the default's price the other way. (Capping at the limit would collapse the model
 *   onto the default whenever a strategy bids exactly the touch, as most do.)
 *
 * All three price the quantity the paper execution filled: the range says how much the PnL
 * depends on the price assumption, and it never invents or drops a trade. With the same
 * quantity a better price is a better PnL for any outcome (the fee difference is at most
 * rate × |Δp| per share, rate < 1), so optimistic ≥ default ≥ pessimistic always holds.
 */
import type { FeeSchedule, Level, Side } from '../core/events.ts';
import type { PaperFill } from '../core/outputs.ts';

export const FILL_MODELS = ['optimistic', 'default', 'pessimistic'] as const;
export type FillModel = (typeof FILL_MODELS)[number];

export interface ModelPrices {
  optimistic: number;
  default: number;
  pessimistic: number;
}

/** Better for us: lower for a buy, higher for a sell. */
const better = (side: Side, a: number, b: number) => (side === 'buy' ? Math.min(a, b) : Math.max(a, b));
const worse = (side: Side, a: number, b: number) => (side === 'buy' ? Math.max(a, b) : Math.min(a, b));

/** The optimistic price: the touch at the decision, or the default's if that was better. */
export function optimisticPx(side: Side, touchPx: number | null, defaultPx: number): number {
  return touchPx === null ? defaultPx : better(side, touchPx, defaultPx);
}

export interface PessimisticInput {
  side: Side;
  qty: number;
  limitPx: number;
  /** The taking side of the book (asks for a buy, bids for a sell), best first, at twice the latency. */
  levels: readonly Level[] | null;
  tickSize: number;
  slippageBps: number;
  defaultPx: number;
}

/** The pessimistic price: half depth, one tick worse, slippage, remainder one tick past the limit. */
export function pessimisticPx(p: PessimisticInput): number {
  const sign = p.side === 'buy' ? 1 : -1;
  // The worst price the model pays: one tick past the limit, inside (0, 1).
  const cap = Math.min(1, Math.max(0, p.limitPx + sign * p.tickSize));
  let remaining = p.qty;
  let cost = 0;
  for (const [px, size] of p.levels ?? []) {
    if (remaining <= 1e-9) break;
    const shifted = px + sign * p.tickSize;
    if (sign * (shifted - cap) > 1e-12) break;
    const take = Math.min(remaining, size / 2);
    cost += take * shifted;
    remaining -= take;
  }
  cost += Math.max(0, remaining) * cap;
  const vwap = cost / p.qty;
  const slipped = vwap * (1 + (sign * p.slippageBps) / 10_000);
  return worse(p.side, better(p.side, slipped, cap), p.defaultPx);
}

/**
 * What a trade adds to PnL once the market settles (payout 1 or 0 per share), against
 * holding nothing: a buy earns payout − price, a sell price − payout, less the fee.
 * Summed over a market's trades this is that market's realized PnL.
 */
export function contribution(side: Side, qty: number, px: number, fee: number, payout: number): number {
  return (side === 'buy' ? qty * (payout - px) : qty * (px - payout)) - fee;
}

/**
 * The fee a model would pay: the fee actually paid, moved by the schedule's difference
 * between the model's price and the default's (unrounded, so the range stays ordered).
 */
export function modelFee(actualFee: number, qty: number, modelPx: number, defaultPx: number, fee: FeeSchedule, taker: boolean): number {
  if (!taker || fee.rate === 0) return actualFee;
  const g = (p: number) => (p * (1 - p)) ** fee.exponent;
  return Math.max(0, actualFee + qty * fee.rate * (g(modelPx) - g(defaultPx)));
}

export interface PricedTrade {
  side: Side;
  qty: number;
  fee: number;
  taker: boolean;
  px: ModelPrices;
}

/** A trade's settled contribution under each model. */
export function contributions(t: PricedTrade, schedule: FeeSchedule, payout: number): ModelPrices {
  const one = (m: FillModel) =>
    contribution(t.side, t.qty, t.px[m], modelFee(t.fee, t.qty, t.px[m], t.px.default, schedule, t.taker), payout);
  return { optimistic: one('optimistic'), default: one('default'), pessimistic: one('pessimistic') };
}

/** What the models need from the decision behind a fill (null when it is not known). */
export interface DecisionBook {
  /** The touch on the taking side at the decision. */
  touchPx: number | null;
  limitPx: number | null;
  /** The taking side, best first, at twice the latency. */
  lateLevels: readonly Level[] | null;
}

/** A paper fill priced under the three models. */
export function priceTrade(f: PaperFill, d: DecisionBook, tickSize: number, slippageBps: number): PricedTrade {
  const def = f.fill_px;
  return {
    side: f.side,
    qty: f.qty,
    fee: f.fee,
    taker: f.liquidity === 'taker',
    px: {
      optimistic: optimisticPx(f.side, d.touchPx, def),
      default: def,
      pessimistic: pessimisticPx({
        side: f.side,
        qty: f.qty,
        limitPx: d.limitPx ?? def,
        levels: d.lateLevels,
        tickSize,
        slippageBps,
        defaultPx: def,
      }),
    },
  };
}
