/**
 * A small archive in the real formats (docs/history.md): Gamma events built from the
 * captured Gamma market fixture, PMXT hours written by DuckDB in the v2 schema, a Binance
 * daily trades zip (µs times, `.CHECKSUM` beside it) and Tardis CSVs (gzip, header).
 *
 * 2026-08-22, 16:00–19:00 UTC: three BTC 5m windows (16:00 V2 won Up, 16:05 V1 won Down,
 * 16:10 V2 never resolved), one ETH window (a decoy), a file that is not an event; PMXT
 * hours 16 and 18 (17 missing); rows sorted by market, so out of time order across markets.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { writePmxtFile, type PmxtRow } from './pmxtParquet.ts';

const FIXTURE = path.resolve('test/fixtures/polymarket/gamma_market_btc_updown_5m_v2.json');
export const T0 = Date.parse('2026-08-22T16:00:00Z');
const MIN = 60_000;
export const ROWS_PER_MARKET = 2048;

export interface ArchiveMarket {
  slug: string;
  conditionId: string;
  up: string;
  down: string;
  startMs: number;
  version: 'v1' | 'v2';
  prices: [string, string] | null;
  asset: 'btc' | 'eth';
}

const hex = (n: number) => `0x${n.toString(16).padStart(64, 'a')}`;

export const MARKETS: ArchiveMarket[] = [
  {
    slug: 'btc-updown-5m-1787414400',
    conditionId: hex(1),
    up: '101',
    down: '102',
    startMs: T0,
    version: 'v2',
    prices: ['1', '0'],
    asset: 'btc',
  },
  {
    slug: 'btc-updown-5m-1787414700',
    conditionId: hex(2),
    up: '201',
    down: '202',
    startMs: T0 + 5 * MIN,
    version: 'v1',
    prices: ['0', '1'],
    asset: 'btc',
  },
  {
    slug: 'btc-updown-5m-1787415000',
    conditionId: hex(3),
    up: '301',
    down: '302',
    startMs: T0 + 10 * MIN,
    version: 'v2',
    prices: ['0', '0'],
    asset: 'btc',
  },
  {
    slug: 'eth-updown-5m-1787414400',
    conditionId: hex(9),
    up: '901',
    down: '902',
    startMs: T0,
    version: 'v1',
    prices: ['1', '0'],
    asset: 'eth',
  },
];

/** A Gamma event (as `/events/slug/<slug>` returns it) holding market `m`, built on the captured fixture. */
export function gammaEvent(m: ArchiveMarket, windowMs = 5 * MIN): unknown {
  const base = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const ids = JSON.stringify([m.up, m.down]);
  const market = {
    ...base,
    id: String(m.conditionId.length + m.startMs),
    conditionId: m.conditionId,
    slug: m.slug,
    question: `${m.asset === 'btc' ? 'Bitcoin' : 'Ethereum'} Up or Down - window ${m.slug.slice(-4)}`,
    eventStartTime: iso(m.startMs),
    endDate: iso(m.startMs + windowMs),
    version: m.version,
    clobTokenIds: m.version === 'v1' ? ids : JSON.stringify(['9', '8']),
    positionIds: m.version === 'v2' ? [m.up, m.down] : undefined,
    outcomePrices: m.prices ? JSON.stringify(m.prices) : undefined,
    active: true,
    closed: true,
    acceptingOrders: false,
  };
  return {
    id: `e${m.startMs}`,
    slug: m.slug,
    title: market.question,
    startTime: iso(m.startMs),
    eventMetadata: { priceToBeat: 64000 },
    markets: [market],
  };
}

/** Book + price changes + a print for both tokens of a market, starting at `atMs`. */
function rowsFor(m: ArchiveMarket, atMs: number): PmxtRow[] {
  const rows: PmxtRow[] = [];
  for (const [k, asset] of [m.up, m.down].entries()) {
    const t = atMs + k * 10;
    rows.push({
      timestamp_received: t + 5,
      timestamp: t,
      market: m.conditionId,
      event_type: 'book',
      asset_id: asset,
      bids: '[["0.48","100"],["0.47","200"]]',
      asks: '[["0.52","100"],["0.53","150"]]',
    });
    rows.push({
      timestamp_received: t + 2 * MIN + 5,
      timestamp: t + 2 * MIN,
      market: m.conditionId,
      event_type: 'price_change',
      asset_id: asset,
      price: 0.49,
      size: 50,
      side: 'BUY',
      best_bid: 0.49,
      best_ask: 0.52,
    });
    rows.push({
      timestamp_received: t + 3 * MIN + 5,
      timestamp: t + 3 * MIN,
      market: m.conditionId,
      event_type: 'last_trade_price',
      asset_id: asset,
      price: 0.52,
      size: 10,
      side: 'BUY',
      fee_rate_bps: 1000,
      transaction_hash: '0xabc',
    });
    // Filler changes on a deep level (DuckDB writes row groups of at least 2,048 rows): one market per group.
    for (let i = 0; i < ROWS_PER_MARKET / 2 - 3; i++)
      rows.push({
        timestamp_received: t + 4 * MIN + i * 50,
        timestamp: t + 4 * MIN + i * 50,
        market: m.conditionId,
        event_type: 'price_change',
        asset_id: asset,
        price: 0.4,
        size: 1 + (i % 5),
        side: 'BUY',
        best_bid: 0.49,
        best_ask: 0.52,
      });
  }
  return rows;
}

