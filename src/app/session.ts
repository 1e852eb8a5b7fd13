/**
 * A run's persistence, wired for the composition root: the journal (validated and
 * migrated at start, then written by its worker), crash recovery (the latest run of the
 * same mode that died is continued, its crashed state recorded), a unique run id, and the
 * optional capture. `polylab run` and `polylab replay` open one session each.
 */
import type { Config } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { OutputEvent } from '../core/outputs.ts';
import type { RestoredAccount } from '../paper/restore.ts';
import { JournalError, openJournalDb, type Db } from '../journal/db.ts';
import { hasSuccessor, latestRun, liveRuns, processAlive, recoverAccount, uniqueRunId } from '../journal/recover.ts';
import { JournalWriter } from '../journal/writer.ts';
import { CaptureWriter } from '../capture/writer.ts';
import type { RawTap } from '../capture/format.ts';
import { codeVersion } from './version.ts';
import type { TrustReport } from '../analytics/trustReport.ts';
import type { ModelPrices } from '../analytics/fillModels.ts';
import type { StrategyRow } from '../core/trustWire.ts';
import { usd } from '../views/format.ts';

/** What a run keeps of its trust analytics when it stops (`polylab report` reads it back). */
export interface FinalTrust {
  report: TrustReport;
  range: readonly ({ ts_unix_ms: number } & ModelPrices)[];
  /** The side-by-side rows (main first), empty without --strategies. */
  strategies: readonly StrategyRow[];
}

export type RunMode = 'paper-live' | 'sim' | 'replay' | 'backtest';

export interface SessionOptions {
  cfg: Config;
  mode: RunMode;
  /** The run id wanted (`sim-7`); a suffix is added if the journal already has it. */
  baseRunId: string;
  seed: number | null;
  strategy: string;
  /** Input time the engine starts at. */
  startMs: number;
  /** Start fresh even if the last run of this mode died. */
  fresh?: boolean;
  /** Replay: the account the captured run started from (no recovery lookup). */
  restore?: RestoredAccount | null;
  replayOf?: string | null;
  /** Sources named in the capture header. */
  sources: string[];
  onJournalError?: (message: string) => void;
  onCaptureError?: (err: Error) => void;
}

export interface Session {
  runId: string;
  restore: RestoredAccount | null;
  /** Journaled events of a dead run that did not fit its account (should be 0). */
  inconsistent: number;
  journal: JournalWriter;
  capture: CaptureWriter | null;
  /** Output events → journal. */
  sink: (e: OutputEvent) => void;
  /** Every input, before the engine steps on it → capture. */
  onInput: ((e: InputEvent) => void) | undefined;
  rawTap: RawTap | undefined;
  /** Max-speed runs wait here now and then, so the journal and capture keep up. */
  backpressure: () => Promise<void>;
  /** Stops the run in the journal, keeping its final trust figures when given. */
  close: (lastTsMs: number, trust?: FinalTrust) => Promise<void>;
}

/** Marks runs whose process died as crashed, with the time of their last journaled event. */
function markCrashed(db: Db): void {
  const running = db.prepare("SELECT run_id, pid FROM runs WHERE status = 'running'").all() as Array<{
    run_id: string;
    pid: number | null;
  }>;
  const mark = db.prepare(
    "UPDATE runs SET status = 'crashed', stopped_ms = (SELECT max(ts_unix_ms) FROM events WHERE run_id = @id) WHERE run_id = @id",
  );
  for (const r of running) if (r.pid === null || r.pid === process.pid || !processAlive(r.pid)) mark.run({ id: r.run_id });
}

interface Prepared {
  runId: string;
  restore: RestoredAccount | null;
  inconsistent: number;
}

/** Everything decided on the main thread's own short-lived connection, before the worker starts. */
function prepare(o: SessionOptions): Prepared {
  const db = openJournalDb(o.cfg.dataDir);
  try {
    // Two labs on one journal would race for the account of a run that dies; a replay or a backtest is only ever its own run.
    const own = (mode: string) => mode === 'replay' || mode === 'backtest';
    const busy = own(o.mode) ? [] : liveRuns(db, process.pid).filter((r) => !own(r.mode));
    if (busy.length > 0) {
      const r = busy[0]!;
      throw new JournalError(
        'POLYLAB_DATA_DIR',
        `POLYLAB_DATA_DIR=${o.cfg.dataDir}: in use by run ${r.run_id} (pid ${r.pid}); stop it first or use another data dir`,
      );
    }
    markCrashed(db);
    let restore = o.restore ?? null;
    let inconsistent = 0;
    if (!own(o.mode) && !o.fresh) {
      const last = latestRun(db, o.mode);
      if (last && last.status === 'crashed' && !hasSuccessor(db, last.run_id)) {
        const r = recoverAccount(db, last, { equityUsd: o.cfg.equityUsd, dailyLossLimitUsd: o.cfg.riskDailyLossLimitUsd });
        restore = r.account;
        inconsistent = r.inconsistent;
      }
    }
    return { runId: uniqueRunId(db, o.baseRunId), restore, inconsistent };
  } finally {
    db.close();
  }
}

