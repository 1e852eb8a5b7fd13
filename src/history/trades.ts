/**
 * BTC trade files of a history archive → normalized `venue_trade` inputs, in receive-time
 * order per file.
 *
 * - Tardis downloadable CSV (docs.tardis.dev "Downloadable CSV files" → data types →
 *   trades, read 2026-12-06): header `exchange,symbol,timestamp,local_timestamp,id,side,
 *   price,amount`, comma-separated, LF, times in µs since the epoch (UTC); `side` is the
 *   liquidity taker's side (`buy` / `sell` / `unknown`); `timestamp` the exchange's time,
 *   `local_timestamp` Tardis's receive time. File names as tardis-dev's `downloadDatasets`
 *   writes them by default (node_modules/tardis-dev/dist/downloaddatasets.js
 *   getFilenameDefault, v13): `<exchange>_<dataType>_<YYYY-MM-DD>_<symbol>.csv.gz`. Tardis
 *   calls OKX `okex` and Bybit spot `bybit-spot`.
 * - data.binance.vision daily spot trades (github.com/binance/binance-public-data README,
 *   read 2026-12-06): `BTCUSDT-trades-YYYY-MM-DD.zip` holding one CSV without a header:
 *   trade id, price, qty, quote qty, time, is buyer maker, is best match; "the timestamp for
 *   SPOT data from January 1st 2025 onwards will be in microseconds" (ms before); a
 *   `<zip>.CHECKSUM` beside it holds the SHA-256 of the zip. Binance gives no receive time,
 *   so the exchange time stands for it.
 * - Bybit's public spot trade history (public.bybit.com/spot/BTCUSDT/, free; described in a
 *   third-party write-up "ByBit Trade History Data Explained", read 2026-12-06 — Bybit's
 *   own page shows only the file list): `BTCUSDT_YYYY-MM-DD.csv.gz`, header
 *   `id,timestamp,price,volume,side[,rpi]`, one taker fill per row, ms timestamps, `side`
 *   the taker's (`buy`/`sell`). No receive time either: the trade time stands for it.
 *
 * - OKX's own daily trade files (OKX API v5 docs, "Get historical market data",
 *   GET /api/v5/public/market-data-history, read 2026-12-06: its answer lists
 *   `https://static.okx.com/cdn/okex/traderecords/trades/daily/YYYYMMDD/<instId>-trades-YYYY-MM-DD.zip`;
 *   for trade history "some old historical files may contain column headers with both
 *   Chinese characters along with English column names"; the day of modules 1–3 is a
 *   UTC+8 day): `BTC-USDT-trades-YYYY-MM-DD.zip`, one CSV inside, free, no checksum. The
 *   columns are found by their header names, each name before any `/`: newer files
 *   `instrument_name,trade_id,side,price,size,created_time`, older ones
 *   `trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间` (both as seen in
 *   third-party readers: terrylica/data-source-manager docs/api/okx_data_download_guide.md
 *   and a test of another OKX archive client, read 2026-12-06); `created_time` is ms. The
 *   side is read as the taker's, as in the trades channel the file records. No receive time:
 *   the trade time stands for it. The file of day D covers D 00:00 UTC+8, i.e. D−1 16:00 UTC,
 *   to D 16:00 UTC.
 *
 * Binance and OKX rows go through the live mappers themselves (as the `trade` event they were),
 * so side, id and symbol are normalized exactly as live. Tardis rows carry the taker side
 * already; they are mapped to the same fields the live mappers fill (aggressor side,
 * integer ms, the venue's own trade id and symbol) and checked with the event schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import readline from 'node:readline';
import { VenueTradeSchema, type VenueTrade } from '../core/events.ts';
import { binance } from '../venues/binance.ts';
import { okx } from '../venues/okx.ts';
import type { Problems } from './problems.ts';
import { openZip } from './zip.ts';

/** Tardis exchange ids → our venue names (src/venues/index.ts). */
export const TARDIS_VENUES: Readonly<Record<string, string>> = Object.freeze({
  coinbase: 'coinbase',
  kraken: 'kraken',
  bitstamp: 'bitstamp',
  okex: 'okx',
  'bybit-spot': 'bybit',
  binance: 'binance',
});

