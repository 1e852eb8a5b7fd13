/**
 * Calibration of forecasts against outcomes (pure): Brier score, log loss, a 10-bin
 * reliability table and the expected calibration error (the count-weighted mean gap
 * between each bin's average forecast and how often the event happened).
 */
import type { Outcome } from '../core/events.ts';

export const RELIABILITY_BINS = 10;
/** Log loss clips forecasts this far from 0 and 1, so one certain miss stays finite. */
const LOG_CLIP = 1e-6;

export interface ReliabilityBin {
  /** Lower edge of the bin (the last bin includes 1). */
  lo: number;
  hi: number;
  count: number;
  mean_forecast: number | null;
  observed_rate: number | null;
}

export interface CalibrationScore {
  count: number;
  brier: number | null;
  log_loss: number | null;
  /** Expected calibration error over the bins. */
  ece: number | null;
  bins: ReliabilityBin[];
}

/** Running sums for one forecaster: add and remove are exact inverses (for corrected outcomes). */
export class CalibrationAccumulator {
  private n = 0;
  private brierSum = 0;
  private logSum = 0;
  private readonly binCount = new Array<number>(RELIABILITY_BINS).fill(0);
  private readonly binForecast = new Array<number>(RELIABILITY_BINS).fill(0);
  private readonly binHits = new Array<number>(RELIABILITY_BINS).fill(0);

  /** `p` is the forecast probability of the event, `happened` whether it happened. */
  add(p: number, happened: boolean, weight = 1): void {
    const o = happened ? 1 : 0;
    const q = Math.min(1 - LOG_CLIP, Math.max(LOG_CLIP, p));
    const b = Math.min(RELIABILITY_BINS - 1, Math.max(0, Math.floor(p * RELIABILITY_BINS)));
    this.n += weight;
    this.brierSum += weight * (p - o) ** 2;
    this.logSum += weight * -(o * Math.log(q) + (1 - o) * Math.log(1 - q));
    this.binCount[b]! += weight;
    this.binForecast[b]! += weight * p;
    this.binHits[b]! += weight * o;
  }

  remove(p: number, happened: boolean): void {
    this.add(p, happened, -1);
  }

  score(): CalibrationScore {
    const n = this.n;
    const bins: ReliabilityBin[] = this.binCount.map((c, i) => ({
      lo: i / RELIABILITY_BINS,
      hi: (i + 1) / RELIABILITY_BINS,
      count: c,
      mean_forecast: c > 0 ? this.binForecast[i]! / c : null,
      observed_rate: c > 0 ? this.binHits[i]! / c : null,
    }));
    const ece =
      n > 0 ? bins.reduce((s, b) => (b.count > 0 ? s + (b.count / n) * Math.abs(b.mean_forecast! - b.observed_rate!) : s), 0) : null;
    return { count: n, brier: n > 0 ? this.brierSum / n : null, log_loss: n > 0 ? this.logSum / n : null, ece, bins };
  }
}

/** A market's forecasts of P(Up), per forecaster (`strategy|family`), in decision order. */
export type Forecasts = Map<string, number[]>;

const MAX_FORECASTS_PER_MARKET = 20_000;
const MAX_OPEN_MARKETS = 1_024;

/**
 * The forecasts of each open market until it settles, then scored into one accumulator per
 * forecaster. A market's forecasts are grouped per forecaster, so a long run keeps numbers,
 * not one record per decision.
 */
export class ForecastBook {
  readonly calibration = new Map<string, CalibrationAccumulator>();
  private readonly open = new Map<string, { count: number; byKey: Forecasts }>();

  add(marketId: string, key: string, pUp: number): void {
    let f = this.open.get(marketId);
    if (!f) this.open.set(marketId, (f = { count: 0, byKey: new Map() }));
    if (f.count >= MAX_FORECASTS_PER_MARKET) return;
    f.count += 1;
    const ps = f.byKey.get(key);
    if (ps) ps.push(pUp);
    else f.byKey.set(key, [pUp]);
    // A market forgotten without a result must not keep its forecasts forever.
    if (this.open.size > MAX_OPEN_MARKETS) this.open.delete(this.open.keys().next().value!);
  }

  /**
   * Scores a market's forecasts against `winner`; with `prior` (the first result and the
   * forecasts it scored) a correcting result re-scores them. Returns the forecasts scored,
   * for a later correction.
   */
  settle(marketId: string, winner: Outcome, prior?: { winner: Outcome; forecasts: Forecasts }): Forecasts {
    const forecasts = prior?.forecasts ?? this.open.get(marketId)?.byKey ?? new Map<string, number[]>();
    this.open.delete(marketId);
    if (prior?.winner === winner) return forecasts;
    for (const [key, ps] of forecasts) {
      let acc = this.calibration.get(key);
      if (!acc) this.calibration.set(key, (acc = new CalibrationAccumulator()));
      for (const p of ps) {
        if (prior) acc.remove(p, prior.winner === 'Up');
        acc.add(p, winner === 'Up');
      }
    }
    return forecasts;
  }
}