function zip(name: string, data: Buffer): Buffer {
  const body = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(20, 4);
  cd.writeUInt16LE(20, 6);
  cd.writeUInt16LE(8, 10);
  cd.writeUInt32LE(crc, 16);
  cd.writeUInt32LE(body.length, 20);
  cd.writeUInt32LE(data.length, 24);
  cd.writeUInt16LE(nameBuf.length, 28);
  cd.writeUInt32LE(0, 42);
  const cdOffset = local.length + nameBuf.length + body.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cd.length + nameBuf.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBuf, body, cd, nameBuf, eocd]);
}

/** Every 20 s from 16:00 to 19:00: a Binance, a Coinbase (Tardis) and an OKX (Tardis) print. */
function writeTrades(dir: string): void {
  fs.mkdirSync(path.join(dir, 'binance'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'tardis'), { recursive: true });
  const binance: string[] = [];
  const coinbase = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  const okex = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  const bybit = ['id,timestamp,price,volume,side,rpi'];
  for (let i = 0, t = T0; t < T0 + 3 * 60 * MIN; t += 20_000, i++) {
    const px = 64000 + (i % 10);
    binance.push(`${5000 + i},${px}.01000000,0.01000000,${px * 0.01},${t * 1000 + 123},${i % 2 === 0 ? 'True' : 'False'},True`);
    coinbase.push(`coinbase,BTC-USD,${(t + 1) * 1000},${(t + 40) * 1000},${9000 + i},buy,${px}.5,0.02`);
    okex.push(`okex,BTC-USDT,${(t + 2) * 1000},${(t + 30) * 1000},${7000 + i},sell,${px}.2,0.03`);
    bybit.push(`${i + 1},${t + 3},${px}.7,0.004,${i % 3 === 0 ? 'sell' : 'buy'},0`);
  }
  coinbase.splice(5, 0, 'coinbase,BTC-USD,not-a-time');
  const zipName = 'BTCUSDT-trades-2026-08-22.zip';
  const z = zip('BTCUSDT-trades-2026-08-22.csv', Buffer.from(`${binance.join('\n')}\n`));
  fs.writeFileSync(path.join(dir, 'binance', zipName), z);
  fs.writeFileSync(
    path.join(dir, 'binance', `${zipName}.CHECKSUM`),
    `${crypto.createHash('sha256').update(z).digest('hex')}  ${zipName}\n`,
  );
  fs.writeFileSync(path.join(dir, 'tardis', 'coinbase_trades_2026-08-22_BTC-USD.csv.gz'), zlib.gzipSync(`${coinbase.join('\n')}\n`));
  fs.writeFileSync(path.join(dir, 'tardis', 'okex_trades_2026-08-22_BTC-USDT.csv.gz'), zlib.gzipSync(`${okex.join('\n')}\n`));
  fs.mkdirSync(path.join(dir, 'bybit'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bybit', 'BTCUSDT_2026-08-22.csv.gz'), zlib.gzipSync(`${bybit.join('\n')}\n`));
}

/** OKX's newer header and its legacy bilingual one (src/history/trades.ts cites both). */
export const OKX_HEADER = 'instrument_name,trade_id,side,price,size,created_time';
export const OKX_LEGACY_HEADER = 'trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间';

/**
 * OKX's own daily trade file in its published layout, `okx/BTC-USDT-trades-2026-08-23.zip`:
 * the UTC+8 day 2026-08-23 starts at 2026-08-22T16:00Z, so it holds the archive's hours.
 * Every 20 s from 16:00 to 19:00 a print, a line that is not a trade among them. Not part of
 * writeHistoryArchive (that archive has OKX from Tardis already).
 */
export function writeOkxTrades(dir: string, header = OKX_HEADER): { name: string; rows: string[] } {
  const legacy = header === OKX_LEGACY_HEADER;
  const rows: string[] = [];
  for (let i = 0, t = T0; t < T0 + 3 * 60 * MIN; t += 20_000, i++) {
    const [id, side, px, sz, ts] = [`${880000 + i}`, i % 2 === 0 ? 'buy' : 'sell', `${64000 + (i % 10)}.3`, '0.0125', `${t + 5}`];
    rows.push(legacy ? [id, side, sz, px, ts].join(',') : ['BTC-USDT', id, side, px, sz, ts].join(','));
  }
  const lines = [header, ...rows];
  lines.splice(4, 0, legacy ? '880003,buy,0.5,not-a-price,1787414460005' : 'BTC-USDT,880003,buy,not-a-price,0.5,1787414460005');
  const name = 'BTC-USDT-trades-2026-08-23.zip';
  fs.mkdirSync(path.join(dir, 'okx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'okx', name), zip('BTC-USDT-trades-2026-08-23.csv', Buffer.from(`${lines.join('\n')}\n`)));
  return { name, rows };
}

export async function writeHistoryArchive(dir: string): Promise<void> {
  fs.mkdirSync(path.join(dir, 'gamma'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'pmxt'), { recursive: true });
  for (const m of MARKETS) fs.writeFileSync(path.join(dir, 'gamma', `${m.slug}.json`), JSON.stringify(gammaEvent(m)));
  fs.writeFileSync(path.join(dir, 'gamma', 'not-an-event.json'), JSON.stringify({ id: '1', slug: 'nope' }));
  const hour16 = MARKETS.flatMap((m) => rowsFor(m, m.startMs));
  await writePmxtFile(path.join(dir, 'pmxt', 'polymarket_orderbook_2026-08-22T16.parquet'), hour16, ROWS_PER_MARKET);
  const hour18 = rowsFor(MARKETS[0]!, T0 + 2 * 60 * MIN);
  await writePmxtFile(path.join(dir, 'pmxt', 'polymarket_orderbook_2026-08-22T18.parquet'), hour18);
  writeTrades(dir);
}
