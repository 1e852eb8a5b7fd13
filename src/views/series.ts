/**
 * The short past a chart draws: the reference price and equity curves and cumulative
 * reject counts over time, each a bounded ring, sampled in input time.
 */
import type { BtcMedian, Pnl } from '../core/outputs.ts';
import type { DashboardHistory } from '../core/wire.ts';
import { Ring } from './ring.ts';

export interface SeriesOptions {
  /** Points per curve (the median is sampled at most once per `sampleMs` of input time). */
  points?: number;
  sampleMs?: number;
  /** Reject counts are sampled at most this often (input time). */
  rejectSampleMs?: number;
}

type MedianPoint = DashboardHistory['median'][number];
type EquityPoint = DashboardHistory['equity'][number];
type RejectSample = DashboardHistory['rejects'][number];

export class Series {
  readonly median: Ring<MedianPoint>;
  readonly equity: Ring<EquityPoint>;
  readonly rejects: Ring<RejectSample>;
  private lastMedianSampleMs = -Infinity;
  private lastRejectSampleMs = -Infinity;
  private rejectsDirty = false;
  private readonly o: Required<SeriesOptions>;

  constructor(opts: SeriesOptions = {}) {
    this.o = { points: opts.points ?? 900, sampleMs: opts.sampleMs ?? 1_000, rejectSampleMs: opts.rejectSampleMs ?? 10_000 };
    this.median = new Ring(this.o.points);
    this.equity = new Ring(this.o.points);
    this.rejects = new Ring(this.o.points);
  }

  clear(): void {
    this.median.clear();
    this.equity.clear();
    this.rejects.clear();
    this.lastMedianSampleMs = -Infinity;
    this.lastRejectSampleMs = -Infinity;
    this.rejectsDirty = false;
  }

  onMedian(e: BtcMedian): void {
    if (e.ts_unix_ms - this.lastMedianSampleMs < this.o.sampleMs) return;
    this.lastMedianSampleMs = e.ts_unix_ms;
    this.median.push({ ts_unix_ms: e.ts_unix_ms, px: e.px_median });
  }

  onPnl(e: Pnl): void {
    this.equity.push({ ts_unix_ms: e.ts_unix_ms, equity: e.equity, realized: e.realized, fees: e.fees });
  }

  /** A reject changed the counts: the next sample point may take them. */
  onReject(tsMs: number, byReason: ReadonlyMap<string, number>): void {
    this.rejectsDirty = true;
    this.sampleRejects(tsMs, byReason);
  }

  /** Feed health ticks even while nothing is refused, so a burst's sample is not held back. */
  sampleRejects(tsMs: number, byReason: ReadonlyMap<string, number>): void {
    if (!this.rejectsDirty || tsMs - this.lastRejectSampleMs < this.o.rejectSampleMs) return;
    this.lastRejectSampleMs = tsMs;
    this.rejectsDirty = false;
    this.rejects.push({ ts_unix_ms: tsMs, by_reason: Object.fromEntries(byReason) });
  }
}
