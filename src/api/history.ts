/**
 * The short past the dashboard draws from its `connected` snapshot alone: the reference
 * price and equity curves, reject counts over time, recent settlements and the decision
 * time of recent intents (for fill latency). A sink of output events like LabState; every
 * series is a bounded ring and is cleared when a new run starts.
 */
import type { BtcMedian, OutputEvent, Settlement } from '../core/outputs.ts';
import type { DashboardHistory } from '../core/wire.ts';
import { Ring } from './state.ts';

export interface HistoryOptions {
  /** Points per curve (the median is sampled at most once per `sampleMs` of input time). */
  points?: number;
  sampleMs?: number;
  /** Reject counts are sampled at most this often (input time). */
  rejectSampleMs?: number;
  settlements?: number;
  /** Intents remembered for latency: a fill usually follows its intent within seconds. */
  intents?: number;
}

type MedianPoint = DashboardHistory['median'][number];
type EquityPoint = DashboardHistory['equity'][number];
type RejectSample = DashboardHistory['rejects'][number];

const oldestFirst = <T>(ring: Ring<T>): T[] => ring.newest(ring.capacity).reverse();

export class HistorySink {
  private median: Ring<MedianPoint>;
  private equity: Ring<EquityPoint>;
  private rejects: Ring<RejectSample>;
  private settlements: Ring<Settlement>;
  private readonly intentMs = new Map<string, number>();
  private readonly rejectCounts = new Map<string, number>();
  private lastMedian: BtcMedian | null = null;
  private lastRejectSampleMs = -Infinity;
  private lastMedianSampleMs = -Infinity;
  private rejectsDirty = false;
  private readonly o: Required<HistoryOptions>;

  constructor(opts: HistoryOptions = {}) {
    this.o = { points: 900, sampleMs: 1_000, rejectSampleMs: 10_000, settlements: 50, intents: 2_000, ...opts };
    this.median = new Ring(this.o.points);
    this.equity = new Ring(this.o.points);
    this.rejects = new Ring(this.o.points);
    this.settlements = new Ring(this.o.settlements);
  }

  readonly apply = (e: OutputEvent): void => {
    switch (e.event_type) {
      case 'run_started':
        this.reset();
        break;
      case 'btc_median':
        this.onMedian(e);
        break;
      case 'pnl':
        this.equity.push({ ts_unix_ms: e.ts_unix_ms, equity: e.equity, realized: e.realized, fees: e.fees });
        break;
      case 'settlement':
        this.settlements.push(e);
        break;
      case 'paper_intent':
        this.onIntent(e.intent_id, e.ts_unix_ms);
        break;
      case 'risk_reject':
        this.rejectCounts.set(e.reason, (this.rejectCounts.get(e.reason) ?? 0) + 1);
        this.rejectsDirty = true;
        this.sampleRejects(e.ts_unix_ms);
        break;
      case 'feed_health':
        this.sampleRejects(e.ts_unix_ms);
        break;
      default:
        break;
    }
  };

  private reset(): void {
    this.median = new Ring(this.o.points);
    this.equity = new Ring(this.o.points);
    this.rejects = new Ring(this.o.points);
    this.settlements = new Ring(this.o.settlements);
    this.intentMs.clear();
    this.rejectCounts.clear();
    this.lastMedian = null;
    this.lastRejectSampleMs = -Infinity;
    this.lastMedianSampleMs = -Infinity;
    this.rejectsDirty = false;
  }

  private onMedian(e: BtcMedian): void {
    this.lastMedian = e;
    if (e.ts_unix_ms - this.lastMedianSampleMs < this.o.sampleMs) return;
    this.lastMedianSampleMs = e.ts_unix_ms;
    this.median.push({ ts_unix_ms: e.ts_unix_ms, px: e.px_median });
  }

  private onIntent(id: string, tsMs: number): void {
    this.intentMs.set(id, tsMs);
    // A Map iterates in insertion order: the first key is the oldest intent.
    if (this.intentMs.size > this.o.intents) this.intentMs.delete(this.intentMs.keys().next().value!);
  }

  private sampleRejects(tsMs: number): void {
    if (!this.rejectsDirty || tsMs - this.lastRejectSampleMs < this.o.rejectSampleMs) return;
    this.lastRejectSampleMs = tsMs;
    this.rejectsDirty = false;
    this.rejects.push({ ts_unix_ms: tsMs, by_reason: Object.fromEntries(this.rejectCounts) });
  }

  snapshot(): DashboardHistory {
    return {
      last_median: this.lastMedian,
      median: oldestFirst(this.median),
      equity: oldestFirst(this.equity),
      rejects: oldestFirst(this.rejects),
      settlements: oldestFirst(this.settlements),
      intent_ms: Object.fromEntries(this.intentMs),
    };
  }
}
