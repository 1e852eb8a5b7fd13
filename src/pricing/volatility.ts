/**
 * Time-weighted EWMA volatility of the reference's log returns. Each return r over Δt ms
 * contributes a variance rate r²/Δt with weight α = 1 − 2^(−Δt / halfLife), so irregular
 * sampling is handled. Reported annualized and never below the configured floor.
 */
import { MS_PER_YEAR } from './fairValue.ts';

export class EwmaVolatility {
  private lastPx: number | null = null;
  private lastTs = 0;
  private varPerMs: number | null = null;

  constructor(
    readonly halfLifeMs: number,
    readonly floorAnnual: number,
  ) {
    if (!(halfLifeMs > 0) || !(floorAnnual >= 0)) throw new RangeError('EwmaVolatility needs halfLifeMs > 0, floorAnnual ≥ 0');
  }

  update(px: number, tsMs: number): void {
    if (!(px > 0) || !Number.isFinite(px)) return;
    if (this.lastPx === null) {
      this.lastPx = px;
      this.lastTs = tsMs;
      return;
    }
    const dt = tsMs - this.lastTs;
    if (dt <= 0) return;
    const r = Math.log(px / this.lastPx);
    const rate = (r * r) / dt;
    const alpha = 1 - 2 ** (-dt / this.halfLifeMs);
    this.varPerMs = this.varPerMs === null ? rate : (1 - alpha) * this.varPerMs + alpha * rate;
    this.lastPx = px;
    this.lastTs = tsMs;
  }

  /** Annualized volatility, at least the floor. */
  annual(): number {
    const est = this.varPerMs === null ? 0 : Math.sqrt(this.varPerMs * MS_PER_YEAR);
    return Math.max(est, this.floorAnnual);
  }
}
