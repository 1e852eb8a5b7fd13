/**
 * One sweep job: a capture replayed with one configuration through the code path of
 * `polylab replay` (replayConfig, buildEngine, replayInto, SummarySink, OutputDigest), with
 * the trust analytics observing, and nothing journaled. Runs on a worker thread. Its
 * figures, per job and per market, are read from the read model (src/views: the summary's
 * figures and the account's per-market ledger), so they are the numbers `polylab replay`
 * prints and `polylab report` shows for the same settings, not a fold of its own.
 */
import v8 from 'node:v8';
import { replayConfig, replayInto, type ReplayResult } from '../app/replaySource.ts';
import { buildAnalytics, buildEngine } from '../app/engineFactory.ts';
import { SummarySink } from '../app/runSummary.ts';
import { OutputDigest } from '../app/digest.ts';
import { compareRow } from '../app/lanes.ts';
import { CaptureError, openCapture, type Capture } from '../capture/reader.ts';
import type { OutputEvent } from '../core/outputs.ts';
import type { MarketPnl } from '../views/account.ts';

export interface JobTask {
  key: string;
  capturePath: string;
  /** The `POLYLAB_*` settings of the configuration, applied as a replay's environment. */
  settings: Record<string, string>;
}

/** The figures of one job (the `jobs` table, less the columns the main thread adds). */
export interface JobFigures {
  status: 'ok' | 'failed';
  /** Why a job failed (an unreadable capture), else null. */
  error: string | null;
  capture_run_id: string | null;
  capture_start_ms: number | null;
  /** The engine strategy (POLYLAB_STRATEGY) the job ran. */
  engine_strategy: string | null;
  inputs: number;
  bad_lines: number;
  fills: number;
  rejects: number;
  settlements: number;
  fees: number;
  realized_pnl: number;
  equity: number;
  max_drawdown: number;
  markout_5s: number | null;
  brier: number | null;
  pnl_optimistic: number;
  pnl_default: number;
  pnl_pessimistic: number;
  pnl_low: number;
  pnl_high: number;
  confirmed_share: number | null;
  digest: string | null;
}

/** One market of a job: `polylab report`'s per-market row (views/account.ts MarketPnl) under the sweep's column names. */
export interface MarketRow {
  market_id: string;
  fills: number;
  fees: number;
  /** The market's PnL as `report` shows it (net cash: trades, fees, rebates, payout); null while shares are still open. */
  realized_pnl: number | null;
  winning_outcome: string | null;
}

export interface FillRow {
  fill_id: string;
  ts_unix_ms: number;
  market_id: string;
  token_id: string;
  outcome: string;
  side: string;
  qty: number;
  fill_px: number;
  fee: number;
}

export interface JobResult {
  key: string;
  figures: JobFigures;
  markets: MarketRow[];
  fills: FillRow[];
  /** This worker's V8 heap after the job (bench: memory per worker stays flat). */
  heapUsedBytes: number;
}

const EMPTY: Omit<JobFigures, 'status' | 'error'> = {
  capture_run_id: null,
  capture_start_ms: null,
  engine_strategy: null,
  inputs: 0,
  bad_lines: 0,
  fills: 0,
  rejects: 0,
  settlements: 0,
  fees: 0,
  realized_pnl: 0,
  equity: 0,
  max_drawdown: 0,
  markout_5s: null,
  brier: null,
  pnl_optimistic: 0,
  pnl_default: 0,
  pnl_pessimistic: 0,
  pnl_low: 0,
  pnl_high: 0,
  confirmed_share: null,
  digest: null,
};

/** A job that could not run at all (an unreadable capture, a worker that died). */
export function failedResult(key: string, error: string): JobResult {
  return { key, figures: { ...EMPTY, status: 'failed', error }, markets: [], fills: [], heapUsedBytes: 0 };
}

/** Every paper fill, as the engine emitted it (a copy of events, not a figure). */
class FillRows {
  readonly fills: FillRow[] = [];

  readonly sink = (e: OutputEvent): void => {
    if (e.event_type !== 'paper_fill') return;
    const { fill_id, ts_unix_ms, market_id, token_id, outcome, side, qty, fill_px, fee } = e;
    this.fills.push({ fill_id, ts_unix_ms, market_id, token_id, outcome, side, qty, fill_px, fee });
  };
}

/** The read model's per-market ledger as the `markets` table's rows. */
function marketRows(markets: readonly MarketPnl[]): MarketRow[] {
  return markets.map((m) => ({
    market_id: m.market_id,
    fills: m.fills,
    fees: m.fees,
    realized_pnl: m.pnl,
    winning_outcome: m.winning_outcome,
  }));
}

export async function runJob(task: JobTask): Promise<JobResult> {
  const done = (figures: JobFigures, markets: MarketRow[] = [], fills: FillRow[] = []): JobResult => ({
    key: task.key,
    figures,
    markets,
    fills,
    heapUsedBytes: v8.getHeapStatistics().used_heap_size,
  });
  let capture: Capture;
  try {
    capture = await openCapture(task.capturePath);
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    return failedResult(task.key, err.message);
  }
  const h = capture.header;
  const cfg = replayConfig(h.settings, task.settings, {});
  const engine = buildEngine(cfg, 'replay', `sweep-${task.key}`, h.seed, h.restore);
  const analytics = buildAnalytics(cfg);
  // Every market of the capture gets its row: the capture's length bounds them.
  const summary = new SummarySink({ ledgersMax: Number.POSITIVE_INFINITY });
  const digest = new OutputDigest();
  const fills = new FillRows();
  const sink = (e: OutputEvent) => {
    summary.sink(e);
    digest.sink(e);
    fills.sink(e);
  };
  const take = (outs: OutputEvent[]) => {
    for (const e of outs) sink(e);
    analytics.observeOutputs(outs);
  };
  take(engine.start(h.start_ms));
  let bad = 0;
  let result: ReplayResult | null = null;
  let error: string | null = null;
  try {
    result = await replayInto(capture, engine, sink, {
      raw: null,
      strict: false,
      speed: 'max',
      onBad: () => (bad += 1),
      observe: (input, outs) => analytics.observe(input, outs),
    });
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    error = err.message;
  }
  const lastTs = result?.end?.ts_unix_ms ?? result?.lastTsMs ?? h.start_ms;
  take(engine.stop(Math.max(lastTs, h.start_ms)));
  const s = summary.summary(engine.counters.inputs);
  const trust = analytics.report();
  const row = compareRow('', cfg.strategy, s, trust);
  const figures: JobFigures = {
    status: error === null ? 'ok' : 'failed',
    error,
    capture_run_id: h.run_id,
    capture_start_ms: h.start_ms,
    engine_strategy: cfg.strategy,
    inputs: s.inputs,
    bad_lines: bad,
    fills: s.fills,
    rejects: s.rejects,
    settlements: s.settlements,
    // The summary's and the report's "fees paid": the fees of this run's fills.
    fees: s.fees_paid,
    realized_pnl: s.realized_pnl ?? 0,
    equity: s.equity ?? 0,
    max_drawdown: s.max_drawdown_usd,
    markout_5s: row.markout_5s,
    brier: row.brier,
    pnl_optimistic: trust.fill_models.pnl.optimistic,
    pnl_default: trust.fill_models.pnl.default,
    pnl_pessimistic: trust.fill_models.pnl.pessimistic,
    pnl_low: row.pnl_low,
    pnl_high: row.pnl_high,
    confirmed_share: row.confirmed_share,
    digest: digest.hex(),
  };
  return done(figures, marketRows(summary.view.account.markets()), fills.fills);
}
