// Goal: the fair value of an Up token is a well-behaved probability — exact reference points, and property-tested invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAIR_VALUE_EPS, MS_PER_YEAR, fairValueUp, normCdf } from '../../src/pricing/fairValue.ts';

// Reference values of Φ from erfc in double precision (Python math.erfc).
const PHI: Array<[number, number]> = [
  [0, 0.5],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145707],
  [2, 0.9772498680518208],
  [-3, 0.0013498980316301035],
  [-5, 2.866515718791939e-7],
  [-8, 6.22096057427178e-16],
  [-10, 7.619853024160525e-24],
];

const price = fc.double({ min: 1, max: 1e6, noNaN: true });
const timeMs = fc.double({ min: 1, max: 30 * 86_400_000, noNaN: true });
const vol = fc.double({ min: 0.01, max: 5, noNaN: true });

describe('normCdf', () => {
  it.each(PHI)('Φ(%d) matches erfc to 1e-15 absolute (1e-10 relative, 1e-8 in the far tail)', (x, ref) => {
    expect(Math.abs(normCdf(x) - ref)).toBeLessThan(1e-15);
    expect(Math.abs(normCdf(x) - ref) / ref).toBeLessThan(x < -7 ? 1e-8 : 1e-10);
  });

  it('is exactly symmetric: Φ(x) + Φ(−x) = 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        (x) => normCdf(x) + normCdf(-x) === 1 || Math.abs(normCdf(x) + normCdf(-x) - 1) <= 2 ** -52,
      ),
    );
  });

  it('is non-decreasing everywhere and has the right limits', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, dx) => normCdf(x) <= normCdf(x + dx),
      ),
    );
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-50)).toBe(0);
    expect(normCdf(50)).toBe(1);
  });
});