const TARDIS_NAME = /^([a-z-]+)_trades_(\d{4}-\d{2}-\d{2})_(.+)\.csv\.gz$/;
const BINANCE_NAME = /^([A-Z0-9]+)-trades-(\d{4}-\d{2}-\d{2})\.zip$/;
const BYBIT_NAME = /^([A-Z0-9]+)_(\d{4}-\d{2}-\d{2})\.csv\.gz$/;
const OKX_NAME = /^([A-Z0-9]+-[A-Z0-9]+)-trades-(\d{4}-\d{2}-\d{2})\.zip$/;
/** An OKX day starts at 00:00 UTC+8. */
export const OKX_DAY_OFFSET_MS = -8 * 3_600_000;
const OKX_COLUMNS = ['trade_id', 'side', 'price', 'size', 'created_time'] as const;
const BYBIT_HEADER = /^id,timestamp,price,volume,side(,rpi)?$/;
const TARDIS_HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
/** µs timestamps are above this (year 5138 in ms); ms ones below. */
const US_THRESHOLD = 1e14;

export interface TradeFile {
  file: string;
  kind: 'tardis' | 'binance' | 'bybit' | 'okx';
  /** When the day the file covers starts (ms): UTC midnight, or 00:00 UTC+8 for OKX. */
  dayMs: number;
}

/** Trade files of `dir/tardis`, `dir/binance`, `dir/bybit` and `dir/okx` whose day touches [fromMs, toMs). */
export function listTradeFiles(archive: string, fromMs: number, toMs: number): TradeFile[] {
  const out: TradeFile[] = [];
  const scan = (sub: TradeFile['kind'], re: RegExp, offsetMs = 0) => {
    const dir = path.join(archive, sub);
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const m = re.exec(name);
      if (!m) continue;
      const dayMs = Date.parse(`${m[2]}T00:00:00Z`) + offsetMs;
      if (dayMs + 86_400_000 > fromMs && dayMs < toMs) out.push({ file: path.join(dir, name), kind: sub, dayMs });
    }
  };
  scan('tardis', TARDIS_NAME);
  scan('binance', BINANCE_NAME);
  scan('bybit', BYBIT_NAME);
  scan('okx', OKX_NAME, OKX_DAY_OFFSET_MS);
  return out;
}

const BATCH = 4096;

/** One Tardis CSV row → a trade, or why not. */
export function tardisTrade(cols: string[]): VenueTrade | string {
  if (cols.length !== 8) return `${cols.length} columns, not 8`;
  const venue = TARDIS_VENUES[cols[0]!];
  if (!venue) return `exchange ${cols[0]} is not one of ours`;
  const side = cols[5];
  const t = VenueTradeSchema.safeParse({
    event_type: 'venue_trade',
    venue,
    symbol: cols[1],
    px: Number(cols[6]),
    qty: Number(cols[7]),
    side: side === 'buy' || side === 'sell' ? side : 'unknown',
    trade_id: cols[4],
    ts_exchange_ms: Math.floor(Number(cols[2]) / 1000),
    ts_unix_ms: Math.floor(Number(cols[3]) / 1000),
  });
  return t.success ? t.data : `${t.error.issues[0]?.path.join('.')}: ${t.error.issues[0]?.message}`;
}

/** One Bybit public-history row (`id,timestamp,price,volume,side[,rpi]`) → a trade, or why not. */
export function bybitTrade(cols: string[], symbol: string): VenueTrade | string {
  if (cols.length < 5) return `${cols.length} columns, not 5 or 6`;
  const time = Number(cols[1]);
  const ms = time > US_THRESHOLD ? Math.floor(time / 1000) : Math.floor(time);
  const side = cols[4]!.toLowerCase();
  const t = VenueTradeSchema.safeParse({
    event_type: 'venue_trade',
    venue: 'bybit',
    symbol,
    px: Number(cols[2]),
    qty: Number(cols[3]),
    side: side === 'buy' || side === 'sell' ? side : 'unknown',
    trade_id: cols[0],
    ts_exchange_ms: ms,
    ts_unix_ms: ms,
  });
  return t.success ? t.data : `${t.error.issues[0]?.path.join('.')}: ${t.error.issues[0]?.message}`;
}

/** One Binance trades CSV row → a trade through the live Binance mapper, or why not. */
export function binanceTrade(cols: string[], symbol: string): VenueTrade | string {
  if (cols.length < 7) return `${cols.length} columns, not 7`;
  const time = Number(cols[4]);
  if (!Number.isFinite(time)) return `time ${cols[4]} is not a number`;
  const ms = time > US_THRESHOLD ? Math.floor(time / 1000) : time;
  const id = Number(cols[0]);
  const maker = cols[5]!.toLowerCase();
  if (maker !== 'true' && maker !== 'false') return `is buyer maker ${cols[5]} is not true/false`;
  const frame = `{"e":"trade","s":${JSON.stringify(symbol)},"t":${Number.isSafeInteger(id) ? id : JSON.stringify(cols[0])},"p":${JSON.stringify(cols[1])},"q":${JSON.stringify(cols[2])},"T":${ms},"m":${maker}}`;
  const r = binance.parse(frame, ms, symbol);
  return r.kind === 'trades' ? r.trades[0]! : r.kind === 'invalid' ? r.reason : `unexpected ${r.kind}`;
}

