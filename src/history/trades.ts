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
 * Binance rows go through the live Binance mapper itself (as the `trade` event they were),
 * so side, id and symbol are normalized exactly as live. Tardis rows carry the taker side
 * already; they are mapped to the same fields the live mappers fill (aggressor side,
 * integer ms, the venue's own trade id and symbol) and checked with the event schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import readline from 'node:readline';
import { VenueTradeSchema, type VenueTrade } from '../core/events.ts';
import { binance } from '../venues/binance.ts';
import type { Problems } from './problems.ts';

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
const BYBIT_HEADER = /^id,timestamp,price,volume,side(,rpi)?$/;
const TARDIS_HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
/** µs timestamps are above this (year 5138 in ms); ms ones below. */
const US_THRESHOLD = 1e14;

export interface TradeFile {
  file: string;
  kind: 'tardis' | 'binance' | 'bybit';
  /** The UTC day the file covers (ms). */
  dayMs: number;
}

/** Trade files of `dir/tardis` and `dir/binance` whose day touches [fromMs, toMs). */
export function listTradeFiles(archive: string, fromMs: number, toMs: number): TradeFile[] {
  const out: TradeFile[] = [];
  const scan = (sub: TradeFile['kind'], re: RegExp) => {
    const dir = path.join(archive, sub);
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const m = re.exec(name);
      if (!m) continue;
      const dayMs = Date.parse(`${m[2]}T00:00:00Z`);
      if (dayMs + 86_400_000 > fromMs && dayMs < toMs) out.push({ file: path.join(dir, name), kind: sub, dayMs });
    }
  };
  scan('tardis', TARDIS_NAME);
  scan('binance', BINANCE_NAME);
  scan('bybit', BYBIT_NAME);
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

/** Reads one trade file as batches of trades, in file order, within [fromMs, toMs). */
export async function* readTradeFile(f: TradeFile, fromMs: number, toMs: number, problems: Problems): AsyncGenerator<VenueTrade[]> {
  const name = path.basename(f.file);
  let input: NodeJS.ReadableStream;
  let symbol = '';
  if (f.kind === 'binance') {
    const opened = await openBinanceZip(f.file, problems);
    if (!opened) return;
    input = opened;
    symbol = BINANCE_NAME.exec(name)![1]!;
  } else {
    input = fs.createReadStream(f.file).pipe(zlib.createGunzip());
    if (f.kind === 'bybit') symbol = BYBIT_NAME.exec(name)![1]!;
  }
  let lineNo = 0;
  let batch: VenueTrade[] = [];
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
      const cols = line.split(',');
      const t = f.kind === 'tardis' ? tardisTrade(cols) : f.kind === 'bybit' ? bybitTrade(cols, symbol) : binanceTrade(cols, symbol);
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

/**
 * The one CSV inside a Binance zip, inflated as a stream. The zip is checked first: its
 * SHA-256 against `<zip>.CHECKSUM` when present, and the CRC-32 of the entry as it is read.
 */
async function openBinanceZip(file: string, problems: Problems): Promise<NodeJS.ReadableStream | null> {
  const checksumFile = `${file}.CHECKSUM`;
  if (fs.existsSync(checksumFile)) {
    const want = fs.readFileSync(checksumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
    const hash = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    const got = hash.digest('hex');
    if (got !== want) {
      problems.add({
        file,
        where: null,
        reason: `SHA-256 ${got.slice(0, 12)}… does not match ${path.basename(checksumFile)}; file skipped`,
      });
      return null;
    }
  }
  const entry = zipEntry(file);
  if (typeof entry === 'string') {
    problems.add({ file, where: null, reason: `${entry}; file skipped` });
    return null;
  }
  const raw = fs.createReadStream(file, { start: entry.dataStart, end: entry.dataStart + entry.compressedSize - 1 });
  const out = entry.method === 8 ? raw.pipe(zlib.createInflateRaw()) : raw;
  let crc = 0;
  out.on('data', (c: Buffer) => {
    crc = zlib.crc32(c, crc);
  });
  out.on('end', () => {
    if (crc >>> 0 !== entry.crc32 >>> 0) problems.add({ file, where: null, reason: 'CRC-32 of the CSV inside does not match the zip' });
  });
  return out;
}

interface ZipEntry {
  method: number;
  crc32: number;
  compressedSize: number;
  dataStart: number;
}

/** The first entry of a zip, from its central directory (sizes are there even when streamed). */
export function zipEntry(file: string): ZipEntry | string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return 'not a zip (no end of central directory)';
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(46);
    if (fs.readSync(fd, cd, 0, 46, cdOffset) < 46 || cd.readUInt32LE(0) !== 0x02014b50) return 'zip central directory unreadable';
    const method = cd.readUInt16LE(10);
    if (method !== 0 && method !== 8) return `zip compression method ${method} not supported`;
    const local = Buffer.alloc(30);
    const localOffset = cd.readUInt32LE(42);
    if (fs.readSync(fd, local, 0, 30, localOffset) < 30 || local.readUInt32LE(0) !== 0x04034b50) return 'zip local header unreadable';
    const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const compressedSize = cd.readUInt32LE(20);
    if (dataStart + compressedSize > size) return 'zip truncated';
    return { method, crc32: cd.readUInt32LE(16), compressedSize, dataStart };
  } finally {
    fs.closeSync(fd);
  }
}
