/**
 * Honest statistics over a sweep's jobs (pure): each configuration's mean PnL per period
 * with a seeded bootstrap confidence interval, the pessimistic fill model's mean beside it,
 * and an anchored walk-forward: on each later period, the configuration that was best on
 * all the periods before it is scored on the one it never saw.
 *
 * A period is a capture-day (the UTC day a capture starts); when every capture starts on
 * the same day (the sim's captures do) each capture is its own period.
 */
import { Rng } from '../core/rng.ts';
import { usd } from '../views/format.ts';

export interface JobPoint {
  config: string;
  /** The capture as named on the command line (the period's label when each capture is one). */
  capture: string;
  captureHash: string;
  /** UTC day of the capture's start, YYYY-MM-DD. */
  day: string;
  startMs: number;
  pnl: number;
  pessimistic: number;
}

export interface Ranked {
  config: string;
  periods: number;
  meanPnl: number;
  ciLow: number;
  ciHigh: number;
  meanPessimistic: number;
}

export interface Fold {
  /** The period scored, and how many came before it. */
  period: string;
  inSamplePeriods: number;
  winner: string;
  winnerInSampleMean: number;
  outOfSamplePnl: number;
  /** 1 = best of all configurations on this period. */
  outOfSampleRank: number;
}

export interface SweepStats {
  unit: 'capture-day' | 'capture';
  periods: string[];
  configs: number;
  ranking: Ranked[];
  folds: Fold[];
  /** Mean out-of-sample PnL of the walk-forward choices (null with one period). */
  walkForwardMean: number | null;
  warnings: string[];
}

const BOOTSTRAP_SAMPLES = 2_000;

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** 95 % percentile-bootstrap interval of the mean (seeded: the same data gives the same interval). */
export function bootstrapCi(xs: readonly number[], seed: number, samples = BOOTSTRAP_SAMPLES): [number, number] {
  if (xs.length === 0) return [0, 0];
  const rng = new Rng(seed);
  const means: number[] = [];
  for (let b = 0; b < samples; b++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[rng.int(0, xs.length - 1)]!;
    means.push(s / xs.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * (samples - 1))]!, means[Math.ceil(0.975 * (samples - 1))]!];
}

/** Per configuration, per period: summed PnL (default and pessimistic fill models). */
function byPeriod(points: readonly JobPoint[], unit: SweepStats['unit']) {
  const order = new Map<string, number>();
  // Two captures could share a name on different machines: the hash tells them apart.
  const names = new Map<string, string>();
  const label = (p: JobPoint) => {
    const name = p.capture.split(/[\\/]/).filter(Boolean).pop() ?? p.captureHash.slice(0, 12);
    const owner = names.get(name);
    if (owner === undefined) names.set(name, p.captureHash);
    return owner === undefined || owner === p.captureHash ? name : `${name}#${p.captureHash.slice(0, 8)}`;
  };
  const table = new Map<string, Map<string, { pnl: number; pessimistic: number }>>();
  for (const p of points) {
    const period = unit === 'capture-day' ? p.day : label(p);
    order.set(period, Math.min(order.get(period) ?? Infinity, p.startMs));
    let row = table.get(p.config);
    if (!row) table.set(p.config, (row = new Map()));
    const cell = row.get(period) ?? { pnl: 0, pessimistic: 0 };
    row.set(period, { pnl: cell.pnl + p.pnl, pessimistic: cell.pessimistic + p.pessimistic });
  }
  const periods = [...order.keys()].sort((a, b) => order.get(a)! - order.get(b)! || (a < b ? -1 : 1));
  return { periods, table };
}

/** Rank of `config` among every configuration's PnL on `period` (1 = best; missing = worst). */
function rankOn(table: Map<string, Map<string, { pnl: number }>>, period: string, config: string): number {
  const mine = table.get(config)?.get(period)?.pnl ?? -Infinity;
  let better = 0;
  for (const row of table.values()) if ((row.get(period)?.pnl ?? -Infinity) > mine) better += 1;
  return better + 1;
}

