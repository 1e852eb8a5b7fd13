// Goal: the frame text DuckDB builds for a PMXT row (FRAME_SQL, what the build uses) is
// read by the live market-channel parser exactly as the frame rowFrame builds in JS from
// the same row's values: every event type, absent optional fields, a missing timestamp,
// an unknown event type, depth with and without quotes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { FRAME_SQL, rowFrame } from '../../src/history/pmxtFrames.ts';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';
import { writePmxtFile, type PmxtRow } from '../helpers/pmxtParquet.ts';

const T = Date.parse('2026-08-22T16:00:00Z');
const M = `0x${'ab'.repeat(32)}`;
const base = { market: M, asset_id: '71321045679252212594626385532706912750332728571942532289631379312455583992563' };
const ROWS: PmxtRow[] = [
  {
    ...base,
    timestamp_received: T + 1,
    timestamp: T,
    event_type: 'book',
    bids: '[["0.48","100"],["0.47","250.5"]]',
    asks: '[["0.52","100"]]',
  },
  { ...base, timestamp_received: T + 2, timestamp: T + 1, event_type: 'book', bids: '[[0.48, 10]]', asks: '[]' },
  {
    ...base,
    timestamp_received: T + 3,
    timestamp: T + 2,
    event_type: 'price_change',
    price: 0.49,
    size: 50,
    side: 'BUY',
    best_bid: 0.49,
    best_ask: 0.52,
  },
  { ...base, timestamp_received: T + 4, timestamp: T + 3, event_type: 'price_change', price: 0.5, size: 0, side: 'SELL' },
  { ...base, timestamp_received: T + 5, timestamp: null, event_type: 'price_change', price: 0.51, size: 7.25, side: 'SELL', best_bid: 0.5 },
  {
    ...base,
    timestamp_received: T + 6,
    timestamp: T + 5,
    event_type: 'last_trade_price',
    price: 0.5,
    size: 12,
    side: 'BUY',
    fee_rate_bps: 1000,
  },
  { ...base, timestamp_received: T + 7, timestamp: T + 6, event_type: 'last_trade_price', price: 0.5, side: null },
  { ...base, timestamp_received: T + 8, timestamp: T + 7, event_type: 'tick_size_change', old_tick_size: 0.01, new_tick_size: 0.001 },
  { ...base, timestamp_received: T + 9, timestamp: T + 8, event_type: 'new_kind' as PmxtRow['event_type'] },
];

let dir: string;
let file: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-frames-'));
  file = path.join(dir, 'hour.parquet');
  await writePmxtFile(file, ROWS);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('FRAME_SQL and rowFrame give frames the live parser reads alike', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = (
      await c.runAndReadAll(`SELECT epoch_ms(timestamp_received)::DOUBLE, epoch_ms("timestamp")::DOUBLE, decode(market::BLOB), event_type,
        asset_id, bids, asks, price::DOUBLE, size::DOUBLE, side, best_bid::DOUBLE, best_ask::DOUBLE, old_tick_size::DOUBLE,
        new_tick_size::DOUBLE, ${FRAME_SQL} FROM read_parquet('${file}') ORDER BY timestamp_received`)
    ).getRows();
    expect(rows.length).toBe(ROWS.length);
    const kinds = new Set<string>();
    for (const r of rows) {
      const recvMs = r[0] as number;
      const fromSql = parseClobFrame(r[14] as string, recvMs);
      const fromJs = parseClobFrame(rowFrame(r), recvMs);
      expect(fromSql).toEqual(fromJs);
      for (const m of fromSql) kinds.add(m.kind);
    }
    // Every row parsed to something meaningful, the unknown type included (as live parses it).
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['book', 'last_trade_price', 'price_change', 'tick_size_change']));
    const missingTs = parseClobFrame(rows[4]![14] as string, T + 5);
    expect(missingTs).toMatchObject([{ kind: 'price_change', tsMs: T + 5 }]);
  } finally {
    c.closeSync();
    db.closeSync();
  }
});
