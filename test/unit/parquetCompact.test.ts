// Goal: a PMXT hour re-written with some of its row groups is a proper Parquet file of the
// same schema: the footer codec gives back the very bytes it read, the kept groups' rows
// come back exactly (DuckDB and hyparquet), the others are gone, and a sparse source (only
// the kept groups' bytes present) is enough.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { chunkRanges, compactParquet, decodeFooter, encodeFooter } from '../../src/history/parquetCompact.ts';
import { readFooter, rowGroupsFor } from '../../src/history/pmxt.ts';
import { conditionId, writeGeneratedHour } from '../helpers/pmxtParquet.ts';

const HOUR_MS = Date.parse('2026-04-20T12:00:00Z');
let dir: string;
let src: string;
let db: DuckDBInstance;
let c: DuckDBConnection;

const footerOf = (file: string): Buffer => {
  const b = fs.readFileSync(file);
  const n = b.readUInt32LE(b.length - 8);
  return b.subarray(b.length - 8 - n, b.length - 8);
};
const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRows();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-compact-'));
  src = path.join(dir, 'hour.parquet');
  // 8 markets × 2 assets × 2,500 rows in row groups of DuckDB's ~2,048+: several groups, one market spanning two.
  await writeGeneratedHour(src, HOUR_MS, 40_000, 8, 0, 4_096);
  db = await DuckDBInstance.create(':memory:');
  c = await db.connect();
}, 60_000);
afterAll(() => {
  c.closeSync();
  db.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parquetCompact', () => {
  test('the footer codec gives back the bytes it read', () => {
    const footer = footerOf(src);
    expect(encodeFooter(decodeFooter(footer)).equals(footer)).toBe(true);
  });

  test('kept row groups come back exactly, from a sparse source, with the same schema', async () => {
    const wanted = [conditionId(2), conditionId(5)];
    const meta = await readFooter(src);
    expect(meta.row_groups.length).toBeGreaterThan(4);
    const plan = rowGroupsFor(meta, wanted);
    expect(plan.wanted.length).toBeGreaterThan(0);
    expect(plan.wanted.length).toBeLessThan(meta.row_groups.length);

    // Only the kept groups' bytes (and the footer) in a file of the original length.
    const footer = footerOf(src);
    const whole = fs.readFileSync(src);
    const sparse = Buffer.alloc(whole.length);
    for (const [a, b] of chunkRanges(footer, plan.wanted)) whole.copy(sparse, a, a, b);
    const sparseFile = path.join(dir, 'sparse.parquet');
    fs.writeFileSync(sparseFile, sparse);

    const out = path.join(dir, 'small.parquet');
    const r = compactParquet(sparseFile, footer, plan.wanted, out);
    expect(r.bytes).toBe(fs.statSync(out).size);
    expect(r.bytes).toBeLessThan(whole.length);
    expect(r.rowGroups).toBe(plan.wanted.length);
    expect(r.rows).toBe(plan.rows);

    const schema = (f: string) => rows(`SELECT name, type, converted_type, logical_type, type_length FROM parquet_schema('${f}')`);
    expect(await schema(out)).toEqual(await schema(src));
    // Every row of a wanted market is there, and nothing that was not in the kept groups.
    const inList = wanted.map((m) => `'${m}'::BLOB`).join(',');
    const diff = (a: string, b: string) =>
      rows(`SELECT count(*) FROM (SELECT * FROM read_parquet('${a}') EXCEPT ALL SELECT * FROM read_parquet('${b}'))`);
    expect(await diff(out, src)).toEqual([[0n]]);
    const count = async (f: string, where = 'true') => (await rows(`SELECT count(*) FROM read_parquet('${f}') WHERE ${where}`))[0]![0];
    expect(await count(out, `market IN (${inList})`)).toBe(await count(src, `market IN (${inList})`));
    expect(await count(out)).toBe(BigInt(plan.rows));

    // hyparquet reads it too (its statistics, its rows).
    const again = rowGroupsFor(await readFooter(out), wanted);
    expect(again.wanted.length).toBe(plan.wanted.length);
    const objs = await parquetReadObjects({ file: await asyncBufferFromFile(out), columns: ['market'], compressors });
    expect(objs.length).toBe(plan.rows);
  });

  test('no row group kept: an empty file of the same schema', async () => {
    const out = path.join(dir, 'none.parquet');
    compactParquet(src, footerOf(src), [], out);
    expect(await rows(`SELECT count(*) FROM read_parquet('${out}')`)).toEqual([[0n]]);
    expect((await rows(`DESCRIBE SELECT * FROM read_parquet('${out}')`)).length).toBe(16);
  });
});
