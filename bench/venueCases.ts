/**
 * The venue bench corpora: per venue a generator of trade frames in the venue's recorded
 * shape (prices, sizes, ids and times varied by a seeded Rng), our adapter, and the peer
 * tardis-dev normalizer (tardis-node, https://github.com/tardis-dev/tardis-node,
 * src/mappers/*.ts, package tardis-dev 13.35.3 read 2026-11-30) with the frame format that
 * normalizer reads. Where the two read different formats of the same venue (Kraken: we read
 * WebSocket v2, tardis-dev v1; Binance: we read raw /ws events, tardis-dev the combined
 * stream it records) `toPeer` rewrites our frame into the peer's, carrying the same trade
 * values, so both sides still read the same prices, sizes and sides.
 */
import type { Exchange } from 'tardis-dev';
import { Rng } from '../src/core/rng.ts';
import { binance } from '../src/venues/binance.ts';
import { bitstamp } from '../src/venues/bitstamp.ts';
import { bybit } from '../src/venues/bybit.ts';
import { coinbase, parseCoinbaseReference } from '../src/venues/coinbase.ts';
import { kraken, parseKrakenReference } from '../src/venues/kraken.ts';
import { okx } from '../src/venues/okx.ts';
import type { ParseResult, VenueAdapter } from '../src/venues/types.ts';

/** One venue under test. */
export interface VenueBenchCase {
  adapter: VenueAdapter;
  symbol: string;
  /** The i-th frame of the corpus, in the venue's wire format as we subscribe to it. */
  frame: (i: number, rng: Rng) => string;
  /** The tardis-dev exchange id whose trades normalizer reads this venue. */
  peer: Exchange;
  /** Our frame rewritten into the format the peer reads, when that differs. */
  toPeer?: (frame: string) => string;
  /** The formats each side reads, for the table (`v2 | v1`). */
  formats?: string;
  /** The plain JSON.parse-and-check path, for venues whose adapter puts a hand scanner in front. */
  reference?: (frame: string, recvMs: number, symbol: string) => ParseResult;
}

export const BASE_TS_MS = 1_751_132_780_368;
const px = (rng: Rng): string => (100_000 + rng.next() * 10_000).toFixed(2);
const qty = (rng: Rng): string => (rng.next() * 0.5 + 1e-5).toFixed(8);
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '123Z');

/**
 * Kraken WebSocket v1 trade payload, the format tardis-dev's Kraken mapper reads:
 * `[channelID,[[price,volume,time,side,orderType,misc]],"trade",pair]`, prices and volumes
 * as decimal strings, time in seconds with microseconds, side `b`/`s` (the taker's).
 * Source: https://docs.kraken.com/websockets/ ("trade" message, read 2026-11-30) and
 * tardis-node src/mappers/kraken.ts.
 */
function krakenV1(frame: string): string {
  const m = JSON.parse(frame) as { data: { side: string; price: number; qty: number; timestamp: string }[] };
  const trades = m.data.map((t) => [
    String(t.price),
    String(t.qty),
    (Date.parse(t.timestamp) / 1000).toFixed(6),
    t.side === 'buy' ? 'b' : 's',
    'l',
    '',
  ]);
  return JSON.stringify([0, trades, 'trade', 'XBT/USD']);
}

/**
 * Binance combined-stream wrapping, `{"stream":"<name>","data":<event>}` (Binance spot
 * "WebSocket Streams" docs, https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams,
 * read 2026-11-30; the capture test/fixtures/venues/binance_trade_2025_capture.json has it):
 * what tardis-dev records and its Binance mapper requires.
 */
const binanceCombined = (frame: string): string => `{"stream":"btcusdt@trade","data":${frame}}`;

/**
 * Shapes follow test/fixtures/venues/coinbase_match.json, kraken_v2_trade.json,
 * bitstamp_trade.json, okx_trades.json, bybit_v5_publicTrade_documented.json and
 * binance_trade_2025_capture.json.
 */
