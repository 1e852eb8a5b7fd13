/**
 * Calibration of forecasts against outcomes (pure): Brier score, log loss, a 10-bin
 * reliability table and the expected calibration error (the count-weighted mean gap
 * between each bin's average forecast and how often the event happened).
 */

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
