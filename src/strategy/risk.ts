/**
 * Risk gates. Every order a strategy wants passes these gates, in the fixed order of
 * `GATE_ORDER`, before it becomes a paper intent; the first gate that fails rejects it
 * with a stable machine-readable `reason` and the numbers behind it, which the engine
 * turns into a `risk_reject` event. docs/methodology.md describes each gate.
 *
 * "New risk" is a buy. Sells only ever reduce a position, so the halts (kill switch, window
 * end), the order-size caps (a sell is bounded by a holding the caps already bounded) and
 * the exposure limits do not block them; data quality and cooldown apply to both.
 *
 * The market's and the account's rules for an order (validity, tick grid, naked shorts,
 * minimum size) are not risk limits: they live in core/orderRules.ts and are applied by
 * the paper execution after these gates.
 */
import type { Side } from '../core/events.ts';

export type RiskReason =
  /** Only from the seed's `checkMarketExposure` (non-finite or negative amounts). */
  | 'invalid_order'
  | 'daily_loss_limit'
  | 'stale_reference'
  | 'too_few_venues'
  | 'stale_book'
  | 'spread_too_wide'
  | 'too_close_to_end'
  | 'cooldown'
  | 'max_order_qty'
  | 'max_order_notional'
  | 'max_open_markets'
  | 'market_exposure_cap'
  | 'total_exposure_cap'
  /** New risk stopped for the rest of the run: the journal failed a write (src/app/session.ts). */
  | 'journal_unavailable';

export type RiskNumbers = Record<string, number | null>;

export type RiskDecision = { ok: true } | { ok: false; reason: RiskReason; numbers: RiskNumbers };

export interface RiskLimits {
  /** Per-market cost basis (held + pending buys + this order) ≤ fraction × equity. */
  maxMarketFraction: number;
  /** Same, summed over all markets. */
  maxTotalFraction: number;
  maxOrderQtyShares: number;
  maxOrderNotionalUsd: number;
  /** Applied with the order rules (core/orderRules.ts): the market's `min_size` applies too, the larger wins. */
  minOrderQtyShares: number;
  /** Markets with a position or a pending buy, counting the order's own market. */
  maxOpenMarkets: number;
  /** Loss from the UTC day's starting equity that halts new risk until the next UTC day. */
  dailyLossLimitUsd: number;
  maxMedianAgeMs: number;
  minVenues: number;
  maxBookAgeMs: number;
  /** Widest acceptable best ask − best bid of the token, in price (probability) units. */
  maxSpread: number;
  noNewRiskBeforeEndMs: number;
  /**
   * Minimum time between two accepted orders on the same market in the same direction (buy
   * or sell): an entry never holds up an exit.
   */
  cooldownMs: number;
}

/**
 * Limits that never bind: the seed's behaviour. A
 * limit of Infinity turns its gate off; missing data (no median, no book, a one-sided
 * book) counts as infinitely old / wide, so it is refused by any finite limit.
 */
export const PERMISSIVE_LIMITS: Readonly<RiskLimits> = Object.freeze({
  maxMarketFraction: 1,
  maxTotalFraction: Infinity,
  maxOrderQtyShares: Infinity,
  maxOrderNotionalUsd: Infinity,
  minOrderQtyShares: 0,
  maxOpenMarkets: Infinity,
  dailyLossLimitUsd: Infinity,
  maxMedianAgeMs: Infinity,
  minVenues: 0,
  maxBookAgeMs: Infinity,
  maxSpread: Infinity,
  noNewRiskBeforeEndMs: 0,
  cooldownMs: 0,
});

export interface OrderRequest {
  market_id: string;
  side: Side;
  qty: number;
  limit_px: number;
}

/** What the engine knows at decision time; everything is input-time based. */
export interface RiskContext {
  ts_unix_ms: number;
  /** Current paper equity (cash + holdings marked at best bid). */
  equity_usd: number;
  /** Cost basis held in this market plus notional of its pending buys. */
  market_exposure_usd: number;
  total_exposure_usd: number;
  /** Markets with a position or a pending buy. */
  open_market_ids: ReadonlySet<string>;
  /** Age of the last median the engine computed, null if it never had one. */
  median_age_ms: number | null;
  median_venues: number;
  /** Input time since the token's book last changed, null when there is no book. */
  book_age_ms: number | null;
  best_bid: number | null;
  best_ask: number | null;
  time_left_ms: number;
  /** A resting quote (a maker strategy's GTC order replacing its last one): the cooldown does not apply. */
  quote?: boolean;
}

