/**
 * Time-weighted EWMA volatility of the reference's log returns. Each return r over Δt ms
 * contributes a variance rate r²/Δt with weight α = 1 − 2^(−Δt / halfLife), so irregular
 * sampling is handled and an observation loses half its weight every `halfLifeMs` of input
 * time. Reported annualized and never below the configured floor: right after start (no
 * return yet) or in a quiet spell the estimate would otherwise claim certainty the model
 * cannot have. The first return seeds the estimate on its own.
 *
 * Known bias: the engine samples the multi-venue median once per timer; a median that hops
 * between venues adds micro-structure noise, which inflates the estimate slightly (errs on
 * the side of fair values closer to 0.5, i.e. fewer trades).
 */
import { MS_PER_YEAR } from './fairValue.ts';

export class EwmaVolatility {
  private lastPx: number | null = null;
  private lastTs = 0;
  private varPerMs: number | null = null;
  /** Returns folded into the estimate so far. */
  samples = 0;

  constructor(
    readonly halfLifeMs: number,
    readonly floorAnnual: number,
  ) {
    if (!(halfLifeMs > 0) || !(floorAnnual >= 0)) throw new RangeError('EwmaVolatility needs halfLifeMs > 0, floorAnnual ≥ 0');
  }

  /** Folds in a price observed at `tsMs`; non-positive prices and non-increasing times are ignored. */
  update(px: number, tsMs: number): void {
    if (!(px > 0) || !Number.isFinite(px) || !Number.isFinite(tsMs)) return;
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
    this.samples += 1;
    this.lastPx = px;
    this.lastTs = tsMs;
  }

  /** The raw estimate (annualized, no floor), or null before the first return. */
  estimateAnnual(): number | null {
    return this.varPerMs === null ? null : Math.sqrt(this.varPerMs * MS_PER_YEAR);
  }

  /** Annualized volatility, at least the floor. */
  annual(): number {
    return Math.max(this.estimateAnnual() ?? 0, this.floorAnnual);
  }
}