function walkForward(periods: string[], table: Map<string, Map<string, { pnl: number }>>): Fold[] {
  const folds: Fold[] = [];
  for (let k = 1; k < periods.length; k++) {
    const seen = periods.slice(0, k);
    let winner = '';
    let best = -Infinity;
    for (const [config, row] of [...table.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const m = mean(seen.map((p) => row.get(p)?.pnl ?? 0));
      if (m > best) [winner, best] = [config, m];
    }
    const period = periods[k]!;
    folds.push({
      period,
      inSamplePeriods: k,
      winner,
      winnerInSampleMean: best,
      outOfSamplePnl: table.get(winner)?.get(period)?.pnl ?? 0,
      outOfSampleRank: rankOn(table, period, winner),
    });
  }
  return folds;
}

export function sweepStats(points: readonly JobPoint[], seed: number): SweepStats {
  const unit = new Set(points.map((p) => p.day)).size >= 2 ? 'capture-day' : 'capture';
  const { periods, table } = byPeriod(points, unit);
  const ranking: Ranked[] = [...table.entries()].map(([config, row]) => {
    const pnls = [...row.values()].map((c) => c.pnl);
    const [ciLow, ciHigh] = bootstrapCi(pnls, seed);
    return {
      config,
      periods: pnls.length,
      meanPnl: mean(pnls),
      ciLow,
      ciHigh,
      meanPessimistic: mean([...row.values()].map((c) => c.pessimistic)),
    };
  });
  ranking.sort((a, b) => b.meanPnl - a.meanPnl || (a.config < b.config ? -1 : 1));
  const folds = walkForward(periods, table);
  const n = table.size;
  const warnings: string[] = [];
  const half = Math.max(1, Math.ceil(n / 2));
  for (const f of folds)
    if (f.outOfSampleRank > half)
      warnings.push(
        `in-sample winner ${f.winner} (best on the ${f.inSamplePeriods} ${unit}(s) before ${f.period}) ranks ${f.outOfSampleRank} of ${n} on ${f.period}`,
      );
  if (n > 1)
    warnings.push(
      `${n} configurations were tried: the best of ${n} is picked partly for luck (with no real edge, the best mean sits about ${Math.sqrt(2 * Math.log(n)).toFixed(1)} standard errors above zero); trust the walk-forward figures, not the top of the ranking`,
    );
  if (periods.length < 2) warnings.push(`only one ${unit}: no walk-forward is possible; add captures from other days`);
  return {
    unit,
    periods,
    configs: n,
    ranking,
    folds,
    walkForwardMean: folds.length > 0 ? mean(folds.map((f) => f.outOfSamplePnl)) : null,
    warnings,
  };
}

/** A table of a sweep report: its header and its rows, as the text and the HTML report both show them. */
export interface StatsTable {
  head: string[];
  rows: (string | number)[][];
}

/** The ranking and the walk-forward folds as tables: one definition of their columns for every rendering. */
export function statsTables(s: SweepStats): { ranking: StatsTable; folds: StatsTable } {
  return {
    ranking: {
      head: ['rank', 'configuration', `${s.unit}s`, 'mean PnL', '95% CI', 'pessimistic'],
      rows: s.ranking.map((r, i) => [
        i + 1,
        r.config,
        r.periods,
        usd(r.meanPnl),
        `${usd(r.ciLow)}..${usd(r.ciHigh)}`,
        usd(r.meanPessimistic),
      ]),
    },
    folds: {
      head: ['scored on', `${s.unit}s before`, 'chosen (best before)', 'in-sample mean', 'out-of-sample PnL', 'OOS rank'],
      rows: s.folds.map((f) => [
        f.period,
        f.inSamplePeriods,
        f.winner,
        usd(f.winnerInSampleMean),
        usd(f.outOfSamplePnl),
        `${f.outOfSampleRank}/${s.configs}`,
      ]),
    },
  };
}
