// Goal: OKX's own daily trade files become the same trades the live OKX mapper makes of
// the trades channel, whichever of OKX's two headers the file has; a bad line is named
// and skipped; the file of UTC+8 day D is listed for the UTC hours it covers. Tardis's
// instrument ids are spelled as its datasets API wants them (Kraken by date).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listTradeFiles, okxColumns, okxTrade, readTradeFile } from '../../src/history/trades.ts';
import { datasetSymbol, tardisSymbol } from '../../src/history/fetch.ts';
import { Problems } from '../../src/history/problems.ts';
import { okx } from '../../src/venues/okx.ts';
import type { VenueTrade } from '../../src/core/events.ts';
import { OKX_HEADER, OKX_LEGACY_HEADER, T0, writeOkxTrades } from '../helpers/historyArchive.ts';

const HOUR = 3_600_000;
let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-okx-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function readAll(dir: string, problems: Problems): Promise<VenueTrade[]> {
  const out: VenueTrade[] = [];
  for (const f of listTradeFiles(dir, T0, T0 + 3 * HOUR))
    for await (const b of readTradeFile(f, T0, T0 + 3 * HOUR, problems)) out.push(...b);
  return out;
}

describe('OKX daily trade files', () => {
  test('a row is the trade the live mapper makes of the same print', () => {
    const live = okx.parse(fs.readFileSync('test/fixtures/venues/okx_trades.json', 'utf8'), 1652459224818, 'BTC-USDT');
    expect(live.kind).toBe('trades');
    const at = okxColumns(OKX_HEADER);
    if (typeof at === 'string') throw new Error(at);
    const row = okxTrade(['BTC-USDT', '338476307', 'buy', '30236', '0.0002', '1652459224818'], at, 'BTC-USDT');
    expect(row).toEqual(live.kind === 'trades' ? live.trades[0] : null);
    // The legacy header orders the columns differently; the names decide.
    const legacy = okxColumns(OKX_LEGACY_HEADER);
    if (typeof legacy === 'string') throw new Error(legacy);
    expect(okxTrade(['338476307', 'buy', '0.0002', '30236', '1652459224818'], legacy, 'BTC-USDT')).toEqual(row);
    expect(okxColumns('trade_id,side,price')).toMatch(/no size column/);
    expect(okxTrade(['BTC-USDT', '1', 'buy', '30236', '0.0002', 'later'], at, 'BTC-USDT')).toMatch(/created_time later/);
    expect(okxTrade(['BTC-USDT', '1', 'both', '30236', '0.0002', '1652459224818'], at, 'BTC-USDT')).toMatch(/side/);
  });

  for (const [label, header] of [
    ['newer header', OKX_HEADER],
    ['legacy bilingual header', OKX_LEGACY_HEADER],
  ] as const)
    test(`a zip with the ${label}: every good row, the bad line named, UTC+8 day listed for its UTC hours`, async () => {
      const dir = path.join(root, label.replace(/ /g, '-'));
      const { rows } = writeOkxTrades(dir, header);
      const files = listTradeFiles(dir, T0, T0 + HOUR);
      expect(files.map((f) => [f.kind, f.dayMs])).toEqual([['okx', Date.parse('2026-08-22T16:00:00Z')]]);
      const problems = new Problems(false);
      const trades = await readAll(dir, problems);
      expect(trades.length).toBe(rows.length);
      expect(problems.list.map((p) => p.where)).toEqual(['line 5']);
      expect(problems.list[0]!.reason).toMatch(/px/);
      const first = trades[0]!;
      expect(first).toEqual({
        event_type: 'venue_trade',
        venue: 'okx',
        symbol: 'BTC-USDT',
        px: 64000.3,
        qty: 0.0125,
        side: 'buy',
        trade_id: '880000',
        ts_exchange_ms: T0 + 5,
        ts_unix_ms: T0 + 5,
      });
      expect(trades.every((t, i) => i === 0 || t.ts_unix_ms >= trades[i - 1]!.ts_unix_ms)).toBe(true);
    });

  test('a header without the needed columns skips the file, named', async () => {
    const dir = path.join(root, 'bad-header');
    writeOkxTrades(dir, 'id,price,qty,time');
    const problems = new Problems(false);
    expect(await readAll(dir, problems)).toEqual([]);
    expect(problems.list).toMatchObject([{ where: 'line 1', reason: expect.stringMatching(/no trade_id column.*file skipped/) }]);
  });
});

describe('Tardis instrument ids', () => {
  test('as the datasets API spells them; Kraken from its v2 API after 2026-07-10', () => {
    expect(tardisSymbol('kraken', '2026-07-09')).toEqual(['kraken', 'XBT/USD']);
    expect(tardisSymbol('kraken', '2026-07-10')).toEqual(['kraken', 'BTC/USD']);
    expect(datasetSymbol('XBT/USD')).toBe('XBT-USD');
    expect(tardisSymbol('bitstamp', '2026-08-22')).toEqual(['bitstamp', 'BTCUSD']);
    expect(tardisSymbol('okx', '2026-08-22')).toEqual(['okex', 'BTC-USDT']);
    expect(tardisSymbol('nowhere', '2026-08-22')).toBeUndefined();
  });
});
