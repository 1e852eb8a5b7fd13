/**
 * LabState: the API's reading of the lab. It keeps no fold of its own: the engine's output
 * events go into the one read model (src/views/runView.ts), and the routes read that. Every
 * collection is bounded there (rings for fills and rejects, markets leave at settlement).
 */
import type { OutputEvent, PaperFill, Pnl, Position, RiskReject } from '../core/outputs.ts';
import type { FeedHealthResponse, FeedWarning, MarketView, ReadyzResponse, RunInfo, RunMode, WsSnapshot } from '../core/wire.ts';
import { booksLive, DEFAULT_LIMITS, feedHealthOf, readinessOf, referenceLive, type LivenessLimits } from '../views/liveness.ts';
import { RunView } from '../views/runView.ts';
import { snapshotOf } from '../views/snapshot.ts';

export { Ring } from '../views/ring.ts';

export interface LabStateOptions extends Partial<LivenessLimits> {
  mode: RunMode;
  /** Capacity of the recent fills and rejects rings. */
  recentMax?: number;
  /** Capacity of the runs list. */
  runsMax?: number;
}

export class LabState {
  readonly view: RunView;
  private readonly startMode: RunMode;
  private readonly limits: LivenessLimits;
  /** The trust analytics' current warnings (the basis above its threshold), merged into feed health; none by default. */
  warnings: () => FeedWarning[] = () => [];

  constructor(opts: LabStateOptions) {
    this.startMode = opts.mode;
    this.view = new RunView({ recentMax: opts.recentMax, runsMax: opts.runsMax });
    this.limits = {
      referenceMaxAgeMs: opts.referenceMaxAgeMs ?? DEFAULT_LIMITS.referenceMaxAgeMs,
      bookMaxAgeMs: opts.bookMaxAgeMs ?? DEFAULT_LIMITS.bookMaxAgeMs,
    };
  }

  /** The sink. */
  readonly apply = (e: OutputEvent): void => this.view.apply(e);

  get mode(): RunMode {
    return this.view.mode ?? this.startMode;
  }

  get fills() {
    return this.view.fills;
  }

  get rejects() {
    return this.view.rejects;
  }

  /** Working orders with their queue positions (`GET /working-orders`). */
  get orders() {
    return this.view.orders;
  }

  /** Every refusal, the repeats inside reject episodes included. */
  get rejectOccurrences(): number {
    return this.view.counts.reject_occurrences;
  }

  referenceLive(): boolean {
    return referenceLive(this.view, this.limits);
  }

  booksLive(): number {
    return booksLive(this.view, this.limits);
  }

  feedHealth(): FeedHealthResponse {
    return feedHealthOf(this.view, this.limits, this.warnings(), this.startMode);
  }

  readiness(): ReadyzResponse {
    return readinessOf(this.view, this.limits);
  }

  snapshot(): WsSnapshot {
    return snapshotOf(this.view, this.limits, this.warnings(), this.startMode);
  }

  marketList(): MarketView[] {
    return [...this.view.markets.values()].map((m) => m.view);
  }

  positionList(): Position[] {
    return [...this.view.account.positions.values()];
  }

  recentFills(limit: number, marketId?: string): PaperFill[] {
    return this.view.fills.newest(limit, marketId === undefined ? undefined : (f) => f.market_id === marketId);
  }

  recentRejects(limit: number, marketId?: string): RiskReject[] {
    return this.view.rejects.newest(limit, marketId === undefined ? undefined : (r) => r.market_id === marketId);
  }

  rejectCounts(): Record<string, number> {
    return Object.fromEntries(this.view.rejectsByReason);
  }

  rejectOccurrenceCounts(): Record<string, number> {
    return Object.fromEntries(this.view.occurrencesByReason);
  }

  pnl(): Pnl | null {
    return this.view.pnl;
  }

  runList(): RunInfo[] {
    return this.view.runs.map((r) => ({ ...r }));
  }

  currentRun(): RunInfo | null {
    const r = this.view.currentRun();
    return r ? { ...r } : null;
  }
}