export const VENUE_BENCH_CASES: VenueBenchCase[] = [
  {
    adapter: coinbase,
    symbol: 'BTC-USD',
    peer: 'coinbase',
    reference: parseCoinbaseReference,
    frame: (i, rng) =>
      `{"type":"match","trade_id":${1_568_268 + i},"maker_order_id":"cac01d6d-8009-4c33-8e0d-f7f853d7c1bc","taker_order_id":"3dec64e4-f6ad-4ca8-ad3f-e5b1a0eb0d06","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","size":"${qty(rng)}","price":"${px(rng)}","product_id":"BTC-USD","sequence":${201_390_075 + i * 7},"time":"${iso(BASE_TS_MS + i)}"}`,
  },
  {
    adapter: kraken,
    symbol: 'BTC/USD',
    peer: 'kraken',
    toPeer: krakenV1,
    formats: 'v2 | v1',
    reference: parseKrakenReference,
    frame: (i, rng) =>
      `{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","price":${px(rng)},"qty":${qty(rng)},"ord_type":"limit","trade_id":${109_116_693 + i},"timestamp":"${iso(BASE_TS_MS + i)}"}]}`,
  },
  {
    adapter: bitstamp,
    symbol: 'btcusd',
    peer: 'bitstamp',
    frame: (i, rng) => {
      const p = px(rng);
      const q = qty(rng);
      const us = (BASE_TS_MS + i) * 1000;
      return `{"data":{"id":${216_000_477 + i},"timestamp":"${Math.floor(us / 1e6)}","amount":${q},"amount_str":"${q}","price":${p},"price_str":"${p}","type":${rng.next() < 0.5 ? 0 : 1},"microtimestamp":"${us}","buy_order_id":1443875737346049,"sell_order_id":1443875731320832},"channel":"live_trades_btcusd","event":"trade"}`;
    },
  },
  {
    adapter: okx,
    symbol: 'BTC-USDT',
    peer: 'okex',
    frame: (i, rng) =>
      `{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"${338_476_307 + i}","px":"${px(rng)}","sz":"${qty(rng)}","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","ts":"${BASE_TS_MS + i}","count":"1"}]}`,
  },
  {
    adapter: bybit,
    symbol: 'BTCUSDT',
    peer: 'bybit',
    frame: (i, rng) => {
      // Bybit batches the fills of one matching cycle: mostly one trade, sometimes several.
      // They share the cycle's `seq` (cross sequence), one higher than the previous frame's:
      // the adapter reports one `seq` per frame and the feed counts any jump as a gap.
      const n = rng.next() < 0.8 ? 1 : 2 + Math.floor(rng.next() * 3);
      const items: string[] = [];
      for (let k = 0; k < n; k++) {
        items.push(
          `{"T":${BASE_TS_MS + i},"s":"BTCUSDT","S":"${rng.next() < 0.5 ? 'Buy' : 'Sell'}","v":"${qty(rng)}","p":"${px(rng)}","L":"PlusTick","i":"22900000000${50_703_789 + i * 8 + k}","BT":false,"seq":${1_783_284_617 + i}}`,
        );
      }
      return `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":${BASE_TS_MS + i + 2},"data":[${items.join(',')}]}`;
    },
  },
  {
    adapter: binance,
    symbol: 'btcusdt',
    peer: 'binance',
    toPeer: binanceCombined,
    formats: 'raw | combined',
    frame: (i, rng) =>
      `{"e":"trade","E":${BASE_TS_MS + i + 1},"s":"BTCUSDT","t":${5_052_328_858 + i},"p":"${px(rng)}","q":"${qty(rng)}","T":${BASE_TS_MS + i},"m":${rng.next() < 0.5},"M":true}`,
  },
];

/** A venue's corpus as the socket delivers it: UTF-8 Buffers and the flat strings decoded from them. */
export interface Corpus {
  c: VenueBenchCase;
  bufs: Buffer[];
  flat: string[];
  /** The peer's frames (the same objects as ours when the formats agree). */
  peerBufs: Buffer[];
  peerFlat: string[];
}

/**
 * Template literals leave V8 "cons" strings (a tree of joined pieces) that stay so even
 * after being read; frames from `ws` are decoded from a Buffer and arrive flat. The corpus
 * goes through a Buffer for that reason: a scanner reading a cons string pays a lookup per
 * character that JSON.parse does not, so template-literal frames understate it.
 */
export function buildCorpus(c: VenueBenchCase, frames: number, seed = 7): Corpus {
  const rng = new Rng(seed);
  const bufs = Array.from({ length: frames }, (_, i) => Buffer.from(c.frame(i, rng), 'utf8'));
  const flat = bufs.map((b) => b.toString('utf8'));
  if (!c.toPeer) return { c, bufs, flat, peerBufs: bufs, peerFlat: flat };
  const toPeer = c.toPeer;
  const peerBufs = flat.map((f) => Buffer.from(toPeer(f), 'utf8'));
  return { c, bufs, flat, peerBufs, peerFlat: peerBufs.map((b) => b.toString('utf8')) };
}
