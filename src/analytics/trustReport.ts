/**
 * The trust report (pure): the figures of analytics.ts gathered into one plain object for
 * the run summary, the API and the docs, and its summary lines. `buildReport` is the
 * definition of the per-fill figures, over every fill record at once; a running lab folds
 * the same figures as fills arrive (fillFigures.ts) and the two agree to the last bit
 * (sums are exact, exactSum.ts; test/unit/trust-incremental.test.ts).
 */
import type { Side } from '../core/events.ts';
import type { CalibrationAccumulator, CalibrationScore } from './calibration.ts';
import type { FillRecord } from './records.ts';
import type { FillModel, ModelPrices } from './fillModels.ts';
import { MARKOUT_HORIZONS_MS } from './markouts.ts';
import { ExactSum, exactSum } from './exactSum.ts';
import type { TapeEvidence } from './tape.ts';
import type { QueueRangeReport } from './queueRange.ts';
import type { BasisReport } from './basis.ts';
import type { LatencyRow } from './latency.ts';

export interface TapeSummary {
  window_ms: number;
  confirmed: number;
  unconfirmed: number;
  unknown: number;
  /** Confirmed fills / all fills; null without fills. */
  confirmed_share: number | null;
  /** Settled PnL (default model) of all fills and of the confirmed ones. */
  settled_pnl: number;
  confirmed_pnl: number;
  confirmed_pnl_share: number | null;
}

export interface MarkoutRow {
  strategy: string;
  side: Side;
  fills: number;
  /** Per horizon: quantity-weighted average per share (probability points), null when never sampled. */
  horizons: { horizon_ms: number; samples: number; mid: number | null; exit: number | null }[];
  settlement: { samples: number; avg: number | null };
}

export interface FillModelRange {
  /** How the pessimistic model's wait was set: twice the latency, or the measured p99 (docs/methodology.md). */
  pessimistic_latency: 'double' | 'measured_p99';
  settled_trades: number;
  pnl: ModelPrices;
  /** Resting orders' settled PnL under both queue models (present once a resting order filled under either). */
  queue?: QueueRangeReport;
  low: number;
  high: number;
}

export interface CalibrationRow extends CalibrationScore {
  strategy: string;
  family: string;
}

export interface TrustReport {
  fills: number;
  dropped_fills: number;
  tape: TapeSummary;
  markouts: MarkoutRow[];
  fill_models: FillModelRange;
  calibration: CalibrationRow[];
  basis: BasisReport;
  latency: LatencyRow[];
}

type Judged = FillRecord & { tape: TapeEvidence };

/** Keeps every other point (the first one included): a bounded series that still spans the whole run. */
export function thin<T>(xs: T[]): void {
  let kept = 0;
  for (let i = 0; i < xs.length; i += 2) xs[kept++] = xs[i]!;
  xs.length = kept;
}

export function buildReport(
  fills: readonly Judged[],
  calibration: ReadonlyMap<string, CalibrationAccumulator>,
  windowMs: number,
  dropped: number,
  feeds: { basis: BasisReport; latency: LatencyRow[] },
  pessimisticLatency: FillModelRange['pessimistic_latency'],
  queue: QueueRangeReport | null = null,
): TrustReport {
  return {
    fills: fills.length,
    dropped_fills: dropped,
    tape: tapeSummary(fills, windowMs),
    markouts: markoutRows(fills),
    fill_models: { pessimistic_latency: pessimisticLatency, ...fillModelRange(fills), ...(queue ? { queue } : {}) },
    calibration: calibrationRows(calibration),
    ...feeds,
  };
}

function tapeSummary(fills: readonly Judged[], windowMs: number): TapeSummary {
  const n = { confirmed: 0, unconfirmed: 0, unknown: 0 };
  const settledSum = new ExactSum();
  const confirmedSum = new ExactSum();
  for (const f of fills) {
    n[f.tape.label] += 1;
    if (f.pnl === null) continue;
    settledSum.add(f.pnl.default);
    if (f.tape.label === 'confirmed') confirmedSum.add(f.pnl.default);
  }
  const settled = settledSum.value();
  const confirmed = confirmedSum.value();
  return {
    window_ms: windowMs,
    ...n,
    confirmed_share: fills.length > 0 ? n.confirmed / fills.length : null,
    settled_pnl: settled,
    confirmed_pnl: confirmed,
    confirmed_pnl_share: settled !== 0 ? confirmed / settled : null,
  };
}

/** Quantity-weighted mean of the non-null values. */
function weighted(pairs: readonly (readonly [value: number | null, qty: number])[]): { samples: number; avg: number | null } {
  const w = new ExactSum();
  const s = new ExactSum();
  let n = 0;
  for (const [v, q] of pairs) {
    if (v === null) continue;
    n += 1;
    w.add(q);
    s.add(v * q);
  }
  const qty = w.value();
  return { samples: n, avg: qty > 0 ? s.value() / qty : null };
}

