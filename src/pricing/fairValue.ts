/**
 * Fair value of an "Up" token: the probability that the reference ends the window at or
 * above the price to beat. Under a driftless lognormal model with annualized volatility σ
 * and time left τ (years):  P(S_T ≥ K) = Φ(d),  d = (ln(S/K) − σ²τ/2) / (σ√τ).
 * At expiry (τ = 0) it is 1 when S ≥ K and 0 otherwise. See docs/methodology.md.
 */

export const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export function fairValueUp(spot: number, strike: number, timeLeftMs: number, volAnnual: number): number {
  if (!(spot > 0) || !(strike > 0) || !Number.isFinite(spot) || !Number.isFinite(strike)) {
    throw new RangeError(`fairValueUp needs finite positive spot and strike, got ${spot}, ${strike}`);
  }
  if (!(timeLeftMs > 0) || !(volAnnual > 0)) return spot >= strike ? 1 : 0;
  const sigmaRootT = volAnnual * Math.sqrt(timeLeftMs / MS_PER_YEAR);
  const d = (Math.log(spot / strike) - (sigmaRootT * sigmaRootT) / 2) / sigmaRootT;
  return normCdf(d);
}
