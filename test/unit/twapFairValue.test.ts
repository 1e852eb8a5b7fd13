// Goal: the TWAP fair value is the probability Monte Carlo of the same process gives (a driftless log Brownian reference averaged over its last 60 s), within 1 percentage point, before and inside the averaging window.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { FAIR_VALUE_EPS, fairValueUp, MS_PER_YEAR } from '../../src/pricing/fairValue.ts';
import { twapFairValueUp } from '../../src/pricing/twapFairValue.ts';

const LOOKBACK_MS = 60_000;
const VOL = 0.6;
const STEP_MS = 500;
const PATHS = 20_000;
const SPOT = 65_000;

/**
 * Monte Carlo of the settlement: a realized log path up to now (the same for every path),
 * then PATHS continuations in STEP_MS steps; each path's TWAP is the mean of the price over
 * the last LOOKBACK_MS, sampled every STEP_MS (the right end of each step).
 */
function monteCarlo(timeLeftMs: number, strikes: readonly number[], rng: Rng): { realizedMean: number | null; p: number[] } {
  const stepSd = VOL * Math.sqrt(STEP_MS / MS_PER_YEAR);
  const nWindow = LOOKBACK_MS / STEP_MS;
  // The realized part of the window: a fixed path ending at SPOT.
  const realizedSteps = Math.max(0, (LOOKBACK_MS - timeLeftMs) / STEP_MS);
  const prefix: number[] = [];
  let x = 0;
  for (let i = 0; i < realizedSteps; i++) prefix.push((x += rng.normal() * stepSd));
  const shift = Math.log(SPOT) - (prefix.at(-1) ?? 0);
  const realized = prefix.map((v) => Math.exp(v + shift));
  const realizedSum = realized.reduce((a, b) => a + b, 0);
  const steps = timeLeftMs / STEP_MS;
  const up = strikes.map(() => 0);
  for (let k = 0; k < PATHS; k++) {
    let lx = Math.log(SPOT);
    let sum = realizedSum;
    for (let i = 1; i <= steps; i++) {
      lx += rng.normal() * stepSd;
      if (steps - i < nWindow) sum += Math.exp(lx);
    }
    const twap = sum / nWindow;
    strikes.forEach((kpx, j) => {
      if (twap >= kpx) up[j]! += 1;
    });
  }
  return { realizedMean: realized.length > 0 ? realizedSum / realized.length : null, p: up.map((n) => n / PATHS) };
}

describe('TWAP fair value against Monte Carlo of the same process', () => {
  const offsetsBps = [-12, -4, 0, 4, 12];
  for (const timeLeftMs of [180_000, 60_000, 45_000, 30_000, 15_000, 5_000]) {
    it(`agrees within 1 pp with ${timeLeftMs / 1_000} s left, over strikes ${offsetsBps.join('/')} bps from the spot`, () => {
      const rng = new Rng(20_261_206 + timeLeftMs);
      const strikes = offsetsBps.map((bps) => SPOT * (1 + bps / 10_000));
      const mc = monteCarlo(timeLeftMs, strikes, rng);
      strikes.forEach((strike, j) => {
        const model = twapFairValueUp({
          spot: SPOT,
          strike,
          timeLeftMs,
          lookbackMs: LOOKBACK_MS,
          realizedMean: mc.realizedMean,
          volAnnual: VOL,
        });
        expect(Math.abs(model - mc.p[j]!), `strike ${offsetsBps[j]} bps: model ${model}, MC ${mc.p[j]}`).toBeLessThan(0.01);
      });
    });
  }

  it('moves less with the spot than the end-price model once most of the average is fixed', () => {
    const strike = SPOT;
    const at = (spot: number, fn: 'twap' | 'spot') =>
      fn === 'twap'
        ? twapFairValueUp({ spot, strike, timeLeftMs: 5_000, lookbackMs: LOOKBACK_MS, realizedMean: SPOT * 0.9995, volAnnual: VOL })
        : fairValueUp(spot, strike, 5_000, VOL);
    // 11/12 of the average sits 5 bps below the strike: a spot 5 bps above cannot lift it.
    expect(at(SPOT * 1.0005, 'spot')).toBeGreaterThan(0.9);
    expect(at(SPOT * 1.0005, 'twap')).toBeLessThan(0.01);
  });

  it('is the payoff of the realized mean at the end, and one half at the strike before the window', () => {
    const base = { spot: SPOT, strike: SPOT, lookbackMs: LOOKBACK_MS, volAnnual: VOL };
    expect(twapFairValueUp({ ...base, timeLeftMs: 0, realizedMean: SPOT + 1 })).toBe(1);
    expect(twapFairValueUp({ ...base, timeLeftMs: 0, realizedMean: SPOT - 1 })).toBe(0);
    expect(twapFairValueUp({ ...base, timeLeftMs: 120_000, realizedMean: null })).toBe(0.5);
  });
});

