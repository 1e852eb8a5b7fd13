/**
 * A sweep's results as Parquet, one file per shard and table, hive-partitioned:
 * `DIR/jobs/shard=i/part.parquet`, `DIR/markets/shard=i/…`, `DIR/fills/shard=i/…`, readable
 * as they are by DuckDB, Polars, Spark and pandas. Written by DuckDB (@duckdb/node-api,
 * which `polylab sweep report` needs anyway): rows go in through an appender with explicit
 * column types, then `COPY … TO … (FORMAT parquet)`, to a temporary name renamed into place
 * so a reader never sees half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

export type ColumnType = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN';
export type Column = readonly [name: string, type: ColumnType];
export type Cell = string | number | boolean | null;

export interface Table {
  name: 'jobs' | 'markets' | 'fills';
  columns: readonly Column[];
  rows: readonly Cell[][];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function append(ap: DuckDBAppender, type: ColumnType, v: Cell): void {
  if (v === null) return ap.appendNull();
  if (type === 'VARCHAR') return ap.appendVarchar(String(v));
  if (type === 'DOUBLE') return ap.appendDouble(Number(v));
  if (type === 'BIGINT') return ap.appendBigInt(BigInt(Math.trunc(Number(v))));
  return ap.appendBoolean(Boolean(v));
}

async function writeTable(conn: DuckDBConnection, file: string, t: Table): Promise<void> {
  const temp = `t_${t.name}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${temp} (${t.columns.map(([n, ty]) => `${quote(n)} ${ty}`).join(', ')})`);
  const ap = await conn.createAppender(temp);
  for (const row of t.rows) {
    t.columns.forEach(([, type], i) => append(ap, type, row[i] ?? null));
    ap.endRow();
  }
  ap.closeSync();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  await conn.run(`COPY ${temp} TO '${partial.replace(/'/g, "''")}' (FORMAT parquet)`);
  fs.renameSync(partial, file);
}

/** Writes each table to `DIR/<table>/shard=<i>/part.parquet`. */
export async function writeShard(dir: string, shardIndex: number, tables: readonly Table[]): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const files: string[] = [];
  try {
    for (const t of tables) {
      const file = path.join(dir, t.name, `shard=${shardIndex}`, 'part.parquet');
      await writeTable(conn, file, t);
      files.push(file);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return files;
}
