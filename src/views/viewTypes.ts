/** The shapes a RunView keeps (runView.ts): its options, source rows, market entries, intents and counts. */
import type { FeedHealth, Pnl } from '../core/outputs.ts';
import type { Account } from './account.ts';
import type { MarketView, TokenQuote } from '../core/wire.ts';
import type { SeriesOptions } from './series.ts';

export interface RunViewOptions {
  /** Capacity of the recent fills and rejects rings. */
  recentMax?: number;
  /** Capacity of the runs list. */
  runsMax?: number;
  /** Capacity of the recent settlements ring. */
  settlementsMax?: number;
  /** Intents remembered (decision time and fair value) for a fill's latency and edge: a fill follows its intent within seconds. */
  intentsMax?: number;
  /** Market ledgers kept for the per-market table (account.ts LEDGERS_MAX by default). */
  ledgersMax?: number;
  series?: SeriesOptions;
}

/** A source's last health report, with its message rate between its last two reports (null after the first). */
export interface SourceRow extends Omit<FeedHealth, 'event_type'> {
  msgs_per_s: number | null;
}

export interface MarketEntry {
  view: MarketView;
  quotes: Map<string, TokenQuote>;
}

export interface IntentNote {
  ts_unix_ms: number;
  /** Fair value of the intent's token in the signal that caused it (null when the signal carried none). */
  fair: number | null;
}

/** Counts of the run's events (the reject counts are episodes: one per risk_reject). */
export interface RunCounts {
  medians: number;
  intents: number;
  fills: number;
  buys: number;
  sells: number;
  settlements: number;
  rejects: number;
  reject_occurrences: number;
}

export const zeroCounts = (): RunCounts => ({
  medians: 0,
  intents: 0,
  fills: 0,
  buys: 0,
  sells: 0,
  settlements: 0,
  rejects: 0,
  reject_occurrences: 0,
});

/**
 * What the named figures (figures.ts) read of the view. RunView implements it; the figures
 * see only this, so the table of figures does not depend on the class that folds them.
 */
export interface FigureInputs {
  readonly counts: RunCounts;
  readonly volumeUsd: number;
  readonly feesPaid: number;
  readonly rebatesEarned: number;
  readonly rejectsByReason: ReadonlyMap<string, number>;
  readonly occurrencesByReason: ReadonlyMap<string, number>;
  readonly markets: ReadonlyMap<string, MarketEntry>;
  readonly account: Account;
  readonly pnl: Pnl | null;
  readonly maxDrawdownUsd: number;
  readonly maxDrawdownFrac: number;
  readonly intents: ReadonlyMap<string, IntentNote>;
  /** Each figure's own accumulator, in the order of FIGURES. */
  readonly figureState: unknown[];
}
