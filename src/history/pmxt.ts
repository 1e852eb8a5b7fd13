/**
 * PMXT archive v2 hours (archive.pmxt.dev/docs/v2-data-overview, read 2026-12-06): one
 * Parquet file per UTC hour, `polymarket_orderbook_YYYY-MM-DDTHH.parquet`, ZSTD, row groups
 * of 1,048,576 rows, 16 columns — `timestamp_received` / `timestamp` (timestamp[ms, UTC]:
 * the exporter's receive time and Polymarket's), `market` (condition id, ASCII `0x` + 64
 * hex, fixed_size_binary[66]), `event_type` (`book`, `price_change`, `last_trade_price`,
 * `tick_size_change`), `asset_id` (decimal string), `bids` / `asks` (raw JSON depth on book
 * rows, `[["price","size"],…]`), `price`, `size`, `side` (`BUY`/`SELL`), `best_bid`,
 * `best_ask` (decimals), `fee_rate_bps`, `transaction_hash`, `old_tick_size`,
 * `new_tick_size`. Rows are sorted by (market, asset_id, timestamp_received), not by time;
 * a missing hour means no events that hour. The rows are the market channel's own events.
 *
 * Reader: DuckDB (`@duckdb/node-api`), chosen by measuring (bench/history.bench.ts): on a
 * generated 2 M-row hour it selects the wanted markets' rows and sorts them by receive
 * time natively — it skips row groups by their `market` statistics itself, sorts within a
 * memory limit (1 GB, spilling to disk beyond it) — at ~3x the rows/s of hyparquet decoding the
 * whole file in JS, with half its peak RSS. hyparquet stays for the footer:
 * `rowGroupsFor` reads the `market` statistics to count (and `history fetch` to range-read)
 * only the row groups that can hold a wanted market.
 *
 * Each row is turned back into the market-channel frame it was recorded from — by DuckDB,
 * in the query (pmxtFrames.ts), so only two values a row cross into JS — and goes through
 * the live parser (parseClobFrame), so books are built exactly as live.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, type FileMetaData } from 'hyparquet';
import { HOUR_MS } from '../capture/format.ts';
import type { Problems } from './problems.ts';
import { FRAME_SQL } from './pmxtFrames.ts';

export function pmxtFileName(hourMs: number): string {
  return `polymarket_orderbook_${new Date(hourMs).toISOString().slice(0, 13)}.parquet`;
}

/** One row, in receive order, as the market-channel frame it was. */
export interface PmxtFrame {
  recvMs: number;
  frame: string;
}