type Gate = (o: OrderRequest, c: RiskContext, l: RiskLimits, s: RiskState) => RiskDecision;

const OK: RiskDecision = { ok: true };
const no = (reason: RiskReason, numbers: RiskNumbers): RiskDecision => ({ ok: false, reason, numbers });
const isBuy = (o: OrderRequest) => o.side === 'buy';

export const MS_PER_DAY = 86_400_000;
/** Start of the UTC day containing `tsMs` (pure date math: Unix time has no leap seconds). */
export const utcDayStartMs = (tsMs: number): number => Math.floor(tsMs / MS_PER_DAY) * MS_PER_DAY;

/** The gates, in the order they run: halts, data quality, timing, size, limits. */
export const GATES: ReadonlyArray<readonly [RiskReason, Gate]> = [
  [
    'daily_loss_limit',
    (o, c, l, s) => {
      const day = s.dayState(c.ts_unix_ms, c.equity_usd);
      return isBuy(o) && day.haltedAtMs !== null
        ? no('daily_loss_limit', {
            day_start_ms: day.dayStartMs,
            day_start_equity: day.startEquityUsd,
            equity: c.equity_usd,
            day_pnl: c.equity_usd - day.startEquityUsd,
            limit: l.dailyLossLimitUsd,
            halted_at_ms: day.haltedAtMs,
          })
        : OK;
    },
  ],
  [
    'stale_reference',
    (_o, c, l) =>
      (c.median_age_ms ?? Infinity) > l.maxMedianAgeMs
        ? no('stale_reference', { median_age_ms: c.median_age_ms, max_median_age_ms: l.maxMedianAgeMs })
        : OK,
  ],
  [
    'too_few_venues',
    (_o, c, l) => (c.median_venues < l.minVenues ? no('too_few_venues', { venues: c.median_venues, min_venues: l.minVenues }) : OK),
  ],
  [
    'stale_book',
    (_o, c, l) =>
      (c.book_age_ms ?? Infinity) > l.maxBookAgeMs ? no('stale_book', { book_age_ms: c.book_age_ms, max_book_age_ms: l.maxBookAgeMs }) : OK,
  ],
  [
    'spread_too_wide',
    (_o, c, l) => {
      // A one-sided book has no spread to speak of: treated as infinitely wide (null).
      const spread = c.best_bid !== null && c.best_ask !== null ? c.best_ask - c.best_bid : null;
      return (spread ?? Infinity) > l.maxSpread + 1e-9
        ? no('spread_too_wide', { spread, bid: c.best_bid, ask: c.best_ask, max_spread: l.maxSpread })
        : OK;
    },
  ],
  [
    'too_close_to_end',
    (o, c, l) =>
      isBuy(o) && c.time_left_ms < l.noNewRiskBeforeEndMs
        ? no('too_close_to_end', { time_left_ms: c.time_left_ms, no_new_risk_before_end_ms: l.noNewRiskBeforeEndMs })
        : OK,
  ],
  [
    'cooldown',
    (o, c, l, s) => {
      const last = c.quote ? null : s.lastOrderMs(o.market_id, o.side);
      return last !== null && c.ts_unix_ms - last < l.cooldownMs
        ? no('cooldown', { since_last_order_ms: c.ts_unix_ms - last, cooldown_ms: l.cooldownMs })
        : OK;
    },
  ],
  [
    'max_order_qty',
    (o, _c, l) => (isBuy(o) && o.qty > l.maxOrderQtyShares + 1e-9 ? no('max_order_qty', { qty: o.qty, max_qty: l.maxOrderQtyShares }) : OK),
  ],
  [
    'max_order_notional',
    (o, _c, l) => {
      const notional = o.qty * o.limit_px;
      return isBuy(o) && notional > l.maxOrderNotionalUsd + 1e-9
        ? no('max_order_notional', { notional, qty: o.qty, limit_px: o.limit_px, max_notional: l.maxOrderNotionalUsd })
        : OK;
    },
  ],
  [
    'max_open_markets',
    (o, c, l) => {
      if (!isBuy(o) || c.open_market_ids.has(o.market_id)) return OK;
      return c.open_market_ids.size + 1 > l.maxOpenMarkets
        ? no('max_open_markets', { open_markets: c.open_market_ids.size, max_open_markets: l.maxOpenMarkets })
        : OK;
    },
  ],
  [
    'market_exposure_cap',
    (o, c, l) =>
      isBuy(o) ? exposureCheck('market_exposure_cap', c.market_exposure_usd, o.qty * o.limit_px, c.equity_usd * l.maxMarketFraction) : OK,
  ],
  [
    'total_exposure_cap',
    (o, c, l) =>
      isBuy(o)
        ? exposureCheck('total_exposure_cap', c.total_exposure_usd, o.qty * o.limit_px, Math.max(0, c.equity_usd) * l.maxTotalFraction)
        : OK,
  ],
];