/** An OKX header → the index of each column it needs, or why not. */
export function okxColumns(header: string): Record<(typeof OKX_COLUMNS)[number], number> | string {
  const names = header
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((n) => n.split('/')[0]!.trim().toLowerCase());
  const out: Record<string, number> = {};
  for (const c of OKX_COLUMNS) {
    const i = names.indexOf(c);
    if (i < 0) return `header has no ${c} column (${OKX_COLUMNS.join(', ')} needed)`;
    out[c] = i;
  }
  return out as Record<(typeof OKX_COLUMNS)[number], number>;
}

/** One OKX trade-history row → a trade through the live OKX mapper (as the trades-channel item it was), or why not. */
export function okxTrade(cols: string[], at: Record<(typeof OKX_COLUMNS)[number], number>, symbol: string): VenueTrade | string {
  const get = (c: (typeof OKX_COLUMNS)[number]) => cols[at[c]] ?? '';
  const ms = Number(get('created_time'));
  if (!Number.isSafeInteger(ms)) return `created_time ${get('created_time')} is not a millisecond time`;
  const item = {
    instId: symbol,
    tradeId: get('trade_id'),
    px: get('price'),
    sz: get('size'),
    side: get('side').toLowerCase(),
    ts: String(ms),
  };
  const r = okx.parse(JSON.stringify({ arg: { channel: 'trades', instId: symbol }, data: [item] }), ms, symbol);
  return r.kind === 'trades' ? r.trades[0]! : r.kind === 'invalid' ? r.reason : `unexpected ${r.kind}`;
}

/** Reads one trade file as batches of trades, in file order, within [fromMs, toMs). */
export async function* readTradeFile(f: TradeFile, fromMs: number, toMs: number, problems: Problems): AsyncGenerator<VenueTrade[]> {
  const name = path.basename(f.file);
  let input: NodeJS.ReadableStream;
  let symbol = '';
  if (f.kind === 'binance' || f.kind === 'okx') {
    const opened = await openZip(f.file, problems);
    if (!opened) return;
    input = opened;
    symbol = (f.kind === 'okx' ? OKX_NAME : BINANCE_NAME).exec(name)![1]!;
  } else {
    input = fs.createReadStream(f.file).pipe(zlib.createGunzip());
    if (f.kind === 'bybit') symbol = BYBIT_NAME.exec(name)![1]!;
  }
  let lineNo = 0;
  let batch: VenueTrade[] = [];
  let okxAt: ReturnType<typeof okxColumns> | null = null;
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.length === 0) continue;
      if (f.kind === 'tardis' && lineNo === 1) {
        if (line !== TARDIS_HEADER) problems.add({ file: f.file, where: 'line 1', reason: `header is not "${TARDIS_HEADER}"` });
        continue;
      }
      if (f.kind === 'bybit' && lineNo === 1) {
        if (!BYBIT_HEADER.test(line))
          problems.add({ file: f.file, where: 'line 1', reason: 'header is not "id,timestamp,price,volume,side[,rpi]"' });
        continue;
      }
      if (f.kind === 'okx' && lineNo === 1) {
        okxAt = okxColumns(line);
        if (typeof okxAt === 'string') {
          problems.add({ file: f.file, where: 'line 1', reason: `${okxAt}; file skipped` });
          break;
        }
        continue;
      }
      const cols = line.split(',');
      const t =
        f.kind === 'tardis'
          ? tardisTrade(cols)
          : f.kind === 'bybit'
            ? bybitTrade(cols, symbol)
            : f.kind === 'okx'
              ? okxTrade(cols, okxAt as Exclude<typeof okxAt, string | null>, symbol)
              : binanceTrade(cols, symbol);
      if (typeof t === 'string') {
        problems.add({ file: f.file, where: `line ${lineNo}`, reason: t });
        continue;
      }
      if (t.ts_unix_ms < fromMs || t.ts_unix_ms >= toMs) continue;
      batch.push(t);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    problems.add({
      file: f.file,
      where: `after line ${lineNo}`,
      reason: `unreadable (${(err as Error).message}); rest of the file skipped`,
    });
  }
  if (batch.length > 0) yield batch;
}