export interface RowGroupPlan {
  total: number;
  /** Indexes of the row groups whose `market` min/max range can hold a wanted market. */
  wanted: number[];
  rows: number;
  /** Byte ranges [start, end) of each wanted row group's column chunks. */
  ranges: [number, number][];
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : null;

/** Which row groups can hold one of `markets`, from the footer's `market` statistics. */
export function rowGroupsFor(meta: FileMetaData, markets: readonly string[]): RowGroupPlan {
  const sorted = [...markets].sort();
  const plan: RowGroupPlan = { total: meta.row_groups.length, wanted: [], rows: 0, ranges: [] };
  meta.row_groups.forEach((rg, i) => {
    const col = rg.columns.find((c) => c.meta_data?.path_in_schema.join('.') === 'market');
    const st = col?.meta_data?.statistics;
    const lo = text(st?.min_value ?? st?.min);
    const hi = text(st?.max_value ?? st?.max);
    // No statistics: the group may hold anything.
    const hit = lo === null || hi === null || sorted.some((m) => m >= lo && m <= hi);
    if (!hit) return;
    plan.wanted.push(i);
    plan.rows += Number(rg.num_rows);
    for (const c of rg.columns) {
      const md = c.meta_data;
      if (!md) continue;
      const start = Number(md.dictionary_page_offset ?? md.data_page_offset);
      plan.ranges.push([start, start + Number(md.total_compressed_size)]);
    }
  });
  return plan;
}

export async function readFooter(file: string): Promise<FileMetaData> {
  return parquetMetadataAsync(await asyncBufferFromFile(file));
}

/** DuckDB, kept small: one thread, a memory limit, spilling to `tmpDir`. */
export async function openDuck(tmpDir: string, memoryLimit = '1GB'): Promise<{ c: DuckDBConnection; close: () => void }> {
  fs.mkdirSync(tmpDir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: memoryLimit, temp_directory: tmpDir });
  const c = await db.connect();
  return {
    c,
    close: () => {
      c.closeSync();
      db.closeSync();
    },
  };
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export interface PmxtHourStats {
  rowGroups: number;
  rowGroupsRead: number;
  rows: number;
}

/**
 * The rows of `markets` in one hour file, as frames in receive-time order (ties: file
 * order). A truncated or unreadable file is a problem (named), never a crash.
 */
/** A wanted market and the receive times its rows matter in (from its discovery to the end of its subscription). */
export interface WantedMarket {
  market: string;
  fromMs: number;
  toMs: number;
}

export async function* readPmxtHour(
  c: DuckDBConnection,
  file: string,
  wanted: readonly WantedMarket[],
  problems: Problems,
  stats: PmxtHourStats,
): AsyncGenerator<PmxtFrame[]> {
  const markets = wanted.map((w) => w.market);
  let plan: RowGroupPlan;
  try {
    plan = rowGroupsFor(await readFooter(file), markets);
  } catch (err) {
    problems.add({ file, where: 'footer', reason: `not a readable Parquet file (${(err as Error).message}); hour skipped` });
    return;
  }
  stats.rowGroups += plan.total;
  stats.rowGroupsRead += plan.wanted.length;
  if (plan.wanted.length === 0 || markets.length === 0) return;
  const inList = markets.map((m) => `${sqlString(m)}::BLOB`).join(',');
  // Rows outside a market's span would be dropped by the book keeper anyway (not tracked yet, or no longer).
  const spans = wanted
    .map(
      (w) =>
        `(market::BLOB = ${sqlString(w.market)}::BLOB AND epoch_ms(timestamp_received) >= ${w.fromMs} AND epoch_ms(timestamp_received) < ${w.toMs})`,
    )
    .join(' OR ');
  // Two columns to hand to JS: the receive time and the frame text, built by DuckDB (pmxtFrames.ts).
  const sql = `SELECT epoch_ms(timestamp_received)::DOUBLE, ${FRAME_SQL}
    FROM read_parquet(${sqlString(file)}, file_row_number = true)
    WHERE market::BLOB IN (${inList}) AND (${spans}) ORDER BY timestamp_received, file_row_number`;
  let rowsSeen = 0;
  try {
    const result = await c.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const recv = chunk.getColumnValues(0) as number[];
      const frames = chunk.getColumnValues(1) as string[];
      const out: PmxtFrame[] = new Array(recv.length);
      for (let i = 0; i < recv.length; i++) out[i] = { recvMs: recv[i]!, frame: frames[i]! };
      rowsSeen += recv.length;
      stats.rows += recv.length;
      yield out;
    }
  } catch (err) {
    problems.add({
      file,
      where: `after row ${rowsSeen} of the wanted rows`,
      reason: `unreadable (${(err as Error).message.split('\n')[0]}); rest of the hour skipped`,
    });
  }
}

/** PMXT hour files present in `dir/pmxt` for each hour of [fromMs, toMs), and the hours missing. */
export function listPmxtHours(
  archive: string,
  fromMs: number,
  toMs: number,
): { files: { hourMs: number; file: string }[]; missing: number[] } {
  const dir = path.join(archive, 'pmxt');
  const files: { hourMs: number; file: string }[] = [];
  const missing: number[] = [];
  for (let h = Math.floor(fromMs / HOUR_MS) * HOUR_MS; h < toMs; h += HOUR_MS) {
    const file = path.join(dir, pmxtFileName(h));
    if (fs.existsSync(file)) files.push({ hourMs: h, file });
    else missing.push(h);
  }
  return { files, missing };
}
