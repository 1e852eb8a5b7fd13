// Goal: `history build` turns an archive in the real formats into a capture that replays:
// only BTC up/down markets (decoys counted), V1 and V2 ids, inputs in receive-time order
// across sources, official results right after each window (none for an unresolved one),
// gaps and bad input named, never a crash; --strict stops at the first bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCapture } from '../../src/history/build.ts';
import { formatBuildReport } from '../../src/history/archive.ts';
import { HistoryError } from '../../src/history/problems.ts';
import { openCapture, readCapture, type CaptureRecord } from '../../src/capture/reader.ts';
import type { InputEvent } from '../../src/core/events.ts';
import { gammaEvent, MARKETS, T0, writeHistoryArchive } from '../helpers/historyArchive.ts';
import { writePmxtFile } from '../helpers/pmxtParquet.ts';

const HOUR = 3_600_000;
let root: string;
let archive: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-history-'));
  archive = path.join(root, 'archive');
  await writeHistoryArchive(archive);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function inputsOf(dir: string): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const batch of readCapture(await openCapture(dir), { raw: false, strict: true }))
    for (const r of batch as CaptureRecord[]) if (r.event_type !== undefined) out.push(r);
  return out;
}

const build = (out: string, o: Partial<Parameters<typeof buildCapture>[0]> = {}) =>
  buildCapture({ archive, out: path.join(root, out), fromMs: T0, toMs: T0 + 3 * HOUR, strict: false, codeVersion: 'test', ...o });