describe('TWAP fair value at its edges', () => {
  const base = { spot: SPOT, strike: SPOT, lookbackMs: LOOKBACK_MS, volAnnual: VOL };

  it('settles a tie for Up: a realized average exactly at the price to beat pays 1 at the end', () => {
    expect(twapFairValueUp({ ...base, timeLeftMs: 0, realizedMean: SPOT })).toBe(1);
    expect(twapFairValueUp({ ...base, timeLeftMs: -1_000, realizedMean: SPOT })).toBe(1);
  });

  it('inside the window with no print of the source seen yet, lets the spot stand in for the realized part', () => {
    // A source silent since the window opened must not read as a realized average of zero (a sure Down).
    for (const spot of [SPOT, SPOT * 1.0002, SPOT * 0.9997]) {
      const unseen = twapFairValueUp({ ...base, spot, timeLeftMs: 20_000, realizedMean: null });
      const atSpot = twapFairValueUp({ ...base, spot, timeLeftMs: 20_000, realizedMean: spot });
      expect(unseen).toBeCloseTo(atSpot, 9);
    }
    expect(twapFairValueUp({ ...base, spot: SPOT * 1.0002, timeLeftMs: 20_000, realizedMean: null })).toBeGreaterThan(0.9);
    expect(twapFairValueUp({ ...base, timeLeftMs: 20_000, realizedMean: null })).toBe(0.5);
  });

  it('before the window opens, ignores a realized mean handed in early: nothing of the average is fixed yet', () => {
    for (const spot of [SPOT * 1.0005, SPOT * 0.999]) {
      const none = twapFairValueUp({ ...base, spot, timeLeftMs: 90_000, realizedMean: null });
      expect(twapFairValueUp({ ...base, spot, timeLeftMs: 90_000, realizedMean: SPOT * 0.99 })).toBe(none);
      expect(twapFairValueUp({ ...base, spot, timeLeftMs: 90_000, realizedMean: SPOT * 1.01 })).toBe(none);
    }
  });

  it('with no volatility and time left, is as sure as the clamp allows on the side the average is on, and one half at the strike', () => {
    const still = { ...base, volAnnual: 0, timeLeftMs: 30_000 };
    expect(twapFairValueUp({ ...still, realizedMean: SPOT * 1.001 })).toBe(1 - FAIR_VALUE_EPS);
    expect(twapFairValueUp({ ...still, realizedMean: SPOT * 0.999 })).toBe(FAIR_VALUE_EPS);
    expect(twapFairValueUp({ ...still, realizedMean: SPOT })).toBe(0.5);
    expect(twapFairValueUp({ ...still, timeLeftMs: 120_000, realizedMean: null })).toBe(0.5);
  });

  it('refuses prices, a lookback or a realized mean that are not positive, naming the input', () => {
    const ok = { ...base, timeLeftMs: 30_000, realizedMean: SPOT };
    for (const bad of [
      { spot: 0 },
      { spot: -1 },
      { strike: 0 },
      { strike: -1 },
      { lookbackMs: 0 },
      { lookbackMs: -60_000 },
      { realizedMean: 0 },
      { realizedMean: -1 },
    ]) {
      expect(() => twapFairValueUp({ ...ok, ...bad })).toThrow(RangeError);
    }
    expect(() => twapFairValueUp({ ...ok, strike: 0 })).toThrow(
      'twapFairValueUp needs positive prices and lookback, got {"spot":65000,"strike":0,"lookbackMs":60000,"volAnnual":0.6,"timeLeftMs":30000,"realizedMean":65000}',
    );
    expect(() => twapFairValueUp({ ...ok, realizedMean: null })).not.toThrow();
  });
});