/** The settings a capture header and the runs table keep: everything but functions. */
export function settingsOf(cfg: Config): Record<string, unknown> {
  return JSON.parse(JSON.stringify(cfg)) as Record<string, unknown>;
}

export async function openSession(o: SessionOptions): Promise<Session> {
  const p = prepare(o);
  const journal = await JournalWriter.start({ dataDir: o.cfg.dataDir, commitMs: o.cfg.journalCommitMs, onError: o.onJournalError });
  const version = codeVersion();
  journal.beginRun({
    run_id: p.runId,
    mode: o.mode,
    seed: o.seed,
    strategy: o.strategy,
    version,
    config: JSON.stringify(settingsOf(o.cfg)),
    started_ms: o.startMs,
    started_wall_ms: Date.now(),
    pid: process.pid,
    parent_run_id: o.mode === 'replay' || o.mode === 'backtest' ? null : (p.restore?.from_run_id ?? null),
    restored: p.restore ? JSON.stringify(p.restore) : null,
    replay_of: o.replayOf ?? null,
    capture_dir: o.cfg.captureDir,
  });
  const capture =
    o.cfg.captureDir === null
      ? null
      : new CaptureWriter({
          dir: o.cfg.captureDir,
          identity: {
            run_id: p.runId,
            mode: o.mode,
            code_version: version,
            created_wall_ms: Date.now(),
            sources: o.sources,
            settings: settingsOf(o.cfg),
            start_ms: o.startMs,
            seed: o.seed,
            restore: p.restore,
          },
          ...(o.onCaptureError ? { onError: o.onCaptureError } : {}),
        });
  return {
    runId: p.runId,
    restore: p.restore,
    inconsistent: p.inconsistent,
    journal,
    capture,
    sink: journal.sink,
    onInput: capture?.input,
    rawTap: capture?.raw,
    backpressure: async () => {
      await journal.drain(10_000);
      await capture?.drain();
    },
    close: async (lastTsMs, trust) => {
      if (trust)
        journal.saveTrust(lastTsMs, {
          report: JSON.stringify(trust.report),
          range: JSON.stringify(trust.range),
          strategies: JSON.stringify(trust.strategies),
        });
      journal.endRun(lastTsMs, 'stopped');
      await Promise.all([journal.close(), capture?.close({ ts_unix_ms: lastTsMs })]);
    },
  };
}

interface RunSessionLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** The sources a capture of `mode` may hold. */
export function sourcesOf(cfg: Config, mode: RunMode): string[] {
  return mode === 'sim' ? ['sim'] : [...cfg.venues, 'polymarket_ws', 'rtds', 'gamma', 'clob_rest'];
}

/**
 * `polylab run`'s session: journal errors are logged once per burst (the lab goes on), and
 * a restored account is announced on stderr with what it carries over.
 */
export async function openRunSession(
  cfg: Config,
  o: { mode: 'paper-live' | 'sim'; baseRunId: string; startMs: number; fresh: boolean; log: RunSessionLog },
): Promise<Session> {
  let journalErrors = 0;
  const session = await openSession({
    cfg,
    mode: o.mode,
    baseRunId: o.baseRunId,
    seed: o.mode === 'sim' ? cfg.seed : null,
    strategy: cfg.strategy,
    startMs: o.startMs,
    fresh: o.fresh,
    sources: sourcesOf(cfg, o.mode),
    onJournalError: (message) => {
      journalErrors += 1;
      if (journalErrors === 1 || journalErrors % 100 === 0)
        o.log.error({ count: journalErrors, error: message }, `journal write failed: ${message}`);
    },
    onCaptureError: (err) => o.log.error({ err }, `capture stopped: ${err.message}`),
  });
  const r = session.restore;
  if (r) {
    const line = describeRestore(r);
    o.log.warn(
      {
        restored_from: r.from_run_id,
        cash: r.cash,
        realized: r.realized,
        fees: r.fees,
        positions: r.holdings.length,
        cancelled_orders: r.cancelled_orders.length,
        day: r.day,
        inconsistent: session.inconsistent,
      },
      line,
    );
    process.stderr.write(`polylab: ${line}\n`);
  }
  if (session.capture) process.stderr.write(`polylab: capturing to ${cfg.captureDir}\n`);
  return session;
}

export function describeRestore(r: RestoredAccount): string {
  const halted = r.day?.halted_at_ms != null ? '; daily loss limit still tripped' : '';
  return `run ${r.from_run_id} did not stop cleanly: continuing its account (cash ${usd(r.cash)}, realized ${usd(r.realized)}, fees ${usd(r.fees)}, ${r.holdings.length} open position(s)); ${r.cancelled_orders.length} working order(s) cancelled${halted}. Pass --fresh to start a new account instead.`;
}