describe('history build', () => {
  test('BTC markets only, V1 and V2 ids, time order, official results, gaps and bad input named', async () => {
    const report = await build('cap');
    const inputs = await inputsOf(path.join(root, 'cap'));
    for (let i = 1; i < inputs.length; i++) expect(inputs[i]!.ts_unix_ms).toBeGreaterThanOrEqual(inputs[i - 1]!.ts_unix_ms);

    const discovered = inputs.flatMap((e) => (e.event_type === 'market_discovered' ? [e.market] : []));
    expect(discovered.map((m) => m.slug).sort()).toEqual(
      MARKETS.filter((m) => m.asset === 'btc')
        .map((m) => m.slug)
        .sort(),
    );
    expect(report.decoys).toBe(1);
    expect(report.v2Markets).toBe(2);
    const v2 = discovered.find((m) => m.slug === MARKETS[0]!.slug)!;
    expect(v2.tokens.map((t) => t.token_id)).toEqual(['101', '102']);
    expect(v2.price_to_beat).toBe(64000);
    const v1 = discovered.find((m) => m.slug === MARKETS[1]!.slug)!;
    expect(v1.tokens.map((t) => t.token_id)).toEqual(['201', '202']);

    const resolved = inputs.filter((e) => e.event_type === 'market_resolved');
    expect(resolved.map((e) => [e.market_id, e.winning_token_id, e.winning_outcome, e.source, e.ts_unix_ms])).toEqual([
      [MARKETS[0]!.conditionId, '101', 'Up', 'official', T0 + 5 * 60_000],
      [MARKETS[1]!.conditionId, '202', 'Down', 'official', T0 + 10 * 60_000],
    ]);
    expect(report.unresolved).toEqual([MARKETS[2]!.slug]);

    const books = inputs.filter((e) => e.event_type === 'book_snapshot' || e.event_type === 'book_delta');
    expect(new Set(books.map((b) => b.market_id))).toEqual(new Set(MARKETS.filter((m) => m.asset === 'btc').map((m) => m.conditionId)));
    const snap = inputs.find((e) => e.event_type === 'book_snapshot' && e.token_id === '201');
    expect(snap).toMatchObject({
      bids: [
        [0.48, 100],
        [0.47, 200],
      ],
      asks: [
        [0.52, 100],
        [0.53, 150],
      ],
      ts_unix_ms: T0 + 5 * 60_000 + 5,
    });
    // Rows are sorted by market in the file; market 2's book (16:05) comes after market 1's 16:03 print.
    const order = inputs.filter((e) => e.event_type === 'book_snapshot' || e.event_type === 'market_trade').map((e) => e.ts_unix_ms);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(inputs.some((e) => e.event_type === 'market_trade' && e.token_id === '101' && e.px === 0.52)).toBe(true);
    // Hour 16: the three BTC markets' groups, not the ETH one's. Hour 18 holds only market 1's rows, long after its
    // subscription ended (16:35): no market is wanted that hour, so its group is not read.
    expect(report.pmxt.rowGroupsRead).toBe(3 + 0);
    expect(report.pmxt.rowGroups).toBe(4 + 1);

    const trades = inputs.filter((e) => e.event_type === 'venue_trade');
    expect(report.trades).toEqual({ binance: 540, bybit: 540, coinbase: 540, okx: 540 });
    expect(trades.find((t) => t.venue === 'bybit')).toMatchObject({
      symbol: 'BTCUSDT',
      trade_id: '1',
      side: 'sell',
      px: 64000.7,
      qty: 0.004,
      ts_unix_ms: T0 + 3,
    });
    const b = trades.find((t) => t.venue === 'binance')!;
    expect(b).toMatchObject({ symbol: 'BTCUSDT', trade_id: '5000', side: 'sell', px: 64000.01, ts_exchange_ms: T0, ts_unix_ms: T0 });
    expect(trades.find((t) => t.venue === 'okx')).toMatchObject({
      symbol: 'BTC-USDT',
      side: 'sell',
      ts_exchange_ms: T0 + 2,
      ts_unix_ms: T0 + 30,
    });

    expect(report.pmxt.missingHours).toEqual([T0 + HOUR]);
    expect(report.tradeGaps).toEqual([]);
    expect(report.books.invalid).toBe(0);
    const where = report.problems.map((p) => `${path.basename(p.file)} ${p.where}`);
    expect(where).toContain('not-an-event.json null');
    expect(where).toContain('coinbase_trades_2026-08-22_BTC-USD.csv.gz line 6');
    const text = formatBuildReport(report);
    expect(text).toContain('no PMXT file for 2026-08-22T17:00Z–2026-08-22T18:00Z (1 h)');
    expect(text).toContain('own reading: unavailable');
  }, 60_000);

  test('a truncated Parquet hour and a zip whose checksum fails are named and skipped; --strict stops', async () => {
    const bad = path.join(root, 'bad');
    fs.cpSync(archive, bad, { recursive: true });
    const hour = path.join(bad, 'pmxt', 'polymarket_orderbook_2026-08-22T16.parquet');
    fs.truncateSync(hour, Math.floor(fs.statSync(hour).size / 2));
    fs.appendFileSync(path.join(bad, 'binance', 'BTCUSDT-trades-2026-08-22.zip'), 'x');
    const report = await build('cap-bad', { archive: bad });
    const reasons = report.problems.map((p) => `${path.basename(p.file)}: ${p.reason}`);
    expect(reasons.some((r) => r.startsWith('polymarket_orderbook_2026-08-22T16.parquet: not a readable Parquet file'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('BTCUSDT-trades-2026-08-22.zip: SHA-256'))).toBe(true);
    expect(report.trades.binance).toBeUndefined();
    expect(report.trades.coinbase).toBe(540);
    expect(report.pmxt.hours).toBe(2);
    await expect(build('cap-strict', { archive: bad, strict: true })).rejects.toThrow(HistoryError);
  }, 60_000);

  test('--out holding other files is refused, never wiped; an earlier build is replaced', async () => {
    const out = path.join(root, 'precious');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'keep me');
    await expect(build('precious')).rejects.toThrow(/--out .*precious: holds other files \(notes\.txt\)/);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('keep me');
    const again = await build('cap');
    expect(again.files.length).toBeGreaterThan(0);
  }, 60_000);

  test('a range past the archive lists the missing hours and trade days as gaps', async () => {
    const report = await build('cap-gap', { toMs: T0 + 9 * HOUR });
    expect(report.tradeGaps).toEqual([
      'binance BTCUSDT: no file for 2026-08-23',
      'bybit BTCUSDT: no file for 2026-08-23',
      'tardis coinbase: no file for 2026-08-23',
      'tardis okex: no file for 2026-08-23',
    ]);
    expect(formatBuildReport(report)).toContain(
      'no PMXT file for 2026-08-22T17:00Z–2026-08-22T18:00Z (1 h), 2026-08-22T19:00Z–2026-08-23T01:00Z (6 h)',
    );
  }, 60_000);

  test("a row without Polymarket's timestamp takes its receive time, as a live frame does", async () => {
    const dir = path.join(root, 'no-ts');
    const m = MARKETS[0]!;
    fs.mkdirSync(path.join(dir, 'gamma'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'pmxt'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gamma', `${m.slug}.json`), JSON.stringify(gammaEvent(m)));
    const book = { market: m.conditionId, asset_id: m.up, timestamp: null };
    await writePmxtFile(path.join(dir, 'pmxt', 'polymarket_orderbook_2026-08-22T16.parquet'), [
      { ...book, timestamp_received: T0 + 1_000, event_type: 'book', bids: '[["0.48","100"]]', asks: '[["0.52","100"]]' },
      {
        ...book,
        timestamp_received: T0 + 2_000,
        event_type: 'price_change',
        price: 0.49,
        size: 50,
        side: 'BUY',
        best_bid: 0.49,
        best_ask: 0.52,
      },
    ]);
    const report = await build('cap-no-ts', { archive: dir, toMs: T0 + HOUR });
    expect(report.books.invalid).toBe(0);
    const inputs = await inputsOf(path.join(root, 'cap-no-ts'));
    const books = inputs.flatMap((e) =>
      e.event_type === 'book_snapshot' || e.event_type === 'book_delta' ? [[e.event_type, e.ts_exchange_ms, e.ts_unix_ms]] : [],
    );
    expect(books).toEqual([
      ['book_snapshot', T0 + 1_000, T0 + 1_000],
      ['book_delta', T0 + 2_000, T0 + 2_000],
    ]);
  }, 60_000);
});
