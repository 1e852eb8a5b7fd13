/**
 * The simulated world the feeds describe: the true BTC price S (what the venues print
 * around) and the resolution source, a Chainlink-like oracle that reports S as it was
 * `oracleLagMs` ago times exp(basis), the basis a mean-reverting (Ornstein–Uhlenbeck)
 * process. Both advance in 100 ms steps from their own seeded stream, so the path of a
 * seed is the same whatever the strategy does.
 *
 * `trueUp` is the exact probability that the oracle's print at a window's end is at or
 * above the price to beat, given everything the world knows now (S, its recent past, the
 * basis): the price an efficient market's makers quote around. With jumps of ±J at a
 * per-step chance q, the end value is a binomial mixture of Gaussians:
 *
 *     P(Up) = Σₙ Bin(n; m, q) Σₖ C(n, k) 2⁻ⁿ Φ((μ + (2k − n) J) / √V)
 *
 * over the m steps of S still to come before end − lag, with μ = ln(S_ref / K) + b·aᴹ and
 * V = σ²_step·m + v_b (1 − a²ᴹ) (a = the basis' per-step decay, M = steps to the end).
 */
import { Rng } from '../core/rng.ts';
import { MS_PER_YEAR, normCdf } from '../pricing/fairValue.ts';
import { BASIS_HALF_LIFE_MS, type SimRealism } from './profile.ts';

export const STEP_MS = 100;
/** Mixture terms below this weight are dropped (their sum bounds the error). */
const MIX_EPS = 1e-12;

export class SimWorld {
  /** The true venue price now. */
  btc: number;
  /** The oracle's log basis to the venue price now. */
  basis = 0;
  private readonly history: Float64Array;
  private head = 0;
  private readonly lagSteps: number;
  private readonly stepSigma: number;
  private readonly basisDecay: number;
  private readonly basisVar: number;

  constructor(
    private readonly r: SimRealism,
    private readonly rng: Rng,
    startPx = 64_000,
  ) {
    this.btc = startPx;
    this.lagSteps = Math.max(0, Math.round(r.oracleLagMs / STEP_MS));
    this.history = new Float64Array(this.lagSteps + 1).fill(startPx);
    this.stepSigma = r.volAnnual * Math.sqrt(STEP_MS / MS_PER_YEAR);
    this.basisDecay = 2 ** (-STEP_MS / BASIS_HALF_LIFE_MS);
    this.basisVar = (r.oracleBasisBps / 10_000) ** 2;
    // Start the basis from its stationary distribution, so the first window is like any other.
    this.basis = Math.sqrt(this.basisVar) * rng.normal();
  }

  /** The same state driven by another stream from here on (Monte Carlo of what may come). */
  fork(rng: Rng): SimWorld {
    const w = new SimWorld(this.r, rng, this.btc);
    w.basis = this.basis;
    w.history.set(this.history);
    w.head = this.head;
    return w;
  }

  /** One 100 ms step of the price and the basis (always the same number of draws). */
  step(): void {
    const rng = this.rng;
    let r = this.stepSigma * rng.normal();
    const jump = rng.next() < this.r.jumpPerStep;
    const up = rng.next() < 0.5;
    if (jump) r += up ? this.r.jumpLog : -this.r.jumpLog;
    this.btc *= Math.exp(r);
    this.basis = this.basisDecay * this.basis + Math.sqrt(this.basisVar * (1 - this.basisDecay ** 2)) * rng.normal();
    this.head = (this.head + 1) % this.history.length;
    this.history[this.head] = this.btc;
  }

  /** The venue price `oracleLagMs` ago (the start price before that much time has passed). */
  laggedBtc(): number {
    return this.history[(this.head + 1) % this.history.length]!;
  }

  /** What the oracle reports now. */
  oraclePx(): number {
    return this.laggedBtc() * Math.exp(this.basis);
  }

  /** P(the oracle's print at `endMs` ≥ `strike`) as of `nowMs` (a step time). */
  trueUp(strike: number, nowMs: number, endMs: number): number {
    const stepsToEnd = Math.max(0, Math.round((endMs - nowMs) / STEP_MS));
    // S at end − lag is still to come (m steps away), or already in the recent past.
    const m = Math.max(0, stepsToEnd - this.lagSteps);
    const ref = m > 0 ? this.btc : this.history[(this.head - (this.lagSteps - stepsToEnd) + this.history.length) % this.history.length]!;
    const decay = this.basisDecay ** stepsToEnd;
    const mu = Math.log(ref / strike) + this.basis * decay;
    const v = this.stepSigma ** 2 * m + this.basisVar * (1 - decay * decay);
    if (!(v > 0)) return mu >= 0 ? 1 : 0;
    return mixtureUp(mu, Math.sqrt(v), m, this.r.jumpPerStep, this.r.jumpLog);
  }
}

/**
 * Σ over jump counts n ~ Bin(m, q) and up-jumps k ~ Bin(n, ½) of Φ((μ + (2k − n)J) / s),
 * grouped by net jump j = 2k − n so Φ is evaluated once per net jump.
 */
export function mixtureUp(mu: number, s: number, m: number, q: number, jump: number): number {
  if (!(q > 0) || m === 0 || jump === 0) return normCdf(mu / s);
  const weights = netJumpWeights(m, q);
  const half = (weights.length - 1) / 2;
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) total += weights[i]! * normCdf((mu + (i - half) * jump) / s);
  return Math.min(1, Math.max(0, total));
}

/** Weights by (steps, chance): the same few thousand step counts come back every window. */
const WEIGHTS = new Map<string, Float64Array>();
const WEIGHTS_MAX = 20_000;

/** P(net jump = j) for j = −N … N (index j + N), N the jump count beyond which the binomial tail is below MIX_EPS. */
function netJumpWeights(m: number, q: number): Float64Array {
  const key = `${m}:${q}`;
  let w = WEIGHTS.get(key);
  if (!w) {
    if (WEIGHTS.size >= WEIGHTS_MAX) WEIGHTS.clear();
    WEIGHTS.set(key, (w = computeWeights(m, q)));
  }
  return w;
}

function computeWeights(m: number, q: number): Float64Array {
  const pns: number[] = [];
  let pn = (1 - q) ** m; // P(n = 0)
  let mass = 0;
  for (let n = 0; n <= m && 1 - mass > MIX_EPS; n++) {
    if (n > 0) pn *= ((m - n + 1) / n) * (q / (1 - q));
    pns.push(pn);
    mass += pn;
  }
  const top = pns.length - 1;
  const w = new Float64Array(2 * top + 1);
  for (let n = 0; n <= top; n++) {
    let pk = 0.5 ** n; // C(n, 0) / 2ⁿ
    for (let k = 0; k <= n; k++) {
      if (k > 0) pk *= (n - k + 1) / k;
      w[2 * k - n + top]! += pns[n]! * pk;
    }
  }
  return w;
}
