// Goal: the EWMA volatility estimator measures known returns, cancels sampling noise, decays by its half-life, honours its floor and ignores bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_YEAR } from '../../src/pricing/fairValue.ts';
import { EwmaVolatility } from '../../src/pricing/volatility.ts';
import { Rng } from '../../src/core/rng.ts';

/** A 1 s-sampled random walk of annual volatility `sigma`, observed with i.i.d. noise of `noiseLog` (log terms). */
function noisyWalk(sigma: number, noiseLog: number, n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const step = sigma * Math.sqrt(1000 / MS_PER_YEAR);
  let logPx = Math.log(64_000);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    logPx += step * rng.normal();
    out.push(Math.exp(logPx + noiseLog * rng.normal()));
  }
  return out;
}

describe('EwmaVolatility', () => {
  it('reports the floor before any return and for a flat price', () => {
    const v = new EwmaVolatility(60_000, 0.2);
    expect(v.annual()).toBe(0.2);
    expect(v.estimateAnnual()).toBeNull();
    for (let i = 0; i < 100; i++) v.update(64_000, i * 1000);
    expect(v.estimateAnnual()).toBe(0);
    expect(v.annual()).toBe(0.2);
  });

  it('recovers the volatility of a random walk sampled once a second', () => {
    const v = new EwmaVolatility(600_000, 0);
    noisyWalk(0.5, 0, 7_200, 1).forEach((px, i) => v.update(px, i * 1000));
    expect(v.estimateAnnual()!).toBeGreaterThan(0.5 * 0.9);
    expect(v.estimateAnnual()!).toBeLessThan(0.5 * 1.1);
    expect(v.samples).toBe(7_199);
  });

  it('cancels i.i.d. sampling noise that a plain average of squared returns would count as volatility', () => {
    // Noise of 0.6 bp per sample against 0.89 bp of true move per second: r² alone runs ~40 % high.
    const pxs = noisyWalk(0.5, 0.6e-4, 7_200, 2);
    const v = new EwmaVolatility(600_000, 0);
    pxs.forEach((px, i) => v.update(px, i * 1000));
    let plain = 0;
    for (let i = 1; i < pxs.length; i++) plain += Math.log(pxs[i]! / pxs[i - 1]!) ** 2;
    const plainAnnual = Math.sqrt((plain / (pxs.length - 1)) * (MS_PER_YEAR / 1000));
    expect(plainAnnual).toBeGreaterThan(0.5 * 1.25);
    expect(Math.abs(v.estimateAnnual()! / 0.5 - 1)).toBeLessThan(0.1);
  });

  it('reads an alternating bounce (pure sampling noise) as no volatility at all', () => {
    const v = new EwmaVolatility(60_000, 0.2);
    for (let i = 0; i <= 600; i++) v.update(i % 2 === 0 ? 64_000 : 64_006, i * 1000);
    expect(v.estimateAnnual()).toBe(0);
    expect(v.annual()).toBe(0.2);
  });

  it('weighs the first returns about equally instead of letting the first one dominate', () => {
    // A 20 bp first return (a thin first median), then a quiet 1 bp-per-second walk.
    const v = new EwmaVolatility(600_000, 0);
    v.update(64_000, 0);
    v.update(64_000 * Math.exp(20e-4), 1_000);
    const rng = new Rng(3);
    let px = 64_000 * Math.exp(20e-4);
    for (let i = 2; i <= 900; i++) v.update((px *= Math.exp(1e-4 * rng.normal())), i * 1000);
    // Equal weights: √((20² + 899 × 1²) / 900) ≈ 1.2 bp a second; seeding the EWMA with the first return alone kept ~12 bp.
    const bpPerSecond = v.estimateAnnual()! / Math.sqrt(MS_PER_YEAR / 1000) / 1e-4;
    expect(bpPerSecond).toBeGreaterThan(1.05);
    expect(bpPerSecond).toBeLessThan(1.4);
  });

  it('halves the weight of old returns every half-life', () => {
    // Long warm-up on a flat price (the bias correction has converged), one return, then
    // flat prints for exactly one half-life: the variance rate halves.
    const v = new EwmaVolatility(10_000, 0);
    for (let t = 0; t <= 400_000; t += 1_000) v.update(100, t);
    v.update(101, 401_000);
    const first = v.estimateAnnual()!;
    v.update(101, 411_000);
    expect(v.estimateAnnual()!).toBeCloseTo(first / Math.SQRT2, 6);
  });

  it('normalizes by elapsed time: a 2 s return counts as the same variance rate as a 1 s return √2 smaller', () => {
    const a = new EwmaVolatility(30_000, 0);
    const b = new EwmaVolatility(30_000, 0);
    a.update(100, 0);
    a.update(100 * Math.exp(0.002), 2_000);
    b.update(100, 0);
    b.update(100 * Math.exp(0.002 / Math.SQRT2), 1_000);
    expect(a.estimateAnnual()!).toBeCloseTo(b.estimateAnnual()!, 12);
  });

  it('ignores non-positive or non-finite prices and out-of-order times', () => {
    const v = new EwmaVolatility(10_000, 0.1);
    v.update(100, 1_000);
    v.update(-5, 2_000);
    v.update(Number.NaN, 3_000);
    v.update(200, 500);
    v.update(200, 1_000);
    expect(v.samples).toBe(0);
    expect(v.annual()).toBe(0.1);
  });

  it('never reports below the floor and always a finite number', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 60_000 })), { maxLength: 50 }),
        (steps) => {
          const v = new EwmaVolatility(30_000, 0.15);
          let t = 0;
          for (const [px, dt] of steps) v.update(px, (t += dt));
          return Number.isFinite(v.annual()) && v.annual() >= 0.15;
        },
      ),
    );
  });

  it('refuses a non-positive half-life', () => {
    expect(() => new EwmaVolatility(0, 0.2)).toThrow(RangeError);
  });

  it('refuses a negative floor, naming both settings it needs', () => {
    // A negative floor would let the reported volatility be 0 before the first return: fair values at the clamp.
    expect(() => new EwmaVolatility(60_000, -0.1)).toThrow('EwmaVolatility needs halfLifeMs > 0, floorAnnual ≥ 0');
    expect(new EwmaVolatility(60_000, 0).annual()).toBe(0);
  });

  it('ignores a zero price (a broken frame) instead of reading an infinite return from it', () => {
    const clean = new EwmaVolatility(60_000, 0.1);
    const broken = new EwmaVolatility(60_000, 0.1);
    broken.update(0, 0);
    for (const v of [clean, broken]) {
      v.update(64_000, 1_000);
      v.update(0, 1_500);
      v.update(64_064, 2_000);
    }
    // One return of ln(1.001) over 1 s, annualized: 0.001 × √(ms per year / 1 000).
    const expected = Math.log(1.001) * Math.sqrt(MS_PER_YEAR / 1_000);
    for (const v of [clean, broken]) {
      expect(v.samples).toBe(1);
      expect(v.estimateAnnual()!).toBeCloseTo(expected, 12);
    }
  });

  it('reports the first return at its full size: the bias correction divides by the weight so far', () => {
    // A single 1 bp return over 1 s with a 60 s half-life has weight α ≈ 1.15 %; dividing by
    // that weight (not by 1) gives the return's own variance rate back.
    const v = new EwmaVolatility(60_000, 0);
    v.update(64_000, 0);
    v.update(64_000 * Math.exp(1e-4), 1_000);
    expect(v.estimateAnnual()!).toBeCloseTo(1e-4 * Math.sqrt(MS_PER_YEAR / 1_000), 12);
  });
});