/** The documented order of the gates, for docs and tests. */
export const GATE_ORDER: readonly RiskReason[] = GATES.map(([r]) => r);

function exposureCheck(reason: RiskReason, current: number, incoming: number, limit: number): RiskDecision {
  return current + incoming > limit + 1e-9 ? no(reason, { current, incoming, limit }) : OK;
}

interface DayState {
  dayStartMs: number;
  startEquityUsd: number;
  haltedAtMs: number | null;
}

export class RiskState {
  readonly limits: Readonly<RiskLimits>;
  private readonly lastOrder = new Map<string, number>();
  private day: DayState | null = null;
  private newRiskHaltedAtMs: number | null = null;

  constructor(
    readonly equity: number,
    readonly maxMarketFraction: number,
    limits: Partial<RiskLimits> = {},
  ) {
    if (!(equity > 0) || !(maxMarketFraction >= 0 && maxMarketFraction <= 1)) {
      throw new RangeError('RiskState needs equity > 0 and 0 ≤ maxMarketFraction ≤ 1');
    }
    this.limits = Object.freeze({ ...PERMISSIVE_LIMITS, maxMarketFraction, ...limits });
  }

  /** Per-market exposure cap (the seed rule): current + incoming ≤ fraction × starting equity. */
  checkMarketExposure(_marketId: string, current: number, incoming: number): RiskDecision {
    if (!Number.isFinite(current) || !Number.isFinite(incoming) || current < 0 || incoming <= 0) {
      return no('invalid_order', { current, incoming });
    }
    return exposureCheck('market_exposure_cap', current, incoming, this.equity * this.maxMarketFraction);
  }

  /**
   * Stops new risk for the rest of the run: the journal can no longer record what the lab
   * does, so it must not take on positions it could not account for after a restart. Not a
   * gate of GATE_ORDER: it comes from the edge (a `journal` source going down), not the market.
   */
  haltNewRisk(tsMs: number): void {
    this.newRiskHaltedAtMs ??= tsMs;
  }

  /** Runs every gate in order; the first failure decides. Does not record the order. */
  check(order: OrderRequest, ctx: RiskContext): RiskDecision {
    if (isBuy(order) && this.newRiskHaltedAtMs !== null) return no('journal_unavailable', { halted_at_ms: this.newRiskHaltedAtMs });
    for (const [, gate] of GATES) {
      const d = gate(order, ctx, this.limits, this);
      if (!d.ok) return d;
    }
    return OK;
  }

  /** Records an order that passed (and became an intent), for the cooldown of its market and direction. */
  recordAccepted(marketId: string, side: Side, tsMs: number): void {
    this.lastOrder.set(`${side}:${marketId}`, tsMs);
  }

  lastOrderMs(marketId: string, side: Side): number | null {
    return this.lastOrder.get(`${side}:${marketId}`) ?? null;
  }

  /**
   * Tracks the UTC day's starting equity and trips the kill switch when equity falls
   * `dailyLossLimitUsd` or more below it. Once tripped it stays tripped for the rest of
   * that UTC day, whatever equity does; the next day starts afresh from that day's first
   * observed equity. Call on every clock tick so the day's start is the day's first
   * observation, not its first order.
   */
  dayState(tsMs: number, equityUsd: number): Readonly<DayState> {
    const dayStartMs = utcDayStartMs(tsMs);
    if (this.day === null || dayStartMs > this.day.dayStartMs) this.day = { dayStartMs, startEquityUsd: equityUsd, haltedAtMs: null };
    const d = this.day;
    if (d.haltedAtMs === null && d.startEquityUsd - equityUsd >= this.limits.dailyLossLimitUsd) d.haltedAtMs = tsMs;
    return d;
  }

  /** Takes over the day of a run that died (crash recovery): same start equity, same halt. */
  restoreDay(d: { day_start_ms: number; start_equity_usd: number; halted_at_ms: number | null }): void {
    this.day = { dayStartMs: d.day_start_ms, startEquityUsd: d.start_equity_usd, haltedAtMs: d.halted_at_ms };
  }

  /** True while the kill switch holds (as of the last `dayState` observation). */
  halted(): boolean {
    return this.day?.haltedAtMs != null;
  }
}
