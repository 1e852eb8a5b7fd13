/**
 * Time-weighted EWMA volatility of the reference's log returns. Each return r over Δt ms
 * contributes a variance rate (r² + 2·r·r₋₁)/Δt with weight α = 1 − 2^(−Δt / halfLife), so
 * irregular sampling is handled and an observation loses half its weight every
 * `halfLifeMs` of input time. Reported annualized and never below the configured floor:
 * right after start (no return yet) or in a quiet spell the estimate would otherwise claim
 * certainty the model cannot have. The average is bias-corrected (the weighted sum is
 * divided by the weight so far), so at the start every return seen counts about equally
 * instead of the first one, often the noisiest, dominating the first half-lives.
 *
 * Why the cross term: the engine samples the multi-venue median once per timer, and a
 * median that hops between venues adds micro-structure noise e to every sample. A return
 * is then Δp + eₜ − eₜ₋₁, so E[r²] = σ²Δt + 2·Var(e) (the plain estimate ran some 10 % high
 * on the simulator, more on quiet markets) while E[r·r₋₁] = −Var(e): adding twice the
 * first-order autocovariance removes the noise (Zhou 1996; the first-order kernel of
 * Barndorff-Nielsen et al. 2008) and leaves true moves, jumps included, untouched. One
 * noisy return can make a contribution negative; the EWMA averages it out, and the floor
 * bounds what is reported.
 */
import { MS_PER_YEAR } from './fairValue.ts';

export class EwmaVolatility {
  private lastPx: number | null = null;
  private lastTs = 0;
  /** Σ weight × rate and Σ weight, both decayed: their ratio is the variance per ms. */
  private weighted = 0;
  private weight = 0;
  /** The previous return (its cross term with the next one cancels the sampling noise). */
  private lastR: number | null = null;
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
    const rate = (r * r + (this.lastR === null ? 0 : 2 * r * this.lastR)) / dt;
    this.lastR = r;
    const alpha = 1 - 2 ** (-dt / this.halfLifeMs);
    this.weighted = (1 - alpha) * this.weighted + alpha * rate;
    this.weight = (1 - alpha) * this.weight + alpha;
    this.samples += 1;
    this.lastPx = px;
    this.lastTs = tsMs;
  }

  /** The raw estimate (annualized, no floor), or null before the first return. */
  estimateAnnual(): number | null {
    return this.weight > 0 ? Math.sqrt(Math.max(0, this.weighted / this.weight) * MS_PER_YEAR) : null;
  }

  /** Annualized volatility, at least the floor. */
  annual(): number {
    return Math.max(this.estimateAnnual() ?? 0, this.floorAnnual);
  }
}
