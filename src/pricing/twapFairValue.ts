/**
 * Fair value of an "Up" token on a market that settles on a TWAP: P(TWAP_L(end) ≥ K),
 * where TWAP_L(end) is the reference's average over the last L seconds of the window
 * (L = the market's `lookback_s`, 60 s on PolyBolt's `price.crypto.twap`) and K the price
 * to beat (itself the TWAP at the start, already known when this is asked).
 *
 * Model: the log reference x is a driftless Brownian motion with volatility σ, as in
 * fairValue.ts. The average is taken in log space (a geometric average); over 60 s the gap to
 * the arithmetic average Chainlink computes is of order σ²L ≈ 1e-6 of the price, far below a
 * tick. At time t, with r = time from t to the window end:
 *
 * - Before the averaging window (τ₀ = time to its start > 0): ln A ~ N(x_t, σ²(τ₀ + L/3)).
 *   The L/3 is the variance of the average of a Brownian path over L: Var(∫₀ᴸ W ds)/L² = L/3.
 * - Inside it, a fraction f = 1 − r/L is realized with mean m (of the price, taken in log):
 *   ln A = f·ln m + (1 − f)·(average of x over [t, end]), and that remaining average is
 *   N(x_t, σ² r / 3), so ln A ~ N(f·ln m + (1 − f)·x_t, σ² (1 − f)² r / 3).
 *
 * P(Up) = Φ((mean − ln K) / sd): most of the average is fixed in the last seconds, so the
 * value moves far less with the spot than P(S_T ≥ K) would. At the end (r ≤ 0) it is the
 * payoff of the realized mean. Pure: no clock, no state. See docs/methodology.md.
 */
import { FAIR_VALUE_EPS, MS_PER_YEAR, normCdf } from './fairValue.ts';

export interface TwapFairValueInput {
  /** The reference now. */
  spot: number;
  /** The price to beat (the TWAP at the window start). */
  strike: number;
  /** Time from now to the window end (ms). */
  timeLeftMs: number;
  /** The TWAP's lookback L (ms). */
  lookbackMs: number;
  /** Mean of the reference over the realized part of the averaging window, [end − L, now]; null before it. */
  realizedMean: number | null;
  volAnnual: number;
}

/** The distribution of ln TWAP_L(end) given what is realized: mean and standard deviation. */
export function twapLogDistribution(i: TwapFairValueInput): { mean: number; sd: number } {
  const sigma = Math.max(i.volAnnual, 0);
  const x = Math.log(i.spot);
  const beforeMs = i.timeLeftMs - i.lookbackMs;
  if (beforeMs >= 0 || i.realizedMean === null) {
    // Nothing of the average is fixed yet (or nothing of it was seen: the spot stands in).
    const varYears = (Math.max(beforeMs, 0) + Math.min(i.timeLeftMs, i.lookbackMs) ** 3 / (3 * i.lookbackMs ** 2)) / MS_PER_YEAR;
    return { mean: x, sd: sigma * Math.sqrt(Math.max(varYears, 0)) };
  }
  const remaining = Math.max(i.timeLeftMs, 0) / i.lookbackMs;
  const mean = (1 - remaining) * Math.log(i.realizedMean) + remaining * x;
  const sd = sigma * remaining * Math.sqrt(Math.max(i.timeLeftMs, 0) / (3 * MS_PER_YEAR));
  return { mean, sd };
}

/** P(TWAP_L(end) ≥ strike), clamped like fairValueUp while time is left. */
export function twapFairValueUp(i: TwapFairValueInput): number {
  if (!(i.spot > 0) || !(i.strike > 0) || !(i.lookbackMs > 0) || (i.realizedMean !== null && !(i.realizedMean > 0))) {
    throw new RangeError(`twapFairValueUp needs positive prices and lookback, got ${JSON.stringify(i)}`);
  }
  const { mean, sd } = twapLogDistribution(i);
  const gap = mean - Math.log(i.strike);
  if (!(i.timeLeftMs > 0)) return gap >= 0 ? 1 : 0;
  if (gap === 0) return 0.5;
  const p = sd > 0 ? normCdf(gap / sd) : gap > 0 ? 1 : 0;
  return Math.min(1 - FAIR_VALUE_EPS, Math.max(FAIR_VALUE_EPS, p));
}
