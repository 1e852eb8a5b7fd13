// Goal: a perfectly calibrated synthetic forecaster scores as calibrated (Brier near E[p(1−p)], small reliability gaps) and a biased one does not; decisions are scored per strategy and family against the settled outcome, and a corrected outcome re-scores them.
import { describe, expect, it } from 'vitest';
import { CalibrationAccumulator } from '../../src/analytics/calibration.ts';
import { Rng } from '../../src/core/rng.ts';
import { T0, Tape } from './analytics-harness.ts';

/** Forecasts p ~ U(0,1) of events that happen with probability truth(p). */
function forecaster(seed: number, n: number, bias: (p: number) => number) {
  const rng = new Rng(seed);
  const acc = new CalibrationAccumulator();
  for (let i = 0; i < n; i++) {
    const truth = rng.next();
    acc.add(bias(truth), rng.next() < truth);
  }
  return acc.score();
}

describe('calibration', () => {
  it('scores a perfectly calibrated forecaster as calibrated in every bin', () => {
    const s = forecaster(11, 40_000, (p) => p);
    // For p ~ U(0,1) the Brier score of the truth itself is E[p(1 − p)] = 1/6.
    expect(s.brier).toBeGreaterThan(1 / 6 - 0.005);
    expect(s.brier).toBeLessThan(1 / 6 + 0.005);
    expect(s.ece).toBeLessThan(0.015);
    expect(s.bins).toHaveLength(10);
    for (const b of s.bins) expect(Math.abs(b.mean_forecast! - b.observed_rate!)).toBeLessThan(0.03);
  });

  it('flags a forecaster biased towards Up: higher Brier and log loss, gaps in the reliability table', () => {
    const good = forecaster(11, 40_000, (p) => p);
    const biased = forecaster(11, 40_000, (p) => Math.min(0.99, p + 0.15));
    expect(biased.brier!).toBeGreaterThan(good.brier! + 0.01);
    expect(biased.log_loss!).toBeGreaterThan(good.log_loss!);
    expect(biased.ece!).toBeGreaterThan(0.1);
    const mid = biased.bins[5]!;
    expect(mid.mean_forecast! - mid.observed_rate!).toBeGreaterThan(0.1);
  });

  it('removing a forecast is the exact inverse of adding it', () => {
    const a = new CalibrationAccumulator();
    a.add(0.7, true);
    a.add(0.2, false);
    a.remove(0.2, false);
    a.add(0.2, true);
    const b = new CalibrationAccumulator();
    b.add(0.7, true);
    b.add(0.2, true);
    expect(a.score().brier).toBeCloseTo(b.score().brier!, 12);
    expect(a.score().bins[2]).toEqual(b.score().bins[2]);
  });

  it('scores each decision fair value against the settled outcome, per strategy and family, and re-scores a correction', () => {
    const t = new Tape().book('up', T0, [[0.5, 100]], [[0.48, 100]]).book('down', T0, [[0.5, 100]], [[0.48, 100]]);
    t.trade('up', 'buy', 10, 0.5, 0.5, T0 + 1_000, { fair: 0.8 });
    t.trade('down', 'buy', 10, 0.5, 0.5, T0 + 2_000, { fair: 0.3 }); // P(Up) = 0.7
    t.settle(T0 + 300_000, 'Up');
    let [row] = t.a.report().calibration;
    expect(row).toMatchObject({ strategy: 'fair_value', family: '5m', count: 2 });
    expect(row!.brier).toBeCloseTo((0.2 ** 2 + 0.3 ** 2) / 2, 12);
    t.settle(T0 + 400_000, 'Down', 'Up');
    [row] = t.a.report().calibration;
    expect(row!.count).toBe(2);
    expect(row!.brier).toBeCloseTo((0.8 ** 2 + 0.7 ** 2) / 2, 12);
  });
});
