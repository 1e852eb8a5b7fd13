/**
 * Read queries over the journal, shared by `polylab report` / `runs` and the API: runs,
 * pages of events of one type (newest first, cursor = event id), counts. Every query is
 * bounded by a limit or by one run, and runs on a read-only connection (WAL: readers never
 * block the writer thread).
 */
import type { Db } from './db.ts';
import type { RunRecord } from './recover.ts';

export interface RunSummaryRow extends RunRecord {
  fills: number;
  rejects: number;
  settlements: number;
  /** Last equity point (pnl event) of the run. */
  equity: number | null;
  realized: number | null;
  fees: number | null;
}

export function listRuns(db: Db): RunSummaryRow[] {
  return db
    .prepare(
      `
    SELECT r.*,
      (SELECT count(*) FROM fills f WHERE f.run_id = r.run_id) AS fills,
      (SELECT count(*) FROM events e WHERE e.run_id = r.run_id AND e.event_type = 'risk_reject') AS rejects,
      (SELECT count(*) FROM settlements s WHERE s.run_id = r.run_id) AS settlements,
      q.equity AS equity, q.realized AS realized, q.fees AS fees
    FROM runs r LEFT JOIN equity q ON q.event_id = (SELECT max(event_id) FROM equity WHERE run_id = r.run_id)
    ORDER BY r.rowid`,
    )
    .all() as RunSummaryRow[];
}

export function getRun(db: Db, runId: string): RunRecord | null {
  return (db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRecord | undefined) ?? null;
}

/** The most recently started run, if any. */
export function lastRun(db: Db): RunRecord | null {
  return (db.prepare('SELECT * FROM runs ORDER BY rowid DESC LIMIT 1').get() as RunRecord | undefined) ?? null;
}

export interface PageQuery {
  runId: string;
  eventType: string;
  limit: number;
  /** Only events with an id below this (the previous page's `next_before`). */
  before?: number;
  marketId?: string;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next (older) page; null when this page reached the start of the run. */
  next_before: number | null;
}

/** One page of a run's events of one type, newest first. */
export function eventsPage<T>(db: Db, q: PageQuery): Page<T> {
  const rows = db
    .prepare(
      `SELECT id, body FROM events WHERE run_id = @run AND event_type = @type AND id < @before ${q.marketId !== undefined ? 'AND market_id = @market' : ''}
    ORDER BY id DESC LIMIT @limit`,
    )
    .all({
      run: q.runId,
      type: q.eventType,
      before: q.before ?? Number.MAX_SAFE_INTEGER,
      limit: q.limit + 1,
      ...(q.marketId !== undefined ? { market: q.marketId } : {}),
    }) as Array<{ id: number; body: string }>;
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return { items: page.map((r) => JSON.parse(r.body) as T), next_before: more ? page[page.length - 1]!.id : null };
}

export function countEvents(db: Db, runId: string, eventType: string): number {
  return (db.prepare('SELECT count(*) AS n FROM events WHERE run_id = ? AND event_type = ?').get(runId, eventType) as { n: number }).n;
}

export function rejectsByReason(db: Db, runId: string): Record<string, number> {
  const rows = db
    .prepare(
      "SELECT json_extract(body, '$.reason') AS reason, count(*) AS n FROM events WHERE run_id = ? AND event_type = 'risk_reject' GROUP BY reason ORDER BY reason",
    )
    .all(runId) as Array<{ reason: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

/**
 * Refusals by reason, repeats inside reject episodes included: each `risk_reject` opens an
 * episode (one occurrence) and its `reject_episode_ended` carries the episode's total.
 */
export function rejectOccurrencesByReason(db: Db, runId: string): Record<string, number> {
  const out = rejectsByReason(db, runId);
  const rows = db
    .prepare(
      "SELECT json_extract(body, '$.reason') AS reason, sum(json_extract(body, '$.occurrences') - 1) AS n FROM events WHERE run_id = ? AND event_type = 'reject_episode_ended' GROUP BY reason",
    )
    .all(runId) as Array<{ reason: string; n: number }>;
  for (const r of rows) out[r.reason] = (out[r.reason] ?? 0) + r.n;
  return out;
}

/** Every event of the given types of a run, in order, one at a time (exports). */
export function iterateEvents(db: Db, runId: string, types: readonly string[]): IterableIterator<{ id: number; body: string }> {
  return db
    .prepare(`SELECT id, body FROM events WHERE run_id = ? AND event_type IN (${types.map(() => '?').join(',')}) ORDER BY id`)
    .iterate(runId, ...types) as IterableIterator<{ id: number; body: string }>;
}

/** Every event of a run, in the order the engine emitted them. */
export function runEvents(db: Db, runId: string): IterableIterator<{ id: number; body: string }> {
  return db.prepare('SELECT id, body FROM events WHERE run_id = ? ORDER BY id').iterate(runId) as IterableIterator<{
    id: number;
    body: string;
  }>;
}

/** The trust figures kept when the run stopped (JSON texts), or null (still running, crashed, or stopped before the trust table existed). */
export function getTrust(db: Db, runId: string): { ts_unix_ms: number; report: string; range: string; strategies: string } | null {
  const row = db.prepare('SELECT ts_unix_ms, report, range, strategies FROM trust WHERE run_id = ?').get(runId) as
    { ts_unix_ms: number; report: string; range: string; strategies: string } | undefined;
  return row ?? null;
}

/** The run's equity curve as journaled (one point per `pnl` event). */
export function equityCurve(db: Db, runId: string): Array<{ ts_unix_ms: number; equity: number }> {
  return db.prepare('SELECT ts_unix_ms, equity FROM equity WHERE run_id = ? ORDER BY event_id').all(runId) as Array<{
    ts_unix_ms: number;
    equity: number;
  }>;
}
