/**
 * Fair value of an "Up" token: the probability that the reference ends the window at or
 * above the price to beat K, given the current reference S, the time left τ (years) and
 * an annualized volatility σ.
 *
 * Model: the log of the reference is a driftless Brownian motion over the window,
 * ln S_T ~ N(ln S, σ²τ), so
 *
 *     P(S_T ≥ K) = Φ(d),   d = ln(S / K) / (σ √τ).
 *
 * Why driftless in log space rather than the risk-neutral lognormal (d − σ√τ/2): over a
 * 5-minute to 1-day window the Itô term moves the probability by < 0.1 percentage point
 * (σ = 0.5, τ = 15 min → σ√τ/2 ≈ 0.0013), far below the price grid, while the symmetric
 * form keeps the contract's own symmetry exactly: P(Up) = 0.5 at the strike and
 * P(Up)(S) = 1 − P(Up)(K²/S). BTC has no known drift at these horizons.
 *
 * At expiry (τ ≤ 0) the value is the payoff: 1 when S ≥ K ("at or above" wins), else 0.
 * With time left the value stays in the OPEN interval [FAIR_VALUE_EPS, 1 − FAIR_VALUE_EPS]:
 * a model never knows the outcome for sure before the end, and the clamp keeps edge and
 * log-odds computations finite. σ ≤ 0 with time left is the σ → 0 limit (certain side of
 * the strike, clamped), and exactly 0.5 at the strike. See docs/methodology.md.
 */

export const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/** Smallest distance from 0 and 1 of a fair value while time is left. */
export const FAIR_VALUE_EPS = 1e-12;

const INV_SQRT_2PI = 0.3989422804014327;

/**
 * Standard normal CDF Φ(x): absolute error ≤ 3e-16 over the whole line, relative error
 * < 1e-8 in the far lower tail (checked against erfc on a 0.01 grid over [−37, 37]). Hart's (1968) rational approximation as given by G. West, "Better
 * approximations to cumulative normal functions" (Wilmott, 2005): for |x| < 7.07 a ratio of
 * degree-6 and degree-7 polynomials times the Gaussian density, beyond that a continued
 * fraction. The lower tail is computed directly (no 1 − (1 − ε) cancellation) and
 * Φ(x) + Φ(−x) = 1 holds exactly in floating point, which is what makes the fair value
 * exactly 0.5 at the strike and symmetric between Up and Down. Replaces an earlier
 * Abramowitz–Stegun 7.1.26 erf (|error| 1.5e-7), too coarse near the strike with little
 * time left.
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  let lower: number; // Φ(−|x|)
  if (ax > 37) {
    lower = 0;
  } else {
    const e = Math.exp(-0.5 * ax * ax);
    if (ax < 7.07106781186547) {
      let n = 3.52624965998911e-2 * ax + 0.700383064443688;
      n = n * ax + 6.37396220353165;
      n = n * ax + 33.912866078383;
      n = n * ax + 112.079291497871;
      n = n * ax + 221.213596169931;
      n = n * ax + 220.206867912376;
      let d = 8.83883476483184e-2 * ax + 1.75566716318264;
      d = d * ax + 16.064177579207;
      d = d * ax + 86.7807322029461;
      d = d * ax + 296.564248779674;
      d = d * ax + 637.333633378831;
      d = d * ax + 793.826512519948;
      d = d * ax + 440.413735824752;
      lower = (e * n) / d;
    } else {
      let b = ax + 0.65;
      b = ax + 4 / b;
      b = ax + 3 / b;
      b = ax + 2 / b;
      b = ax + 1 / b;
      lower = (e / b) * INV_SQRT_2PI;
    }
  }
  return x > 0 ? 1 - lower : lower;
}

/**
 * P(reference at window end ≥ strike). `spot` and `strike` must be finite and > 0 (they
 * are prices; the engine only passes validated ones) — anything else is a programming
 * error and throws. `timeLeftMs` and `volAnnual` may be any finite number.
 */
export function fairValueUp(spot: number, strike: number, timeLeftMs: number, volAnnual: number): number {
  if (!(spot > 0) || !(strike > 0) || !Number.isFinite(spot) || !Number.isFinite(strike)) {
    throw new RangeError(`fairValueUp needs finite positive spot and strike, got ${spot}, ${strike}`);
  }
  if (Number.isNaN(timeLeftMs) || Number.isNaN(volAnnual)) {
    throw new RangeError(`fairValueUp needs a time left and a volatility, got ${timeLeftMs}, ${volAnnual}`);
  }
  if (!(timeLeftMs > 0)) return spot >= strike ? 1 : 0;
  // ln(S/K) as a difference of logs: no overflow or underflow for extreme ratios.
  const logMoneyness = Math.log(spot) - Math.log(strike);
  if (logMoneyness === 0) return 0.5;
  const sigmaRootT = Math.max(volAnnual, 0) * Math.sqrt(Math.min(timeLeftMs, Number.MAX_VALUE) / MS_PER_YEAR);
  // σ√τ = 0 (no vol, or underflow) is the σ → 0 limit, d = ±∞; σ√τ = ∞ gives d = 0.
  const d = sigmaRootT > 0 ? logMoneyness / sigmaRootT : logMoneyness > 0 ? Infinity : -Infinity;
  const p = normCdf(d);
  return Math.min(1 - FAIR_VALUE_EPS, Math.max(FAIR_VALUE_EPS, p));
}
