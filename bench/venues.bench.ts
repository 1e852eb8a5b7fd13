/**
 * Venue mapper throughput and memory. For each venue a corpus of trade frames in the
 * venue's recorded shape (prices, sizes, ids and times varied by a seeded Rng) is pushed
 * through `adapter.parse`; its speed is reported as a ratio to plain JSON.parse of the
 * same frames measured in the same run (target ≥ 0.8×: the mapper may add at most a
 * quarter on top of the parse every edge must do anyway). A second pass runs 10M frames
 * per venue and reports heap growth after a forced GC (target ≤ 4 MB: nothing retained).
 */
import type { BenchRow } from './rows.ts';
import { Rng } from '../src/core/rng.ts';
import { binance } from '../src/feeds/venues/binance.ts';
import { bitstamp } from '../src/feeds/venues/bitstamp.ts';
import { bybit } from '../src/feeds/venues/bybit.ts';
import { coinbase } from '../src/feeds/venues/coinbase.ts';
import { kraken } from '../src/feeds/venues/kraken.ts';
import { okx } from '../src/feeds/venues/okx.ts';
import type { VenueAdapter } from '../src/feeds/venues/types.ts';

/** One venue under test: its adapter, the configured symbol and a frame generator. */
export interface VenueBenchCase {
  adapter: VenueAdapter;
  symbol: string;
  /** The i-th frame of the corpus, in the venue's wire format. */
  frame: (i: number, rng: Rng) => string;
}

const BASE_TS_MS = 1_751_132_780_368;
const px = (rng: Rng): string => (100_000 + rng.next() * 10_000).toFixed(2);
const qty = (rng: Rng): string => (rng.next() * 0.5 + 1e-5).toFixed(8);

const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '123Z');

/**
 * Shapes follow test/fixtures/venues/coinbase_match.json, kraken_v2_trade.json,
 * bitstamp_trade.json, okx_trades.json, bybit_v5_publicTrade_documented.json and
 * binance_trade_2025_capture.json.
 */
export const VENUE_BENCH_ADAPTERS: VenueBenchCase[] = [
  {
    adapter: coinbase,
    symbol: 'BTC-USD',
    frame: (i, rng) =>
      `{"type":"match","trade_id":${1_568_268 + i},"maker_order_id":"cac01d6d-8009-4c33-8e0d-f7f853d7c1bc","taker_order_id":"3dec64e4-f6ad-4ca8-ad3f-e5b1a0eb0d06","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","size":"${qty(rng)}","price":"${px(rng)}","product_id":"BTC-USD","sequence":${201_390_075 + i * 7},"time":"${iso(BASE_TS_MS + i)}"}`,
  },
  {
    adapter: kraken,
    symbol: 'BTC/USD',
    frame: (i, rng) =>
      `{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","price":${px(rng)},"qty":${qty(rng)},"ord_type":"limit","trade_id":${109_116_693 + i},"timestamp":"${iso(BASE_TS_MS + i)}"}]}`,
  },
  {
    adapter: bitstamp,
    symbol: 'btcusd',
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
    frame: (i, rng) =>
      `{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"${338_476_307 + i}","px":"${px(rng)}","sz":"${qty(rng)}","side":"${rng.next() < 0.5 ? 'buy' : 'sell'}","ts":"${BASE_TS_MS + i}","count":"1"}]}`,
  },
  {
    adapter: bybit,
    symbol: 'BTCUSDT',
    frame: (i, rng) => {
      // Bybit batches fills of one matching cycle: mostly one trade, sometimes several.
      const n = rng.next() < 0.8 ? 1 : 2 + Math.floor(rng.next() * 3);
      const items: string[] = [];
      for (let k = 0; k < n; k++) {
        items.push(`{"T":${BASE_TS_MS + i},"s":"BTCUSDT","S":"${rng.next() < 0.5 ? 'Buy' : 'Sell'}","v":"${qty(rng)}","p":"${px(rng)}","L":"PlusTick","i":"22900000000${50_703_789 + i * 8 + k}","BT":false,"seq":${1_783_284_617 + i * 8 + k}}`);
      }
      return `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":${BASE_TS_MS + i + 2},"data":[${items.join(',')}]}`;
    },
  },
  {
    adapter: binance,
    symbol: 'btcusdt',
    frame: (i, rng) =>
      `{"e":"trade","E":${BASE_TS_MS + i + 1},"s":"BTCUSDT","t":${5_052_328_858 + i},"p":"${px(rng)}","q":"${qty(rng)}","T":${BASE_TS_MS + i},"m":${rng.next() < 0.5},"M":true}`,
  },
];

