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
import { hasSuccessor, latestRun, liveRuns, processAlive, recoverAccount, selfStart, uniqueRunId } from '../journal/recover.ts';
import { JournalWriter } from '../journal/writer.ts';
import type { RunEnd } from '../journal/store.ts';
import { BurstLog } from '../net/burstLog.ts';
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
  /** The previous run of this mode, when it ended incomplete (this run starts a fresh account). */
  incompletePredecessor: string | null;
  journal: JournalWriter;
  capture: CaptureWriter | null;
  /** Output events → journal. */
  sink: (e: OutputEvent) => void;
  /** Every input, before the engine steps on it → capture. */
  onInput: ((e: InputEvent) => void) | undefined;
  rawTap: RawTap | undefined;
  /** Max-speed runs wait here now and then, so the journal and capture keep up. */
  backpressure: () => Promise<void>;
  /**
   * Stops the run in the journal, keeping its final trust figures when given. Resolves to
   * how the run was marked (`incomplete` when events were not journaled) and whether that
   * mark itself reached the disk.
   */
  close: (lastTsMs: number, trust?: FinalTrust) => Promise<SessionEnd>;
  /** Closes the run as `failed` with `reason` (a start that failed after the journal opened). */
  fail: (lastTsMs: number, reason: string) => Promise<SessionEnd>;
}

export interface SessionEnd {
  end: RunEnd | null;
  /** False when even the run's closing mark could not be written (the disk is still full). */
  marked: boolean;
}

/**
 * Marks runs whose process died: `crashed`, with the time of their last journaled event, or
 * `incomplete` when their events have a hole in `seq` (a write failed and the run could not
 * say so itself, e.g. the disk was still full when it stopped).
 */
function markCrashed(db: Db): void {
  const running = db.prepare("SELECT run_id, pid, pid_start, not_journaled FROM runs WHERE status = 'running'").all() as Array<{
    run_id: string;
    pid: number | null;
    pid_start: string | null;
    not_journaled: number | null;
  }>;
  const tally = db.prepare('SELECT count(*) AS n, max(seq) AS last, max(ts_unix_ms) AS ts FROM events WHERE run_id = ?');
  const mark = db.prepare('UPDATE runs SET status = @status, stopped_ms = @ts, not_journaled = @missing WHERE run_id = @id');
  for (const r of running) {
    if (r.pid !== null && r.pid !== process.pid && processAlive(r.pid, r.pid_start)) continue;
    const t = tally.get(r.run_id) as { n: number; last: number | null; ts: number | null };
    const missing = Math.max(t.last === null ? 0 : t.last + 1 - t.n, r.not_journaled ?? 0);
    mark.run({ id: r.run_id, ts: t.ts, status: missing > 0 ? 'incomplete' : 'crashed', missing: missing > 0 ? missing : null });
  }
}

interface Prepared {
  runId: string;
  restore: RestoredAccount | null;
  inconsistent: number;
  /** The latest run of this mode, when it is incomplete: its account cannot be rebuilt from the journal. */
  incomplete: string | null;
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
    let incomplete: string | null = null;
    if (!own(o.mode) && !o.fresh) {
      const last = latestRun(db, o.mode);
      if (last && last.status === 'incomplete' && !hasSuccessor(db, last.run_id)) incomplete = last.run_id;
      if (last && last.status === 'crashed' && !hasSuccessor(db, last.run_id)) {
        const r = recoverAccount(db, last, { equityUsd: o.cfg.equityUsd, dailyLossLimitUsd: o.cfg.riskDailyLossLimitUsd });
        restore = r.account;
        inconsistent = r.inconsistent;
      }
    }
    return { runId: uniqueRunId(db, o.baseRunId), restore, inconsistent, incomplete };
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
  const journal = await JournalWriter.start({ dataDir: o.cfg.dataDir, commitMs: o.cfg.journalCommitMs, onError: o.onJournalError }).catch(
    (err: Error) => {
      throw new JournalError('POLYLAB_DATA_DIR', `POLYLAB_DATA_DIR=${o.cfg.dataDir}: cannot start the journal writer (${err.message})`);
    },
  );
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
    pid_start: selfStart(),
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
    incompletePredecessor: p.incomplete,
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
      return finish(journal, capture, lastTsMs, () => journal.endRun(lastTsMs, 'stopped'));
    },
    fail: (lastTsMs, reason) => finish(journal, capture, lastTsMs, () => journal.endRun(lastTsMs, 'failed', reason)),
  };
}

async function finish(
  journal: JournalWriter,
  capture: CaptureWriter | null,
  lastTsMs: number,
  endRun: () => Promise<RunEnd | null>,
): Promise<SessionEnd> {
  const end = await endRun();
  await Promise.all([journal.close(), capture?.close({ ts_unix_ms: lastTsMs })]);
  return { end, marked: end !== null && journal.marked(end.runId) };
}

interface RunSessionLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** The sources a capture of `mode` may hold. */
export function sourcesOf(cfg: Config, mode: RunMode): string[] {
  return mode === 'sim' ? ['sim'] : [...cfg.venues, 'polymarket_ws', cfg.polyboltCredentials ? 'polybolt' : 'rtds', 'gamma', 'clob_rest'];
}

/**
 * `polylab run`'s session: journal errors are logged once per burst (the lab goes on), and
 * a restored account is announced on stderr with what it carries over.
 */
export async function openRunSession(
  cfg: Config,
  o: {
    mode: 'paper-live' | 'sim';
    baseRunId: string;
    startMs: number;
    fresh: boolean;
    log: RunSessionLog;
    /** Called once, at the first event that could not be journaled: the lab stops new risk. */
    onJournalDown?: (message: string) => void;
  },
): Promise<Session> {
  let down = false;
  // One line per burst of failures (a full disk fails every batch), with the count since the last.
  const burst = new BurstLog({ warn: (obj, msg) => o.log.error(obj, msg) }, 'journal write failed', 10_000, Date.now);
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
      burst.note(message);
      if (down) return;
      down = true;
      o.onJournalDown?.(message);
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
  if (session.incompletePredecessor)
    process.stderr.write(
      `polylab: run ${session.incompletePredecessor} is incomplete (events were not journaled), so its account cannot be rebuilt; starting a fresh account\n`,
    );
  if (session.capture) process.stderr.write(`polylab: capturing to ${cfg.captureDir}\n`);
  return session;
}

export function describeRestore(r: RestoredAccount): string {
  const halted = r.day?.halted_at_ms != null ? '; daily loss limit still tripped' : '';
  return `run ${r.from_run_id} did not stop cleanly: continuing its account (cash ${usd(r.cash)}, realized ${usd(r.realized)}, fees ${usd(r.fees)}, ${r.holdings.length} open position(s)); ${r.cancelled_orders.length} working order(s) cancelled${halted}. Pass --fresh to start a new account instead.`;
}
