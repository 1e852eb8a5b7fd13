/**
 * Paper portfolio: cash, positions per token with average cost, realized PnL and fees.
 * Unrealized PnL is marked at the best bid (what the position could be sold for), not mid.
 * Positions can never go negative: selling more than held is refused.
 * Accounting identity kept by every fill and settlement (tested as a property):
 * cash + Σ qty × avg_cost = starting cash + realized (realized already net of fees).
 */
import type { Outcome, Side } from '../core/events.ts';

export interface Holding {
  market_id: string;
  token_id: string;
  outcome: Outcome;
  qty: number;
  avg_cost: number;
}

export interface SettledLot {
  token_id: string;
  qty: number;
  avg_cost: number;
}

export interface SettlementResult {
  payout: number;
  realized_pnl: number;
  /** What was held when the market settled, so a later official result can correct it. */
  lots: SettledLot[];
}

export interface EquityPoint {
  ts_unix_ms: number;
  equity: number;
}

/** Points kept in the equity curve; past this the curve is thinned to every other point. */
export const EQUITY_CURVE_MAX_POINTS = 10_000;

export class Portfolio {
  cash: number;
  realized = 0;
  fees = 0;
  /** Maker rebates credited (cash and realized PnL), apart from the fees paid. */
  rebates = 0;
  readonly holdings = new Map<string, Holding>();
  readonly equityCurve: EquityPoint[] = [];

  constructor(readonly startingCash: number) {
    this.cash = startingCash;
  }

  held(tokenId: string): number {
    return this.holdings.get(tokenId)?.qty ?? 0;
  }

  /** Cost basis of all holdings in one market. */
  marketExposure(marketId: string): number {
    let total = 0;
    for (const h of this.holdings.values()) if (h.market_id === marketId) total += h.qty * h.avg_cost;
    return total;
  }

  /** A maker rebate earned on a fill: cash now, and realized PnL (it is income whatever the outcome). */
  rebate(amount: number): void {
    this.cash += amount;
    this.realized += amount;
    this.rebates += amount;
  }

  apply(h: Omit<Holding, 'qty' | 'avg_cost'>, side: Side, qty: number, px: number, fee: number): Holding {
    // Objects are built field by field (no spreads): this runs once per paper fill.
    let cur = this.holdings.get(h.token_id);
    if (!cur) cur = { market_id: h.market_id, token_id: h.token_id, outcome: h.outcome, qty: 0, avg_cost: 0 };
    if (side === 'buy') {
      const newQty = cur.qty + qty;
      cur.avg_cost = (cur.qty * cur.avg_cost + qty * px) / newQty;
      cur.qty = newQty;
      this.cash -= qty * px + fee;
    } else {
      if (qty > cur.qty + 1e-9) throw new RangeError(`cannot sell ${qty} of ${h.token_id}: only ${cur.qty} held`);
      this.realized += qty * (px - cur.avg_cost);
      cur.qty = Math.max(0, cur.qty - qty);
      this.cash += qty * px - fee;
    }
    this.realized -= fee;
    this.fees += fee;
    const flat = cur.qty <= 1e-12;
    if (flat) this.holdings.delete(h.token_id);
    else this.holdings.set(h.token_id, cur);
    return { market_id: cur.market_id, token_id: cur.token_id, outcome: cur.outcome, qty: flat ? 0 : cur.qty, avg_cost: cur.avg_cost };
  }

  /**
   * Pays 1.00 per winning share and 0 per losing share of `marketId`; on a 50-50 result
   * (`split`) every share of either token pays SPLIT_PAYOUT_PER_SHARE.
   */
  settle(marketId: string, winningTokenId: string, split = false): SettlementResult {
    const lots: SettledLot[] = [];
    for (const [tokenId, h] of this.holdings) {
      if (h.market_id !== marketId) continue;
      lots.push({ token_id: tokenId, qty: h.qty, avg_cost: h.avg_cost });
      this.holdings.delete(tokenId);
    }
    const res = settleLots(lots, winningTokenId, split);
    this.cash += res.payout;
    this.realized += res.realized_pnl;
    return { ...res, lots };
  }

  /**
   * Re-settles lots already paid out for `previousWinner` as if `newWinner` had won (the
   * official result overriding our own reading). Returns the corrected totals.
   */
  correctSettlement(
    lots: readonly SettledLot[],
    previousWinner: string,
    newWinner: string,
    previousSplit = false,
    newSplit = false,
  ): SettlementResult {
    const before = settleLots(lots, previousWinner, previousSplit);
    const after = settleLots(lots, newWinner, newSplit);
    this.cash += after.payout - before.payout;
    this.realized += after.realized_pnl - before.realized_pnl;
    return { ...after, lots: [...lots] };
  }

  /** Unrealized PnL marking each holding at `bidOf(token)` (0 when there is no bid). */
  unrealized(bidOf: (tokenId: string) => number | null): number {
    let total = 0;
    for (const h of this.holdings.values()) total += h.qty * ((bidOf(h.token_id) ?? 0) - h.avg_cost);
    return total;
  }

  /** Holdings marked at the best bid: what they could be sold for now. */
  positionValue(bidOf: (tokenId: string) => number | null): number {
    let value = 0;
    for (const h of this.holdings.values()) value += h.qty * (bidOf(h.token_id) ?? 0);
    return value;
  }

  equity(bidOf: (tokenId: string) => number | null): number {
    return this.cash + this.positionValue(bidOf);
  }

  /** Appends an equity-curve point; the curve stays bounded by thinning, not by forgetting the start. */
  recordEquity(tsMs: number, equity: number): void {
    const curve = this.equityCurve;
    if (curve.length > 0 && curve[curve.length - 1]!.ts_unix_ms === tsMs) curve[curve.length - 1]!.equity = equity;
    else curve.push({ ts_unix_ms: tsMs, equity });
    if (curve.length > EQUITY_CURVE_MAX_POINTS) {
      const last = curve[curve.length - 1]!;
      let kept = 0;
      for (let i = 0; i < curve.length; i += 2) curve[kept++] = curve[i]!;
      if (curve[kept - 1] !== last) curve[kept++] = last;
      curve.length = kept;
    }
  }
}

/**
 * What one share of either token pays on a 50-50 result ("this market will resolve 50-50":
 * Polymarket's daily up/down rules, polymarket.com/event/bitcoin-up-or-down-on-may-17, read 2026-12-06).
 */
export const SPLIT_PAYOUT_PER_SHARE = 0.5;

function settleLots(lots: readonly SettledLot[], winningTokenId: string, split: boolean): { payout: number; realized_pnl: number } {
  let payout = 0;
  let pnl = 0;
  for (const l of lots) {
    const value = split ? l.qty * SPLIT_PAYOUT_PER_SHARE : l.token_id === winningTokenId ? l.qty : 0;
    payout += value;
    pnl += value - l.qty * l.avg_cost;
  }
  return { payout, realized_pnl: pnl };
}
