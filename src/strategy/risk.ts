/**
 * Risk gates. Every rejection is a value with a stable machine-readable `reason` and the
 * numbers behind it, turned into a `risk_reject` event by the engine.
 */

export type RiskReason = 'market_exposure_cap' | 'invalid_order';

export type RiskDecision =
  | { ok: true }
  | { ok: false; reason: RiskReason; numbers: Record<string, number> };

export class RiskState {
  constructor(
    readonly equity: number,
    readonly maxMarketFraction: number,
  ) {
    if (!(equity > 0) || !(maxMarketFraction >= 0 && maxMarketFraction <= 1)) {
      throw new RangeError('RiskState needs equity > 0 and 0 ≤ maxMarketFraction ≤ 1');
    }
  }

  /** Per-market exposure cap: current + incoming notional must stay ≤ fraction × equity. */
  checkMarketExposure(_marketId: string, current: number, incoming: number): RiskDecision {
    if (!Number.isFinite(current) || !Number.isFinite(incoming) || current < 0 || incoming <= 0) {
      return { ok: false, reason: 'invalid_order', numbers: { current, incoming } };
    }
    const limit = this.equity * this.maxMarketFraction;
    if (current + incoming > limit + 1e-9) {
      return { ok: false, reason: 'market_exposure_cap', numbers: { current, incoming, limit } };
    }
    return { ok: true };
  }
}
