/**
 * `polylab sweep report DIR`: DuckDB reads every shard's Parquet files (hive-partitioned, so
 * a `shard` column comes along) as the views `jobs`, `markets` and `fills`; the ranking and
 * the walk-forward come from stats.ts; `--sql` runs any query over the same views instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ConfigError } from '../app/config.ts';
import { statsTables, sweepStats, type JobPoint, type SweepStats } from './stats.ts';
import { statsHtml } from './reportHtml.ts';
import { table, usd } from '../views/format.ts';

export const TABLES = ['jobs', 'markets', 'fills'] as const;

/** An in-memory DuckDB with one view per table over `DIR/<table>/shard=*\/*.parquet`. */
export async function openResults(dir: string): Promise<{ conn: DuckDBConnection; close: () => void }> {
  if (!fs.existsSync(path.join(dir, 'jobs'))) throw new ConfigError('sweep report', `${dir}: no sweep results here (no jobs/ directory)`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  for (const t of TABLES) {
    const glob = path.join(dir, t, '*', '*.parquet').replace(/'/g, "''");
    await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`);
  }
  return {
    conn,
    close: () => {
      conn.closeSync();
      db.closeSync();
    },
  };
}

/** Rows of a query as plain JS values (BIGINT as number when it fits). */
export async function query(conn: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const r = await conn.runAndReadAll(sql);
  const rows = r.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v)));
  return { columns: r.columnNames(), rows };
}

/** One row per job with status ok (a key written by two shard layouts counts once). */
export async function jobPoints(conn: DuckDBConnection): Promise<JobPoint[]> {
  const { rows } = await query(
    conn,
    `SELECT DISTINCT ON (key) config, capture, capture_hash, capture_day, capture_start_ms, realized_pnl, pnl_pessimistic
     FROM jobs WHERE status = 'ok' ORDER BY key`,
  );
  return rows.map(([config, capture, captureHash, day, startMs, pnl, pessimistic]) => ({
    config: String(config),
    capture: String(capture),
    captureHash: String(captureHash),
    day: String(day),
    startMs: Number(startMs),
    pnl: Number(pnl),
    pessimistic: Number(pessimistic),
  }));
}

export function formatTable(columns: readonly string[], rows: readonly unknown[][]): string {
  const cell = (v: unknown) =>
    v === null || v === undefined ? 'null' : typeof v === 'number' ? String(Number(v.toPrecision(10))) : String(v);
  return table(
    columns,
    rows.map((r) => r.map(cell)),
    { rule: true },
  ).join('\n');
}

export function formatStats(s: SweepStats, failedJobs: number): string {
  const t = statsTables(s);
  const ranking = formatTable(t.ranking.head, t.ranking.rows);
  const folds = formatTable(t.folds.head, t.folds.rows);
  return [
    `sweep report: ${s.configs} configuration(s) over ${s.periods.length} ${s.unit}(s)${failedJobs > 0 ? `; ${failedJobs} failed job(s) left out` : ''}`,
    '',
    `ranking by mean realized PnL per ${s.unit} (bootstrap 95% CI; pessimistic = the pessimistic fill model's settled PnL)`,
    ranking,
    '',
    'walk-forward (anchored): the best configuration on every earlier period, scored on the next one it never saw',
    s.folds.length > 0 ? folds : '  (needs at least two periods)',
    ...(s.walkForwardMean === null ? [] : [`  walk-forward mean out-of-sample PnL: ${usd(s.walkForwardMean)} per ${s.unit}`]),
    '',
    ...s.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export async function sweepReport(dir: string, flags: { html?: string; sql?: string; seed: string }): Promise<number> {
  if (!/^\d+$/.test(flags.seed)) throw new ConfigError('--seed', `--seed ${JSON.stringify(flags.seed)}: expected a whole number`);
  const { conn, close } = await openResults(dir);
  try {
    if (flags.sql !== undefined) {
      let r: Awaited<ReturnType<typeof query>>;
      try {
        r = await query(conn, flags.sql);
      } catch (err) {
        // DuckDB's own message names the table, column or syntax at fault.
        throw new ConfigError('--sql', `--sql: ${(err as Error).message}`);
      }
      process.stdout.write(`${formatTable(r.columns, r.rows)}\n(${r.rows.length} row(s))\n`);
      return 0;
    }
    const points = await jobPoints(conn);
    const failed = Number((await query(conn, `SELECT count(*) FROM jobs WHERE status <> 'ok'`)).rows[0]![0]);
    const stats = sweepStats(points, Number(flags.seed));
    process.stdout.write(`${formatStats(stats, failed)}\n`);
    if (flags.html !== undefined) {
      fs.writeFileSync(flags.html, statsHtml(stats, dir));
      process.stdout.write(`wrote ${flags.html}\n`);
    }
    return 0;
  } finally {
    close();
  }
}
