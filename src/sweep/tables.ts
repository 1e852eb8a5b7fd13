/**
 * The rows of a sweep's three tables (`jobs`, `markets`, `fills`) from its jobs and their
 * results. The `jobs` table has one column per setting the grid file names, typed from the
 * grid file alone so every shard writes the same schema.
 */
import type { SweepGrid } from './grid.ts';
import type { Job } from './jobs.ts';
import type { JobFigures, JobResult } from './runJob.ts';
import type { Cell, Column, ColumnType, Table } from './parquet.ts';

const FIGURES: readonly Column[] = [
  ['status', 'VARCHAR'],
  ['error', 'VARCHAR'],
  ['capture_run_id', 'VARCHAR'],
  ['capture_start_ms', 'BIGINT'],
  ['engine_strategy', 'VARCHAR'],
  ['inputs', 'BIGINT'],
  ['bad_lines', 'BIGINT'],
  ['fills', 'BIGINT'],
  ['rejects', 'BIGINT'],
  ['settlements', 'BIGINT'],
  ['fees', 'DOUBLE'],
  ['realized_pnl', 'DOUBLE'],
  ['equity', 'DOUBLE'],
  ['max_drawdown', 'DOUBLE'],
  ['markout_5s', 'DOUBLE'],
  ['brier', 'DOUBLE'],
  ['pnl_optimistic', 'DOUBLE'],
  ['pnl_default', 'DOUBLE'],
  ['pnl_pessimistic', 'DOUBLE'],
  ['pnl_low', 'DOUBLE'],
  ['pnl_high', 'DOUBLE'],
  ['confirmed_share', 'DOUBLE'],
  ['digest', 'VARCHAR'],
] satisfies readonly (readonly [keyof JobFigures, ColumnType])[];

const MARKETS: readonly Column[] = [
  ['key', 'VARCHAR'],
  ['market_id', 'VARCHAR'],
  ['fills', 'BIGINT'],
  ['fees', 'DOUBLE'],
  ['realized_pnl', 'DOUBLE'],
  ['winning_outcome', 'VARCHAR'],
];

const FILLS: readonly Column[] = [
  ['key', 'VARCHAR'],
  ['fill_id', 'VARCHAR'],
  ['ts_unix_ms', 'BIGINT'],
  ['market_id', 'VARCHAR'],
  ['token_id', 'VARCHAR'],
  ['outcome', 'VARCHAR'],
  ['side', 'VARCHAR'],
  ['qty', 'DOUBLE'],
  ['fill_px', 'DOUBLE'],
  ['fee', 'DOUBLE'],
];

/** A setting's column type: numbers stay numbers and booleans booleans when every value in the grid file is one. */
function settingType(grid: SweepGrid, column: string): ColumnType {
  const values = grid.configs.map((c) => c.values[column]).filter((v) => v !== null && v !== undefined);
  if (values.length > 0 && values.every((v) => typeof v === 'number')) return 'DOUBLE';
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  return 'VARCHAR';
}

/** The UTC day a capture starts on: the unit of "PnL per capture-day". */
export function captureDay(startMs: number | null): string | null {
  return startMs === null ? null : new Date(startMs).toISOString().slice(0, 10);
}

export function buildTables(grid: SweepGrid, jobs: readonly Job[], results: ReadonlyMap<string, JobResult>): Table[] {
  const settingCols: Column[] = grid.columns.map((c) => [c, settingType(grid, c)]);
  const jobCols: Column[] = [
    ['key', 'VARCHAR'],
    ['capture', 'VARCHAR'],
    ['capture_hash', 'VARCHAR'],
    ['capture_day', 'VARCHAR'],
    ['config', 'VARCHAR'],
    ['config_hash', 'VARCHAR'],
    ['strategy', 'VARCHAR'],
    ...settingCols,
    ...FIGURES,
  ];
  const jobRows: Cell[][] = [];
  const marketRows: Cell[][] = [];
  const fillRows: Cell[][] = [];
  for (const job of jobs) {
    const r = results.get(job.key);
    if (!r) continue;
    const f = r.figures as unknown as Record<string, Cell>;
    jobRows.push([
      job.key,
      job.capture.path,
      job.capture.hash,
      captureDay(r.figures.capture_start_ms),
      job.config.name,
      job.config.hash,
      job.config.strategy,
      ...grid.columns.map((c) => job.config.values[c] ?? null),
      ...FIGURES.map(([name]) => f[name] ?? null),
    ]);
    for (const m of r.markets) marketRows.push([job.key, m.market_id, m.fills, m.fees, m.realized_pnl, m.winning_outcome]);
    for (const x of r.fills)
      fillRows.push([job.key, x.fill_id, x.ts_unix_ms, x.market_id, x.token_id, x.outcome, x.side, x.qty, x.fill_px, x.fee]);
  }
  return [
    { name: 'jobs', columns: jobCols, rows: jobRows },
    { name: 'markets', columns: MARKETS, rows: marketRows },
    { name: 'fills', columns: FILLS, rows: fillRows },
  ];
}