describe('fairValueUp', () => {
  it('is exactly 0.5 at the strike with any time left and any volatility', () => {
    fc.assert(fc.property(price, timeMs, fc.double({ min: -1, max: 5, noNaN: true }), (k, t, v) => fairValueUp(k, k, t, v) === 0.5));
    expect(fairValueUp(64_000, 64_000, 1, 0.5)).toBe(0.5);
  });

  it('matches Φ(ln(S/K)/(σ√τ)) on a worked example', () => {
    // S = 64 100, K = 64 000, σ = 0.5, τ = 5 min → d = 0.001561/0.001544 ≈ 1.0117.
    const tau = (5 * 60_000) / MS_PER_YEAR;
    const d = Math.log(64_100 / 64_000) / (0.5 * Math.sqrt(tau));
    expect(fairValueUp(64_100, 64_000, 5 * 60_000, 0.5)).toBeCloseTo(normCdf(d), 12);
    expect(fairValueUp(64_100, 64_000, 5 * 60_000, 0.5)).toBeCloseTo(0.8444, 4);
  });

  it('stays in the open interval (0, 1) with time left, for any finite inputs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
        fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
        fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
        fc.double({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE, noNaN: true }),
        (s, k, t, v) => {
          const p = fairValueUp(s, k, t, v);
          return Number.isFinite(p) && p >= FAIR_VALUE_EPS && p <= 1 - FAIR_VALUE_EPS;
        },
      ),
    );
  });

  it('is the payoff at or after expiry: 1 at or above the strike, else 0', () => {
    fc.assert(
      fc.property(
        price,
        price,
        fc.double({ min: -1e9, max: 0, noNaN: true }),
        vol,
        (s, k, t, v) => fairValueUp(s, k, t, v) === (s >= k ? 1 : 0),
      ),
    );
    expect(fairValueUp(64_000, 64_000, 0, 0.5)).toBe(1);
  });

  it('converges to the payoff as time runs out', () => {
    const above = [600_000, 60_000, 1_000, 100].map((t) => fairValueUp(64_010, 64_000, t, 0.5));
    const below = [600_000, 60_000, 1_000, 100].map((t) => fairValueUp(63_990, 64_000, t, 0.5));
    for (let i = 1; i < above.length; i++) {
      expect(above[i]!).toBeGreaterThan(above[i - 1]!);
      expect(below[i]!).toBeLessThan(below[i - 1]!);
    }
    // A millisecond before the end, $10 away is certain but for the clamp.
    expect(fairValueUp(64_010, 64_000, 1, 0.5)).toBe(1 - FAIR_VALUE_EPS);
    expect(fairValueUp(63_990, 64_000, 1, 0.5)).toBe(FAIR_VALUE_EPS);
  });

  it('is non-decreasing in the spot price', () => {
    fc.assert(
      fc.property(
        price,
        price,
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        timeMs,
        vol,
        (s, k, bump, t, v) => fairValueUp(s, k, t, v) <= fairValueUp(s * (1 + bump), k, t, v),
      ),
    );
  });

  it('strictly increases in the spot price near the strike with little time left', () => {
    // 1 second left, σ = 0.5: σ√τ ≈ 8.9e-5, so a $1 move on $64 000 is d ≈ 0.18.
    const xs = [63_998, 63_999, 64_000, 64_001, 64_002].map((s) => fairValueUp(s, 64_000, 1_000, 0.5));
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });

  it('moves toward 0.5 as time left grows (decreasing above the strike, increasing below)', () => {
    fc.assert(
      fc.property(price, price, timeMs, fc.double({ min: 1, max: 100, noNaN: true }), vol, (s, k, t, f, v) => {
        const near = fairValueUp(s, k, t, v);
        const far = fairValueUp(s, k, t * f, v);
        // Within a few ulps (f can be 1 + 4e-16, where rounding, not the model, decides the order).
        const ulps = 4 * Number.EPSILON;
        if (s > k) return far <= near + ulps && far >= 0.5;
        if (s < k) return far >= near - ulps && far <= 0.5;
        return near === 0.5 && far === 0.5;
      }),
    );
  });

  it('is symmetric between Up and Down: fairValueUp(S, K) + fairValueUp(K, S) = 1', () => {
    fc.assert(
      fc.property(price, price, timeMs, vol, (s, k, t, v) => Math.abs(fairValueUp(s, k, t, v) + fairValueUp(k, s, t, v) - 1) <= 2 ** -52),
    );
  });

  it('refuses prices that are not finite and positive', () => {
    expect(() => fairValueUp(0, 64_000, 1000, 0.5)).toThrow(RangeError);
    expect(() => fairValueUp(64_000, Number.NaN, 1000, 0.5)).toThrow(RangeError);
    expect(() => fairValueUp(64_000, 64_000, Number.NaN, 0.5)).toThrow(RangeError);
  });

  it('refuses a price to beat of zero or below instead of calling Up certain', () => {
    // ln(0) = −∞ would make any spot "infinitely above" the strike: a sure Up that is a bug upstream.
    expect(() => fairValueUp(64_000, 0, 60_000, 0.5)).toThrow('fairValueUp needs finite positive spot and strike, got 64000, 0');
    expect(() => fairValueUp(64_000, -1, 60_000, 0.5)).toThrow('got 64000, -1');
    expect(() => fairValueUp(64_000, 64_000, 60_000, Number.NaN)).toThrow('fairValueUp needs a time left and a volatility, got 60000, NaN');
  });

  it('with no volatility and time left, is as sure as the clamp allows on the side the spot is on', () => {
    // σ = 0 (a floor of 0 before any return) is the σ → 0 limit: the spot stays where it is.
    for (const vol of [0, -0.3]) {
      expect(fairValueUp(64_010, 64_000, 60_000, vol)).toBe(1 - FAIR_VALUE_EPS);
      expect(fairValueUp(63_990, 64_000, 60_000, vol)).toBe(FAIR_VALUE_EPS);
      expect(fairValueUp(64_000, 64_000, 60_000, vol)).toBe(0.5);
    }
  });
});
