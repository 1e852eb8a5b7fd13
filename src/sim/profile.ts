/**
 * Sim market profiles: how honest the simulated market is, and the realism settings of
 * each. `efficient` (the default) is a market whose makers know the resolution source at
 * least as well as any strategy: its books are centred on the true probability of Up. `noisy`
 * is the older crowd-error market, kept to exercise the machinery (fills, gates, API):
 * model-based strategies win there by construction, so its PnL means nothing.
 *
 * Every setting below is documented (with its default) in the README's configuration table
 * and in docs/methodology.md §7; a `POLYLAB_SIM_*` setting overrides the profile's value.
 */

export const SIM_MARKETS = ['efficient', 'noisy'] as const;
export type SimMarketName = (typeof SIM_MARKETS)[number];

export interface SimRealism {
  /** True annualized volatility of the BTC diffusion (jumps come on top). */
  volAnnual: number;
  /** Chance per 100 ms step of a BTC jump, and its size in log terms (±). */
  jumpPerStep: number;
  jumpLog: number;
  /** efficient: the quoted spread around the mid before rounding out to the tick grid (price units). */
  spread: number;
  /** efficient: shares at the touch; each level further out holds `depthDecay` times the one before. */
  depthShares: number;
  depthDecay: number;
  /** efficient: price levels quoted on each side. */
  depthLevels: number;
  /** How often the books are requoted (ms): efficient makers at random moments this far apart on average (several times a second), noisy books on this clock. */
  bookMs: number;
  /** efficient: how long after our taker fill the makers requote (refill and skew). */
  makerReactionMs: number;
  /** efficient: how far the makers skew their mid per share we took (probability points), decaying with IMPACT_HALF_LIFE_MS. */
  impactPerShare: number;
  /** Stationary standard deviation of the oracle's basis to the venue price (bps, mean-reverting). */
  oracleBasisBps: number;
  /** The oracle reports the venue price this long ago (ms, a multiple of the 100 ms step). */
  oracleLagMs: number;
  /** One venue (bitstamp) falls silent for this long every minute (ms; 0 = never). */
  outageMsPerMinute: number;
  /** Share of one venue's (okx) prints that are 3 % off (outliers the median must drop). */
  outlierRate: number;
  /** Noise takers: trades per minute per market, random side, exponential size with this mean (shares). */
  noiseTakersPerMin: number;
  noiseTakerShares: number;
  /**
   * Informed takers: looks per minute per market at the book against the true probability;
   * when the touch is at least `informedEdge` off it they take up to `informedTakerShares`
   * at prices still `informedEdge` better than the truth (sim/takers.ts).
   */
  informedTakersPerMin: number;
  informedEdge: number;
  informedTakerShares: number;
}

/** The basis reverts to zero with this half-life. */
export const BASIS_HALF_LIFE_MS = 60_000;
/** The makers' skew after our fills halves in this long. */
export const IMPACT_HALF_LIFE_MS = 30_000;

const SHARED = {
  volAnnual: 0.5,
  oracleBasisBps: 2,
  oracleLagMs: 1_000,
  outageMsPerMinute: 20_000,
  outlierRate: 0.02,
  noiseTakersPerMin: 6,
  noiseTakerShares: 20,
  informedTakersPerMin: 60,
  informedEdge: 0.01,
  informedTakerShares: 50,
} as const;

export const SIM_PROFILES: Readonly<Record<SimMarketName, Readonly<SimRealism>>> = Object.freeze({
  efficient: Object.freeze({
    ...SHARED,
    jumpPerStep: 1 / 6_000,
    jumpLog: 0.001,
    spread: 0.01,
    depthShares: 200,
    depthDecay: 0.7,
    depthLevels: 5,
    bookMs: 200,
    makerReactionMs: 500,
    impactPerShare: 0.0002,
  }),
  // The crowd-error books of the first simulator: whole-book snapshots once a second, random sizes.
  noisy: Object.freeze({
    ...SHARED,
    jumpPerStep: 1 / 3_000,
    jumpLog: 0.003,
    spread: 0.01,
    depthShares: 300,
    depthDecay: 1,
    depthLevels: 5,
    bookMs: 1_000,
    makerReactionMs: 0,
    impactPerShare: 0,
  }),
});

/** A profile with overrides (undefined and null keep the profile's value). */
export function simRealism(market: SimMarketName, overrides: { [K in keyof SimRealism]?: SimRealism[K] | null } = {}): SimRealism {
  const out: SimRealism = { ...SIM_PROFILES[market] };
  for (const [k, v] of Object.entries(overrides) as [keyof SimRealism, number | null | undefined][])
    if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** The sim's true annualized volatility, jumps included: what a volatility estimate should find. */
export function trueVolAnnual(r: SimRealism, stepMs: number, msPerYear: number): number {
  const stepsPerYear = msPerYear / stepMs;
  return Math.sqrt(r.volAnnual ** 2 + stepsPerYear * r.jumpPerStep * r.jumpLog ** 2);
}
