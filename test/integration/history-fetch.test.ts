// Goal: `history fetch` reads only with GET from loopback servers speaking the sources'
// URL layouts: Gamma events by computed slug, PMXT hours by Range (footer, then only the
// row groups of wanted markets; the whole file from a server without ranges), Binance zips
// checked against their .CHECKSUM, Tardis CSVs with the key — sent to Tardis only, never
// printed. Resumable (nothing fetched twice, a partial file continues), 429 / 403 / 404
// told apart, and the fetched archive builds the same capture as the original.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { MARKETS, writeHistoryArchive, writeOkxTrades, T0 } from '../helpers/historyArchive.ts';
import { endpointsFrom, fetchHistory, type FetchOptions } from '../../src/history/fetch.ts';
import { buildCapture } from '../../src/history/build.ts';
import { fetchPmxtHour } from '../../src/history/pmxtFetch.ts';
import { runCli } from './fakes/cli.ts';

const KEY = 'td-test-key-0123456789';
const HOUR = 3_600_000;
type Seen = { method: string; url: string; range?: string; auth?: string };

let root: string;
let source: string;
let seen: Seen[] = [];
let server: http.Server;
let base: string;
let ranges = true;
let okxRows = 0;
/** Set: range requests (not the footer's) after this many answer 503, as a dropped connection would end a run. */
let rangesLeft = Infinity;
const ETH = MARKETS.find((m) => m.asset === 'eth')!.conditionId;

/** Reads a Parquet file back with DuckDB. */
async function duck(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
const parquetSchema = (file: string) => duck(`SELECT name, type, converted_type, logical_type FROM parquet_schema('${file}')`);
const marketRows = (file: string) =>
  duck(`SELECT decode(market), count(*), sum(epoch_ms(timestamp_received)) FROM read_parquet('${file}') GROUP BY 1 ORDER BY 1`);

function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string): void {
  if (!fs.existsSync(file)) return void res.writeHead(404).end('not found');
  const body = fs.readFileSync(file);
  const m = ranges ? /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '') : null;
  if (!m) return void res.writeHead(200, { 'content-length': body.length }).end(body);
  const start = m[1] === '' ? body.length - Number(m[2]) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? body.length - 1 : Number(m[2]);
  const s = Math.max(0, start);
  res.writeHead(206, { 'content-range': `bytes ${s}-${end}/${body.length}`, 'content-length': end - s + 1 }).end(body.subarray(s, end + 1));
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '';
  seen.push({ method: req.method ?? '', url, range: req.headers.range, auth: req.headers.authorization });
  let m: RegExpExecArray | null;
  if ((m = /^\/gamma\/events\/slug\/(.+)$/.exec(url)))
    return serveFile(req, res, path.join(source, 'gamma', `${decodeURIComponent(m[1]!)}.json`));
  if ((m = /^\/pmxt\/(.+)$/.exec(url))) {
    if (/^bytes=\d/.test(req.headers.range ?? '') && rangesLeft-- <= 0) return void res.writeHead(503).end();
    return serveFile(req, res, path.join(source, 'pmxt', m[1]!));
  }
  if ((m = /^\/binance\/data\/spot\/daily\/trades\/BTCUSDT\/(.+)$/.exec(url)))
    return serveFile(req, res, path.join(source, 'binance', m[1]!));
  if ((m = /^\/bybit\/spot\/BTCUSDT\/(.+)$/.exec(url))) return serveFile(req, res, path.join(source, 'bybit', m[1]!));
  if ((m = /^\/okx\/cdn\/okex\/traderecords\/trades\/daily\/(\d{8})\/(BTC-USDT-trades-(\d{4})-(\d{2})-(\d{2})\.zip)$/.exec(url)))
    // The directory is the file's day (OKX's layout); anything else is not published.
    return m[1] === `${m[3]}${m[4]}${m[5]}` ? serveFile(req, res, path.join(source, 'okx', m[2]!)) : void res.writeHead(404).end();
  if (url.startsWith('/tardis/v1/kraken/')) return void res.writeHead(429, { 'retry-after': '30' }).end();
  if (url === '/tardis/v1/coinbase/trades/2026/08/22/BTC-USD.csv.gz') {
    if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(403).end();
    return serveFile(req, res, path.join(source, 'tardis', 'coinbase_trades_2026-08-22_BTC-USD.csv.gz'));
  }
  res.writeHead(404).end();
}

const env = (key: string | null) => ({
  POLYLAB_PMXT_URL: `${base}/pmxt`,
  POLYLAB_GAMMA_URL: `${base}/gamma`,
  POLYLAB_BINANCE_DATA_URL: `${base}/binance`,
  POLYLAB_TARDIS_DATASETS_URL: `${base}/tardis`,
  POLYLAB_BYBIT_DATA_URL: `${base}/bybit`,
  POLYLAB_OKX_DATA_URL: `${base}/okx`,
  ...(key ? { POLYLAB_TARDIS_API_KEY: key } : {}),
});