const CORPUS_FRAMES = 200_000;
const MEMORY_FRAMES = 10_000_000;
/** Safety cap on the memory pass so a slow or loaded machine still finishes promptly. */
const MEMORY_BUDGET_S = 30;
const RUNS = 5;
const RECV_MS = BASE_TS_MS + 5;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Parses every frame; returns a checksum so the work cannot be optimized away. */
function parseAll(c: VenueBenchCase, frames: string[]): number {
  let trades = 0;
  for (let i = 0; i < frames.length; i++) {
    const r = c.adapter.parse(frames[i] as string, RECV_MS, c.symbol);
    if (r.kind !== 'trades') throw new Error(`${c.adapter.venue} bench frame ${i} did not map: ${JSON.stringify(r)}`);
    trades += r.trades.length;
  }
  return trades;
}

function jsonAll(frames: string[]): number {
  let n = 0;
  for (let i = 0; i < frames.length; i++) if (JSON.parse(frames[i] as string) !== null) n++;
  return n;
}

interface Corpus {
  c: VenueBenchCase;
  frames: string[];
}

const CHUNK_FRAMES = 5_000;

function timeS(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * JSON.parse and the mapper alternate chunk by chunk (which goes first alternates too), so
 * a machine whose load drifts during the run slows both alike; each of RUNS rounds gives a
 * ratio over the whole corpus and the median round is reported.
 */
function speedRow(corpus: Corpus): { line: string; row: BenchRow } {
  const { c, frames } = corpus;
  const rounds: { json: number; parse: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    let json = 0;
    let parse = 0;
    for (let at = 0, k = 0; at < frames.length; at += CHUNK_FRAMES, k++) {
      const chunk = frames.slice(at, at + CHUNK_FRAMES);
      if (k % 2 === 0) {
        json += timeS(() => jsonAll(chunk));
        parse += timeS(() => parseAll(c, chunk));
      } else {
        parse += timeS(() => parseAll(c, chunk));
        json += timeS(() => jsonAll(chunk));
      }
    }
    rounds.push({ json, parse });
  }
  rounds.sort((a, b) => a.json / a.parse - b.json / b.parse);
  const mid = rounds[rounds.length >> 1]!;
  const ratio = mid.json / mid.parse;
  const kps = (s: number): string => (frames.length / s / 1e3).toFixed(0).padStart(9);
  const line = `${c.adapter.venue.padEnd(9)} ${kps(mid.json)}  ${kps(mid.parse)}  ${ratio.toFixed(2)}×  ${ratio >= 0.8 ? 'ok' : 'MISS'}`;
  return { line, row: { name: `venue ${c.adapter.venue}: parse vs JSON.parse`, value: frames.length / mid.parse / 1e3, unit: 'k frames/s', target: '≥ 0.8×', ratio, pass: ratio >= 0.8 } };
}

/**
 * Heap growth over up to 10M frames, the venues' corpora taken round-robin: anything a
 * mapper retains per frame (a cache, a log, a closure) shows up as growth after a GC.
 */
function memoryRow(corpora: Corpus[]): { line: string; row: BenchRow } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  let frames = 0;
  while (frames < MEMORY_FRAMES && Number(process.hrtime.bigint() - t0) / 1e9 < MEMORY_BUDGET_S) {
    for (const k of corpora) {
      parseAll(k.c, k.frames);
      frames += k.frames.length;
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  gc();
  const growthMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const capped = frames < MEMORY_FRAMES ? ` (stopped at the ${MEMORY_BUDGET_S} s cap)` : '';
  const line = `heap growth over ${(frames / 1e6).toFixed(1)}M frames${capped}: ${growthMb.toFixed(2)} MB (target ≤ 4 MB) ${growthMb <= 4 ? 'ok' : 'MISS'}  [${elapsedS.toFixed(1)} s]`;
  return { line, row: { name: 'venues: heap growth', value: growthMb, unit: 'MB', target: '≤ 4 MB', ratio: null, pass: growthMb <= 4 } };
}

export function benchVenues(cases: VenueBenchCase[] = VENUE_BENCH_ADAPTERS): BenchRow[] {
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc (npm run bench) for a meaningful heap figure');
  const corpora = cases.map((c) => {
    const rng = new Rng(7);
    return { c, frames: Array.from({ length: CORPUS_FRAMES }, (_, i) => c.frame(i, rng)) };
  });
  console.log(`corpus: ${CORPUS_FRAMES / 1e3}k trade frames per venue, interleaved with JSON.parse in ${CHUNK_FRAMES / 1e3}k-frame chunks; median of ${RUNS} rounds; target ratio ≥ 0.80× of JSON.parse`);
  console.log('venue     JSON k/s   parse k/s  ratio');
  const results = [...corpora.map(speedRow), memoryRow(corpora)];
  for (const r of results) console.log(r.line);
  return results.map((r) => r.row);
}
