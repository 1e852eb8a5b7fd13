// Goal: the sim world's rules, step by step and fast: the price path each volatility and jump
// setting makes (replayed from the same seeded stream), the oracle's lag and basis, a fork's
// independence, and the true probability of Up at its edges (no time left, the lag window,
// one standard deviation, the basis half-life) and the jump mixture's binomial weights.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { MS_PER_YEAR, normCdf } from '../../src/pricing/fairValue.ts';
import { simRealism, type SimRealism } from '../../src/sim/profile.ts';
import { mixtureUp, SimWorld, STEP_MS } from '../../src/sim/world.ts';

const calm = (over: Partial<SimRealism> = {}): SimRealism =>
  simRealism('efficient', { volAnnual: 0, jumpPerStep: 0, oracleBasisBps: 0, oracleLagMs: 1_000, ...over });

/** The world's draws, replayed: one normal at construction, then per step normal, jump, side, normal. */
function replaySteps(seed: number, n: number): { z: number; jumpU: number; upU: number; zb: number }[] {
  const rng = new Rng(seed);
  rng.normal();
  return Array.from({ length: n }, () => ({ z: rng.normal(), jumpU: rng.next(), upU: rng.next(), zb: rng.normal() }));
}

describe('the world price path', () => {
  it('starts at the start price, with no basis when the basis is off', () => {
    const w = new SimWorld(calm(), new Rng(1), 50_000);
    expect(w.btc).toBe(50_000);
    expect(w.basis).toBe(0);
    expect(w.laggedBtc()).toBe(50_000);
    expect(w.oraclePx()).toBe(50_000);
  });

  it('without volatility or jumps the price never moves', () => {
    const w = new SimWorld(calm(), new Rng(2));
    for (let i = 0; i < 50; i++) w.step();
    expect(w.btc).toBe(64_000);
  });

  it('a jump every step moves the price by exactly ±jumpLog, up when the side draw is below ½', () => {
    const J = 0.01;
    const w = new SimWorld(calm({ jumpPerStep: 1, jumpLog: J }), new Rng(3));
    const draws = replaySteps(3, 40);
    let ups = 0;
    for (const d of draws) {
      const before = w.btc;
      w.step();
      const up = d.upU < 0.5;
      ups += up ? 1 : 0;
      expect(Math.log(w.btc / before)).toBeCloseTo(up ? J : -J, 12);
    }
    expect(ups).toBeGreaterThan(0);
    expect(ups).toBeLessThan(40);
  });

  it('a jump chance of zero never jumps, whatever the jump size', () => {
    const w = new SimWorld(calm({ jumpPerStep: 0, jumpLog: 0.05 }), new Rng(4));
    for (let i = 0; i < 100; i++) w.step();
    expect(w.btc).toBe(64_000);
  });

  it('one step of diffusion is the annual volatility scaled to 100 ms times a standard normal', () => {
    const vol = 0.8;
    const w = new SimWorld(calm({ volAnnual: vol }), new Rng(5));
    const [d] = replaySteps(5, 1);
    w.step();
    expect(Math.log(w.btc / 64_000)).toBeCloseTo(vol * Math.sqrt(STEP_MS / MS_PER_YEAR) * d!.z, 14);
  });

  it('the basis starts from its stationary law and reverts with a 60 s half-life', () => {
    const bps = 5;
    const sd = bps / 10_000;
    const w = new SimWorld(calm({ oracleBasisBps: bps }), new Rng(6));
    const rng = new Rng(6);
    const b0 = sd * rng.normal();
    expect(w.basis).toBeCloseTo(b0, 15);
    const [d] = replaySteps(6, 1);
    w.step();
    const a = 2 ** (-STEP_MS / 60_000);
    expect(w.basis).toBeCloseTo(a * b0 + sd * Math.sqrt(1 - a * a) * d!.zb, 15);
    // Over a long run the basis keeps its stationary spread.
    let ss = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      w.step();
      ss += w.basis ** 2;
    }
    expect(Math.sqrt(ss / n) / sd).toBeGreaterThan(0.85);
    expect(Math.sqrt(ss / n) / sd).toBeLessThan(1.15);
  });

  it('the oracle reports the price oracleLagMs ago times exp(basis)', () => {
    const w = new SimWorld(calm({ volAnnual: 0.5, oracleBasisBps: 3 }), new Rng(7));
    const path = [w.btc];
    for (let i = 1; i <= 30; i++) {
      w.step();
      path.push(w.btc);
      expect(w.laggedBtc()).toBe(path[Math.max(0, i - 10)]);
      expect(w.oraclePx()).toBeCloseTo(w.laggedBtc() * Math.exp(w.basis), 8);
    }
  });

  it.each([
    [0, 0],
    [-500, 0],
    [1_040, 10],
    [1_060, 11],
  ])('an oracle lag of %i ms is %i steps', (lagMs, steps) => {
    const w = new SimWorld(calm({ volAnnual: 0.5, oracleLagMs: lagMs }), new Rng(8));
    const path = [w.btc];
    for (let i = 1; i <= 25; i++) {
      w.step();
      path.push(w.btc);
      expect(w.laggedBtc()).toBe(path[Math.max(0, i - steps)]);
    }
  });

  it('the same seed gives the same path; another seed another path', () => {
    const run = (seed: number) => {
      const w = new SimWorld(simRealism('efficient'), new Rng(seed));
      const out: number[] = [];
      for (let i = 0; i < 100; i++) {
        w.step();
        out.push(w.btc, w.oraclePx());
      }
      return out;
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('a fork carries the state over and then follows its own stream, leaving the original alone', () => {
    const w = new SimWorld(simRealism('efficient', { oracleBasisBps: 4 }), new Rng(11));
    for (let i = 0; i < 25; i++) w.step();
    const before = { btc: w.btc, basis: w.basis, lagged: w.laggedBtc() };
    const f = w.fork(new Rng(99));
    expect({ btc: f.btc, basis: f.basis, lagged: f.laggedBtc() }).toEqual(before);
    expect(f.oraclePx()).toBe(w.oraclePx());
    const twin = w.fork(new Rng(99));
    const lagged: number[] = [];
    for (let i = 0; i < 15; i++) {
      f.step();
      twin.step();
      expect(twin.btc).toBe(f.btc);
      expect(twin.laggedBtc()).toBe(f.laggedBtc());
      lagged.push(f.laggedBtc());
    }
    // The fork's lagged prices are the original's recent path, then its own.
    expect(w.btc).toBe(before.btc);
    expect(w.laggedBtc()).toBe(before.lagged);
    w.step();
    expect(lagged[0]).toBe(w.laggedBtc());
  });
});

describe('the true probability of Up', () => {
  it('with nothing random left it is 1 at or above the strike and 0 below', () => {
    const w = new SimWorld(calm(), new Rng(12));
    expect(w.trueUp(64_000, 0, 60_000)).toBe(1);
    expect(w.trueUp(64_000.01, 0, 60_000)).toBe(0);
    expect(w.trueUp(63_999.99, 0, 60_000)).toBe(1);
  });

  it('at the end it is whether the oracle print now is at or above the strike', () => {
    const w = new SimWorld(calm({ volAnnual: 0.5, oracleBasisBps: 3 }), new Rng(13));
    for (let i = 0; i < 30; i++) w.step();
    const px = w.oraclePx();
    expect(w.trueUp(px * (1 - 1e-9), 5_000, 5_000)).toBe(1);
    expect(w.trueUp(px * (1 + 1e-9), 5_000, 5_000)).toBe(0);
    // Past the end counts as the end.
    expect(w.trueUp(px * (1 - 1e-9), 5_000, 4_000)).toBe(1);
  });

  it('inside the lag the end print is already known: the price (lag − steps left) steps ago', () => {
    const w = new SimWorld(calm({ volAnnual: 0.5 }), new Rng(14));
    const path = [w.btc];
    for (let i = 0; i < 30; i++) {
      w.step();
      path.push(w.btc);
    }
    // 3 steps to the end with a 10-step lag: the print at the end is the price 7 steps ago.
    const ref = path[30 - 7]!;
    expect(w.trueUp(ref, 0, 300)).toBe(1);
    expect(w.trueUp(ref * (1 + 1e-12), 0, 300)).toBe(0);
    expect(w.trueUp(ref * (1 + 1e-12), 0, 340)).toBe(0);
    // 9 steps left: the price one step ago.
    expect(w.trueUp(path[29]!, 0, 900)).toBe(1);
    expect(w.trueUp(path[29]! * (1 + 1e-12), 0, 900)).toBe(0);
  });

  it('a strike at the price is a coin flip; one diffusion deviation below it is Φ(1)', () => {
    const vol = 0.5;
    const w = new SimWorld(calm({ volAnnual: vol }), new Rng(15));
    expect(w.trueUp(w.btc, 0, 60_000)).toBeCloseTo(0.5, 12);
    // 600 steps to the end, 10 of them inside the lag: 590 steps of diffusion still to come.
    const s = vol * Math.sqrt((590 * STEP_MS) / MS_PER_YEAR);
    expect(w.trueUp(w.btc * Math.exp(-s), 0, 60_000)).toBeCloseTo(normCdf(1), 10);
    expect(w.trueUp(w.btc * Math.exp(s), 0, 60_000)).toBeCloseTo(normCdf(-1), 10);
  });

  it('the basis counts for half its size one half-life ahead, with 3/4 of its variance still to come', () => {
    const bps = 4;
    const w = new SimWorld(calm({ oracleBasisBps: bps, oracleLagMs: 0 }), new Rng(16));
    const b = w.basis;
    expect(b).not.toBe(0);
    const sd = bps / 10_000;
    expect(w.trueUp(w.btc, 0, 60_000)).toBeCloseTo(normCdf(b / 2 / (sd * Math.sqrt(0.75))), 10);
  });

  it('jumps widen the spread of outcomes: a far strike becomes more likely', () => {
    const base = calm({ volAnnual: 0.3, oracleLagMs: 0 });
    const w0 = new SimWorld(base, new Rng(17));
    const wj = new SimWorld({ ...base, jumpPerStep: 1 / 600, jumpLog: 0.01 }, new Rng(17));
    const k = 64_000 * 1.005;
    expect(wj.trueUp(k, 0, 60_000)).toBeGreaterThan(w0.trueUp(k, 0, 60_000) + 0.01);
    expect(wj.trueUp(64_000, 0, 60_000)).toBeCloseTo(0.5, 9);
  });
});

describe('the jump mixture', () => {
  // With a tiny diffusion Φ is a step, so the result is the weight of net jumps above −μ/J.
  const step = (mu: number, m: number) => mixtureUp(mu, 1e-9, m, 0.5, 1);

  it('one step at a coin-flip jump chance: no jump ½, up ¼, down ¼', () => {
    expect(step(0.5, 1)).toBeCloseTo(0.75, 12);
    expect(step(-0.5, 1)).toBeCloseTo(0.25, 12);
    expect(step(1.5, 1)).toBeCloseTo(1, 12);
    expect(step(-1.5, 1)).toBeCloseTo(0, 12);
  });

  it('two steps: net jumps −2…2 weigh 1/16, 1/4, 3/8, 1/4, 1/16', () => {
    expect(step(-1.5, 2)).toBeCloseTo(1 / 16, 12);
    expect(step(-0.5, 2)).toBeCloseTo(1 / 16 + 1 / 4, 12);
    expect(step(0.5, 2)).toBeCloseTo(1 / 16 + 1 / 4 + 3 / 8, 12);
    expect(step(1.5, 2)).toBeCloseTo(1 - 1 / 16, 12);
    // Weights are kept per (steps, chance): one step's are not two steps'.
    expect(step(0.5, 1)).toBeCloseTo(0.75, 12);
    expect(step(0.5, 2)).toBeCloseTo(11 / 16, 12);
  });

  it('a jump chance other than ½ weighs jump counts binomially', () => {
    // m = 2, q = 0.2: n = 0 0.64, n = 1 0.32 (±1 half each), n = 2 0.04 (−2 0.01, 0 0.02, +2 0.01).
    const f = (mu: number) => mixtureUp(mu, 1e-9, 2, 0.2, 1);
    expect(f(-1.5)).toBeCloseTo(0.01, 12);
    expect(f(-0.5)).toBeCloseTo(0.17, 12);
    expect(f(0.5)).toBeCloseTo(0.83, 12);
    expect(f(1.5)).toBeCloseTo(0.99, 12);
  });

  it('without jumps (no chance, no steps or no size) it is the plain normal', () => {
    expect(mixtureUp(0.3, 0.5, 10, 0, 0.01)).toBeCloseTo(normCdf(0.6), 12);
    expect(mixtureUp(0.3, 0.5, 0, 0.2, 0.01)).toBeCloseTo(normCdf(0.6), 12);
    expect(mixtureUp(0.3, 0.5, 10, 0.2, 0)).toBeCloseTo(normCdf(0.6), 12);
  });

  it('stays a probability for many steps and extreme arguments', () => {
    for (const mu of [-50, -1, 0, 1, 50]) {
      const p = mixtureUp(mu, 0.01, 9_000, 1 / 6_000, 0.001);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(mixtureUp(50, 0.01, 9_000, 1 / 6_000, 0.001)).toBeCloseTo(1, 9);
    expect(mixtureUp(-50, 0.01, 9_000, 1 / 6_000, 0.001)).toBeCloseTo(0, 9);
  });
});
