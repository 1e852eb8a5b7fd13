/**
 * Crash recovery, the journal side: finds the run a new run should continue (the latest
 * run of the same mode, if it died without `run_stopped`), and reads what the pure
 * rebuild in src/paper/restore.ts needs from its rows. Read-only.
 */
import fs from 'node:fs';
import type { Db } from './db.ts';
import {
  freshAccount,
  openOrders,
  rebuildAccount,
  restoreDay,
  type AccountEvent,
  type AccountState,
  type OrderEvent,
  type RestoredAccount,
  type RestoredDay,
} from '../paper/restore.ts';
import { utcDayStartMs } from '../strategy/risk.ts';
import type { RunRow, RunStatus } from './store.ts';

/** One row of `runs` as read back: what the writer created, plus how the run ended. */
export interface RunRecord extends RunRow {
  stopped_ms: number | null;
  status: RunStatus;
  not_journaled: number | null;
  reason: string | null;
}

/**
 * The start time of process `pid` (field 22 of /proc/<pid>/stat, clock ticks since boot) and
 * whether it is a zombie; null where /proc is not available (not Linux) or the pid is gone.
 * A pid alone cannot tell a live lab from a killed one not yet reaped, or from an unrelated
 * process that got the pid later (proc(5), "/proc/pid/stat": state is field 3, starttime 22).
 */
export function processIdentity(pid: number): { start: string; zombie: boolean } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  return { start: fields[19] ?? '', zombie: state === 'Z' || state === 'X' };
}

/** This process's start time as `runs.pid_start` keeps it (null where /proc is not available). */
export function selfStart(): string | null {
  return processIdentity(process.pid)?.start ?? null;
}

/**
 * True if the process that wrote a run still runs: a zombie is dead, and a pid whose start
 * time differs from the one journaled belongs to another process. Without /proc, signal 0
 * only checks that some process has the pid.
 */
export function processAlive(pid: number, pidStart: string | null = null): boolean {
  const id = processIdentity(pid);
  if (id) return !id.zombie && (pidStart === null || id.start === pidStart);
  if (fs.existsSync('/proc/self/stat')) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function latestRun(db: Db, mode: string): RunRecord | null {
  return (db.prepare('SELECT * FROM runs WHERE mode = ? ORDER BY rowid DESC LIMIT 1').get(mode) as RunRecord | undefined) ?? null;
}

/** Runs marked running whose process is still alive (another Polylab on this data dir). */
export function liveRuns(db: Db, selfPid: number): RunRecord[] {
  const running = db.prepare("SELECT * FROM runs WHERE status = 'running'").all() as RunRecord[];
  return running.filter((r) => r.pid !== null && r.pid !== selfPid && processAlive(r.pid, r.pid_start));
}

/** Whether some later run already continued `runId`. */
export function hasSuccessor(db: Db, runId: string): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE parent_run_id = ? LIMIT 1').get(runId) !== undefined;
}

export function runExists(db: Db, runId: string): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(runId) !== undefined;
}

/** `base`, or `base.2`, `base.3`, … : the first id the journal does not have yet. */
export function uniqueRunId(db: Db, base: string): string {
  if (!runExists(db, base)) return base;
  for (let n = 2; ; n++) if (!runExists(db, `${base}.${n}`)) return `${base}.${n}`;
}

function accountEvents(db: Db, runId: string): AccountEvent[] {
  const rows = db
    .prepare(
      `
    SELECT 'fill' AS kind, event_id, market_id, token_id, outcome, side, qty, fill_px, fee,
      (SELECT json_extract(e.body, '$.rebate') FROM events e WHERE e.id = fills.event_id) AS rebate,
      NULL AS winning_token_id, NULL AS pnl_adjustment FROM fills WHERE run_id = @r
    UNION ALL
    SELECT 'settlement', event_id, market_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, winning_token_id, CASE WHEN corrects_outcome IS NULL THEN NULL ELSE coalesce(pnl_adjustment, 0) END FROM settlements WHERE run_id = @r
    ORDER BY event_id`,
    )
    .all({ r: runId }) as Array<AccountEvent & { event_id: number }>;
  return rows;
}

function orderEvents(db: Db, runId: string): OrderEvent[] {
  const rows = db
    .prepare(
      `SELECT body FROM events WHERE run_id = ? AND event_type IN ('paper_intent', 'paper_fill', 'order_expired', 'risk_reject') ORDER BY id`,
    )
    .all(runId) as Array<{ body: string }>;
  return rows.map((r) => JSON.parse(r.body) as OrderEvent);
}

function lastTs(db: Db, runId: string, fallback: number): number {
  const row = db.prepare('SELECT max(ts_unix_ms) AS ts FROM events WHERE run_id = ?').get(runId) as { ts: number | null };
  return row.ts ?? fallback;
}

function dayOf(db: Db, run: RunRecord, lastTsMs: number, prior: RestoredDay | null, dailyLossLimitUsd: number): RestoredDay | null {
  const day = utcDayStartMs(lastTsMs);
  const equity = db
    .prepare('SELECT ts_unix_ms, equity FROM equity WHERE run_id = ? AND ts_unix_ms >= ? ORDER BY event_id')
    .all(run.run_id, day) as Array<{ ts_unix_ms: number; equity: number }>;
  const halts = (
    db
      .prepare("SELECT body FROM events WHERE run_id = ? AND event_type = 'risk_reject' AND ts_unix_ms >= ? ORDER BY id")
      .all(run.run_id, day) as Array<{ body: string }>
  )
    .map((r) => JSON.parse(r.body) as { reason: string; numbers: Record<string, unknown> })
    .filter(
      (e) =>
        e.reason === 'daily_loss_limit' && typeof e.numbers.day_start_equity === 'number' && typeof e.numbers.halted_at_ms === 'number',
    )
    .map((e) => ({ day_start_equity: e.numbers.day_start_equity as number, halted_at_ms: e.numbers.halted_at_ms as number }));
  return restoreDay({ day_start_ms: day, equity, halts, prior, daily_loss_limit_usd: dailyLossLimitUsd });
}

/**
 * The account `run` left behind: its starting account (fresh at `equityUsd`, or what it had
 * itself restored) plus every fill and settlement it committed, the orders it had working,
 * and its kill-switch day.
 */
export function recoverAccount(
  db: Db,
  run: RunRecord,
  opts: { equityUsd: number; dailyLossLimitUsd: number },
): { account: RestoredAccount; inconsistent: number } {
  const prior = run.restored ? (JSON.parse(run.restored) as RestoredAccount) : null;
  const start: AccountState = prior ?? freshAccount(startingCash(run, opts.equityUsd));
  const { account, inconsistent } = rebuildAccount(start, accountEvents(db, run.run_id));
  const last = lastTs(db, run.run_id, run.started_ms);
  return {
    account: {
      ...account,
      from_run_id: run.run_id,
      last_ts_ms: last,
      day: dayOf(db, run, last, prior?.day ?? null, opts.dailyLossLimitUsd),
      cancelled_orders: openOrders(orderEvents(db, run.run_id)),
    },
    inconsistent,
  };
}

/** The starting cash the run was configured with (its POLYLAB_EQUITY), else the caller's. */
function startingCash(run: RunRecord, fallback: number): number {
  try {
    const cfg = JSON.parse(run.config) as { equityUsd?: unknown };
    return typeof cfg.equityUsd === 'number' ? cfg.equityUsd : fallback;
  } catch {
    return fallback;
  }
}