const options = (dir: string, o: Partial<FetchOptions> = {}): FetchOptions => ({
  dir,
  fromMs: T0,
  toMs: T0 + HOUR,
  families: ['5m'],
  venues: ['binance', 'bybit', 'coinbase'],
  endpoints: endpointsFrom(env(KEY)),
  onBytes: () => undefined,
  onNote: () => undefined,
  ...o,
});

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-fetch-'));
  source = path.join(root, 'source');
  await writeHistoryArchive(source);
  okxRows = writeOkxTrades(source).rows.length;
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('history fetch', () => {
  test('GET only; PMXT by ranges (wanted row groups), Gamma by slug, checksummed Binance zip, Tardis with its key only', async () => {
    seen = [];
    const dir = path.join(root, 'a');
    const r = await fetchHistory(options(dir));
    expect(seen.every((s) => s.method === 'GET')).toBe(true);
    expect(r.gamma).toEqual({ fetched: 3, present: 0, missing: 9 });
    const hour = r.pmxt.find((p) => p.hour.endsWith('T16.parquet'))!;
    expect(hour.status).toBe('fetched');
    expect(hour.fetchedBytes).toBeLessThan(hour.fileBytes);
    expect(seen.filter((s) => s.url.includes('T16.parquet')).every((s) => s.range !== undefined)).toBe(true);
    // Kept as a smaller Parquet file of the same schema: the BTC markets' row groups, not the ETH one's.
    const name = 'polymarket_orderbook_2026-08-22T16.parquet';
    const kept = path.join(dir, 'pmxt', name);
    expect(hour.writtenBytes).toBe(fs.statSync(kept).size);
    expect(hour.writtenBytes).toBeLessThan(hour.fileBytes);
    expect(fs.readdirSync(path.join(dir, 'pmxt'))).toEqual([name]); // no .part, .tmp or .whole left
    expect(await parquetSchema(kept)).toEqual(await parquetSchema(path.join(source, 'pmxt', name)));
    expect(await marketRows(kept)).toEqual((await marketRows(path.join(source, 'pmxt', name))).filter(([m]) => m !== ETH));
    expect(r.trades.map((t) => [t.file, t.status])).toEqual([
      ['BTCUSDT-trades-2026-08-22.zip', 'fetched'],
      ['BTCUSDT_2026-08-22.csv.gz', 'fetched'],
      ['coinbase_trades_2026-08-22_BTC-USD.csv.gz', 'fetched'],
    ]);
    expect(r.failures).toEqual([]);
    // The key goes to Tardis and nowhere else.
    expect(seen.filter((s) => s.auth !== undefined).map((s) => s.url)).toEqual(['/tardis/v1/coinbase/trades/2026/08/22/BTC-USD.csv.gz']);

    // Same capture from the fetched archive as from the original (the hour's other row groups were not needed).
    const range = { fromMs: T0, toMs: T0 + HOUR, strict: false, codeVersion: 't' };
    const a = await buildCapture({ archive: source, out: path.join(root, 'cap-src'), ...range });
    const b = await buildCapture({ archive: dir, out: path.join(root, 'cap-fetched'), ...range });
    expect(b.books).toEqual(a.books);
    expect(b.markets).toBe(3);
    expect(b.trades).toEqual({ ...a.trades, okx: undefined }); // OKX was not asked for
    // The source has OKX both from Tardis and from OKX's own files: Tardis's are read (they carry receive times), once.
    expect(a.trades.okx).toBe(180);
    expect(a.tradeGaps).toContain('okx okx: its own files left out (tardis/ has okx)');

    // A second run fetches nothing again.
    seen = [];
    const again = await fetchHistory(options(dir));
    expect(again.pmxt[0]!.status).toBe('present');
    expect(seen.filter((s) => !s.url.startsWith('/gamma'))).toEqual([]);
  }, 60_000);

  test('a partial file continues with a Range; a server without ranges gets the whole-file fallback', async () => {
    const dir = path.join(root, 'b');
    const zip = fs.readFileSync(path.join(source, 'binance', 'BTCUSDT-trades-2026-08-22.zip'));
    fs.mkdirSync(path.join(dir, 'binance'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'binance', 'BTCUSDT-trades-2026-08-22.zip.part'), zip.subarray(0, 100));
    seen = [];
    ranges = false;
    try {
      const r = await fetchHistory(options(dir, { venues: ['binance'] }));
      const whole = r.pmxt.find((p) => p.hour.endsWith('T16.parquet'))!;
      expect(whole.status).toBe('whole');
      expect(whole.fetchedBytes).toBe(whole.fileBytes);
      expect(whole.writtenBytes).toBeLessThan(whole.fileBytes);
      const kept = path.join(dir, 'pmxt', 'polymarket_orderbook_2026-08-22T16.parquet');
      expect((await marketRows(kept)).map(([m]) => m)).toEqual(MARKETS.filter((m) => m.asset === 'btc').map((m) => m.conditionId));
    } finally {
      ranges = true;
    }
    expect(fs.readFileSync(path.join(dir, 'binance', 'BTCUSDT-trades-2026-08-22.zip')).equals(zip)).toBe(true);
    const dir2 = path.join(root, 'c');
    fs.mkdirSync(path.join(dir2, 'binance'), { recursive: true });
    fs.writeFileSync(path.join(dir2, 'binance', 'BTCUSDT-trades-2026-08-22.zip.part'), zip.subarray(0, 100));
    seen = [];
    const r2 = await fetchHistory(options(dir2, { venues: ['binance'], families: [] }));
    expect(seen.find((s) => s.url.endsWith('.zip'))?.range).toBe('bytes=100-');
    expect(fs.readFileSync(path.join(dir2, 'binance', 'BTCUSDT-trades-2026-08-22.zip')).equals(zip)).toBe(true);
    expect(r2.failures).toEqual([]);
  }, 60_000);

  test('an interrupted PMXT hour continues with the ranges it lacks and gives the same file', async () => {
    const name = 'polymarket_orderbook_2026-08-22T16.parquet';
    // Two markets whose row groups are not adjacent: two range requests.
    const markets = [MARKETS[0]!.conditionId, MARKETS[2]!.conditionId];
    const g = { url: `${base}/pmxt/${name}` };
    const clean = path.join(root, 'e-clean.parquet');
    await fetchPmxtHour(g, clean, markets, () => undefined);
    const dest = path.join(root, 'e.parquet');
    rangesLeft = 1;
    seen = [];
    try {
      await expect(fetchPmxtHour(g, dest, markets, () => undefined)).rejects.toThrow(/HTTP 503/);
    } finally {
      rangesLeft = Infinity;
    }
    const first = seen.map((s) => s.range).filter((r) => r && /^bytes=\d/.test(r));
    expect(fs.existsSync(`${dest}.part.json`)).toBe(true);
    seen = [];
    const r = await fetchPmxtHour(g, dest, markets, () => undefined);
    const second = seen.map((s) => s.range).filter((r) => r && /^bytes=\d/.test(r));
    expect(second).not.toContain(first[0]);
    expect(second.length).toBeGreaterThan(0);
    expect(r.status).toBe('fetched');
    expect(fs.readFileSync(dest).equals(fs.readFileSync(clean))).toBe(true);
    expect(fs.existsSync(`${dest}.part`) || fs.existsSync(`${dest}.part.json`)).toBe(false);
  }, 60_000);

  test("OKX's free daily files: the UTC+8 day's zip from its CDN layout, built as OKX trades like the live feed's", async () => {
    const dir = path.join(root, 'f');
    seen = [];
    const r = await fetchHistory(options(dir, { venues: ['okx'], endpoints: endpointsFrom(env(null)) }));
    // 16:00–17:00 UTC on 08-22 is 00:00–01:00 on 08-23 in UTC+8: that day's file only.
    expect(r.trades).toEqual([{ file: 'BTC-USDT-trades-2026-08-23.zip', status: 'fetched' }]);
    expect(seen.filter((s) => s.url.startsWith('/okx/')).map((s) => s.url)).toEqual([
      '/okx/cdn/okex/traderecords/trades/daily/20260823/BTC-USDT-trades-2026-08-23.zip',
    ]);
    expect(seen.every((s) => s.auth === undefined)).toBe(true);
    const built = await buildCapture({
      archive: dir,
      out: path.join(root, 'cap-okx'),
      fromMs: T0,
      toMs: T0 + HOUR,
      strict: false,
      codeVersion: 't',
    });
    expect(built.trades).toEqual({ okx: 180 }); // one print every 20 s for the hour
    expect(okxRows).toBe(540);
    expect(built.tradeGaps).toEqual([]);
    expect(built.problems.map((p) => `${path.basename(p.file)} ${p.where}`)).toEqual(['BTC-USDT-trades-2026-08-23.zip line 5']);
  }, 60_000);

  test('the CLI tells 429, 403 and 404 apart and never prints the key', async () => {
    const dir = path.join(root, 'd');
    const run = await runCli(
      [
        'history',
        'fetch',
        '--from',
        '2026-08-22T16:00Z',
        '--to',
        '2026-08-22T18:00Z',
        '--families',
        '5m',
        '--venues',
        'coinbase,kraken',
        '--dir',
        dir,
      ],
      env('wrong-key-secret-xyz'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed\s+\S+\/tardis\/v1\/coinbase\/\S+: refused \(HTTP 403\)/);
    expect(run.stdout).toMatch(
      /failed\s+\S+\/tardis\/v1\/kraken\/trades\/2026\/08\/22\/BTC-USD\.csv\.gz: rate limited \(HTTP 429\), retry after 30 s/,
    );
    expect(run.stdout).toMatch(/T17 missing \(404\)/);
    expect(run.stdout + run.stderr).not.toContain('wrong-key-secret-xyz');
    expect(run.stderr).toMatch(/^fetch \d+\.\d MB of \d+\.\d MB planned in \d+ s \(/m);
    const bad = await runCli(['history', 'fetch', '--from', '2026-08-22', '--to', '2026-08-23', '--dir', dir], {
      ...env(null),
      POLYLAB_PMXT_URL: 'ftp://x',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('POLYLAB_PMXT_URL=ftp://x: not an http:// or https:// URL');
  }, 60_000);
});
