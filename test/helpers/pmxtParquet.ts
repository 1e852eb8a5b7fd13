/**
 * Writes Parquet files in the PMXT archive v2 schema (archive.pmxt.dev/docs/v2-data-overview,
 * read 2026-12-06) with DuckDB (a dev dependency): the 16 columns, ZSTD, rows sorted by
 * (market, asset_id, timestamp_received), row groups of `rowGroupRows`. DuckDB writes
 * `market` as BYTE_ARRAY (it has no fixed-size binary); readers here treat both alike.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface PmxtRow {
  timestamp_received: number;
  /** null: the exchange's time is missing on this row. */
  timestamp: number | null;
  market: string;
  event_type: 'book' | 'price_change' | 'last_trade_price' | 'tick_size_change';
  asset_id: string;
  bids?: string | null;
  asks?: string | null;
  price?: number | null;
  size?: number | null;
  side?: 'BUY' | 'SELL' | null;
  best_bid?: number | null;
  best_ask?: number | null;
  fee_rate_bps?: number | null;
  transaction_hash?: string | null;
  old_tick_size?: number | null;
  new_tick_size?: number | null;
}

const COLUMNS = `
  timestamp_received TIMESTAMP_MS, "timestamp" TIMESTAMP_MS, market BLOB, event_type VARCHAR, asset_id VARCHAR,
  bids VARCHAR, asks VARCHAR, price DECIMAL(9,4), size DECIMAL(18,6), side VARCHAR, best_bid DECIMAL(9,4),
  best_ask DECIMAL(9,4), fee_rate_bps USMALLINT, transaction_hash VARCHAR, old_tick_size DECIMAL(9,4), new_tick_size DECIMAL(9,4)`;

const SORTED_COPY = (file: string, rowGroupRows: number) =>
  `COPY (SELECT * FROM t ORDER BY market, asset_id, timestamp_received) TO '${file.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupRows})`;

const lit = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** Writes `rows` (any order) as one PMXT-schema Parquet file. */
export async function writePmxtFile(file: string, rows: readonly PmxtRow[], rowGroupRows = 1_048_576): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`CREATE TABLE t (${COLUMNS})`);
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows
        .slice(i, i + 500)
        .map(
          (r) =>
            `(epoch_ms(${r.timestamp_received}::BIGINT), epoch_ms(${r.timestamp}::BIGINT), ${lit(r.market)}::BLOB, ${lit(r.event_type)}, ${lit(r.asset_id)}, ${lit(r.bids)}, ${lit(r.asks)}, ${lit(r.price)}, ${lit(r.size)}, ${lit(r.side)}, ${lit(r.best_bid)}, ${lit(r.best_ask)}, ${lit(r.fee_rate_bps)}, ${lit(r.transaction_hash)}, ${lit(r.old_tick_size)}, ${lit(r.new_tick_size)})`,
        )
        .join(',');
      if (values) await c.run(`INSERT INTO t VALUES ${values}`);
    }
    await c.run(SORTED_COPY(file, rowGroupRows));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

export interface GeneratedHour {
  /** Condition ids of the BTC markets (first `btcMarkets` of them), then the others. */
  markets: string[];
  /** Per market: its two asset ids. */
  assets: [string, string][];
}

export const conditionId = (i: number): string => `0x${i.toString(16).padStart(64, '0')}`;
export const assetId = (i: number, k: 0 | 1): string => `${(BigInt(i) * 1000003n + BigInt(k) + 71000000000000000000000n).toString()}`;

/**
 * A generated hour in the real schema: `rows` rows over `markets` markets (the first
 * `btcMarkets` meant as the BTC ones), ~1 book row per 400, the rest price changes with a
 * few trades; prices on a 0.01 grid so the book keeper accepts them.
 */
export async function writeGeneratedHour(
  file: string,
  hourMs: number,
  rows: number,
  markets: number,
  firstMarket = 0,
  rowGroupRows = 1_048_576,
): Promise<GeneratedHour> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const per = Math.floor(rows / (markets * 2));
    await c.run(`CREATE TABLE t AS
      WITH g AS (SELECT range AS n FROM range(${per * markets * 2})),
      r AS (SELECT n, (n // ${per}) AS a, (n % ${per}) AS k FROM g)
      SELECT epoch_ms((${hourMs} + k * ${Math.max(1, Math.floor(3_600_000 / per))} + a % 7)::BIGINT) AS timestamp_received,
             epoch_ms((${hourMs} + k * ${Math.max(1, Math.floor(3_600_000 / per))})::BIGINT) AS "timestamp",
             ('0x' || lpad(printf('%x', a // 2 + ${firstMarket}), 64, '0'))::BLOB AS market,
             CASE WHEN k % 400 = 0 THEN 'book' WHEN k % 97 = 5 THEN 'last_trade_price' ELSE 'price_change' END AS event_type,
             CAST((CAST(a // 2 + ${firstMarket} AS HUGEINT) * 1000003 + a % 2 + CAST('71000000000000000000000' AS HUGEINT)) AS VARCHAR) AS asset_id,
             CASE WHEN k % 400 = 0 THEN '[["0.48","100"],["0.47","250"]]' END AS bids,
             CASE WHEN k % 400 = 0 THEN '[["0.52","100"],["0.53","250"]]' END AS asks,
             CASE WHEN k % 400 = 0 THEN NULL WHEN k % 2 = 0 THEN 0.47 ELSE 0.53 END::DECIMAL(9,4) AS price,
             CASE WHEN k % 400 = 0 THEN NULL ELSE (k % 50) * 10 END::DECIMAL(18,6) AS size,
             CASE WHEN k % 400 = 0 THEN NULL WHEN k % 2 = 0 THEN 'BUY' ELSE 'SELL' END AS side,
             CASE WHEN k % 400 = 0 OR k % 97 = 5 THEN NULL ELSE 0.48 END::DECIMAL(9,4) AS best_bid,
             CASE WHEN k % 400 = 0 OR k % 97 = 5 THEN NULL ELSE 0.52 END::DECIMAL(9,4) AS best_ask,
             CASE WHEN k % 97 = 5 THEN 1000 END::USMALLINT AS fee_rate_bps,
             CASE WHEN k % 97 = 5 THEN '0x' || lpad(printf('%x', n), 64, '0') END AS transaction_hash,
             NULL::DECIMAL(9,4) AS old_tick_size, NULL::DECIMAL(9,4) AS new_tick_size
      FROM r`);
    await c.run(SORTED_COPY(file, rowGroupRows));
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return {
    markets: Array.from({ length: markets }, (_, i) => conditionId(i + firstMarket)),
    assets: Array.from({ length: markets }, (_, i) => [assetId(i + firstMarket, 0), assetId(i + firstMarket, 1)] as [string, string]),
  };
}