function markoutRows(fills: readonly Judged[]): MarkoutRow[] {
  const groups = new Map<string, Judged[]>();
  for (const f of fills) {
    const k = `${f.strategy}\u0000${f.fill.side}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      strategy: g[0]!.strategy,
      side: g[0]!.fill.side,
      fills: g.length,
      horizons: MARKOUT_HORIZONS_MS.map((h, i) => {
        const mid = weighted(g.map((f) => [f.marks.samples[i]?.mid ?? null, f.fill.qty] as const));
        const exit = weighted(g.map((f) => [f.marks.samples[i]?.exit ?? null, f.fill.qty] as const));
        return { horizon_ms: h, samples: mid.samples, mid: mid.avg, exit: exit.avg };
      }),
      settlement: weighted(g.map((f) => [f.marks.settle, f.fill.qty] as const)),
    }));
}

function fillModelRange(fills: readonly Judged[]): Omit<FillModelRange, 'pessimistic_latency'> {
  const settled = fills.filter((f) => f.pnl !== null);
  const sum = (m: FillModel) => exactSum(settled.map((f) => f.pnl![m]));
  const pnl: ModelPrices = { optimistic: sum('optimistic'), default: sum('default'), pessimistic: sum('pessimistic') };
  const n = settled.length;
  return {
    settled_trades: n,
    pnl,
    low: Math.min(pnl.optimistic, pnl.default, pnl.pessimistic),
    high: Math.max(pnl.optimistic, pnl.default, pnl.pessimistic),
  };
}

export function calibrationRows(calibration: ReadonlyMap<string, CalibrationAccumulator>): CalibrationRow[] {
  return [...calibration.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, acc]) => {
      const [strategy = '', family = ''] = key.split('|');
      return { strategy, family, ...acc.score() };
    });
}

const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const cents = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}c`);
const num = (x: number | null, d = 4) => (x === null ? 'n/a' : x.toFixed(d));

/** The trust lines of the run summary (docs/methodology.md explains each figure). */
export function formatTrust(r: TrustReport): string[] {
  const t = r.tape;
  const fm = r.fill_models;
  const lines = [
    '  trust (docs/methodology.md, "How far to trust the paper PnL")',
    `    tape          ${t.confirmed} confirmed, ${t.unconfirmed} unconfirmed, ${t.unknown} unknown of ${r.fills} fills (${pct(t.confirmed_share)} confirmed; window ${t.window_ms} ms)`,
    `    tape PnL      ${usd(t.confirmed_pnl)} of settled ${usd(t.settled_pnl)} from confirmed fills (${pct(t.confirmed_pnl_share)})`,
    `    PnL range     ${usd(fm.pnl.pessimistic)} pessimistic .. ${usd(fm.pnl.default)} default .. ${usd(fm.pnl.optimistic)} optimistic (${fm.settled_trades} settled fills)`,
    ...(fm.queue
      ? [
          `    queue models  settled maker PnL ${usd(fm.queue.pnl.conservative)} conservative .. ${usd(fm.queue.pnl.probabilistic)} probabilistic (${fm.queue.configured} fills the portfolio; ${fm.queue.maker_fills} maker fills, ${fm.queue.shadow_fills} by the other model)`,
        ]
      : []),
  ];
  for (const m of r.markouts) {
    const hs = m.horizons.map((h) => `${h.horizon_ms / 1_000}s ${cents(h.mid)}`).join(', ');
    lines.push(`    markout       ${m.strategy} ${m.side} (${m.fills}): ${hs}, settle ${cents(m.settlement.avg)} per share (mid)`);
  }
  for (const c of r.calibration) {
    lines.push(
      `    calibration   ${c.strategy} ${c.family}: n=${c.count} Brier ${num(c.brier)} log loss ${num(c.log_loss)} ECE ${num(c.ece)}`,
    );
  }
  for (const b of r.basis.sources) {
    const warn = b.warning ? ` WARNING: last above ${r.basis.warn_bps} bps` : '';
    lines.push(
      `    basis         median vs ${b.source}: mean ${num(b.mean_bps, 1)} bps, max |${num(b.max_abs_bps, 1)}| bps over ${b.samples} medians${warn}`,
    );
  }
  if (r.basis.flip_risk_count > 0)
    lines.push(
      `    basis flip    ${r.basis.flip_risk_count} market(s) where median and resolution source sat on opposite sides of the price to beat`,
    );
  const lat = r.latency.map((l) => `${l.source} ${l.exchange_to_receive_p50_ms ?? '-'}/${l.exchange_to_receive_p99_ms ?? '-'}`).join(', ');
  if (lat) lines.push(`    latency       exchange→receive p50/p99 ms: ${lat}`);
  return lines;
}
