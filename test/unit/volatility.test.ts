// Goal: the EWMA volatility estimator measures known returns, decays by its half-life, honours its floor and ignores bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MS_PER_YEAR } from '../../src/pricing/fairValue.ts';
import { EwmaVolatility } from '../../src/pricing/volatility.ts';

describe('EwmaVolatility', () => {
  it('reports the floor before any return and for a flat price', () => {
    const v = new EwmaVolatility(60_000, 0.2);
    expect(v.annual()).toBe(0.2);
    expect(v.estimateAnnual()).toBeNull();
    for (let i = 0; i < 100; i++) v.update(64_000, i * 1000);
    expect(v.estimateAnnual()).toBe(0);
    expect(v.annual()).toBe(0.2);
  });

  it('recovers the volatility of a constant-size alternating return series', () => {
    // |r| = 1e-4 every second → variance rate 1e-8 per second → σ = 1e-4·√(seconds per year).
    const v = new EwmaVolatility(60_000, 0);
    let px = 64_000;
    for (let i = 0; i <= 600; i++) {
      v.update(px, i * 1000);
      px *= Math.exp(i % 2 === 0 ? 1e-4 : -1e-4);
    }
    expect(v.estimateAnnual()!).toBeCloseTo(1e-4 * Math.sqrt(MS_PER_YEAR / 1000), 6);
    expect(v.samples).toBe(600);
  });

  it('halves the weight of old returns every half-life', () => {
    // One large return, then flat prints for exactly one half-life: the variance rate halves.
    const v = new EwmaVolatility(10_000, 0);
    v.update(100, 0);
    v.update(101, 1_000);
    const first = v.estimateAnnual()!;
    v.update(101, 11_000);
    expect(v.estimateAnnual()!).toBeCloseTo(first / Math.SQRT2, 12);
  });

  it('treats irregular sampling consistently: one 2 s return equals the rate of two 1 s returns of the same variance rate', () => {
    const a = new EwmaVolatility(30_000, 0);
    const b = new EwmaVolatility(30_000, 0);
    a.update(100, 0);
    a.update(100 * Math.exp(0.002), 2_000);
    b.update(100, 0);
    b.update(100 * Math.exp(0.002 / Math.SQRT2), 1_000);
    b.update(100 * Math.exp(0.002 / Math.SQRT2) * Math.exp(-0.002 / Math.SQRT2), 2_000);
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
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 60_000 })), { maxLength: 50 }), (steps) => {
      const v = new EwmaVolatility(30_000, 0.15);
      let t = 0;
      for (const [px, dt] of steps) v.update(px, (t += dt));
      return Number.isFinite(v.annual()) && v.annual() >= 0.15;
    }));
  });

  it('refuses a non-positive half-life', () => {
    expect(() => new EwmaVolatility(0, 0.2)).toThrow(RangeError);
  });
});
