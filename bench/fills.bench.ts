/**
 * Decision → fill latency of the paper execution: 1M orders (IOC / FOK / GTC, buys and
 * sells) against books of 5 to 100 levels a side, each timed from `submit` (the engine's
 * decision) through `matchDue` at decision + latency (the book walk, fee per level, portfolio
 * update and output events; a GTC remainder joins its level's queue). Between orders a book
 * update and a print at the best bid move the resting orders' queues (queue tracking). Per-order times go into an HDR histogram. The baseline is JSON.parse
 * of a small order frame, timed the same way in the same run, one parse after every order,
 * so both see the same caches, garbage collections and machine; each percentile is given
 * as a ratio to the same percentile of the baseline.
 * A per-call time can only be taken on the wall clock, which charges a time slice spent
 * off the CPU to whichever call was running (on a loaded machine that is a millisecond
 * where the work took a microsecond). So the orders run in chunks, and a chunk in which the
 * scheduler took the thread off its CPU (./threadCpu.ts) is left out of both histograms;
 * the share left out is printed. Garbage collection stays in: it is part of the cost.
 * Targets: p99 ≤ 25 µs and p99.9 ≤ 250 µs were set on a machine where this baseline's p99
 * and p99.9 measured about 0.5 µs and 1 µs, i.e. ≤ 50× and ≤ 250× of the baseline; as
 * ratios the targets are ≤ 50× at p99 and ≤ 250× at p99.9.
 */
import hdr from 'hdr-histogram-js';
import { OrderBook } from '../src/core/book.ts';
import type { Level, MarketInfo } from '../src/core/events.ts';
import type { OutputEvent, Tif } from '../src/core/outputs.ts';
import { Rng } from '../src/core/rng.ts';
import { Execution, type OrderRequest } from '../src/paper/execution.ts';
import { CRYPTO_FEES } from '../src/core/fees.ts';
import { Portfolio } from '../src/paper/portfolio.ts';
import type { BenchRow } from './rows.ts';
import { threadSched } from './threadCpu.ts';

const ORDERS = 1_000_000;
const WARMUP_ORDERS = 50_000;
const LATENCY_MS = 250;
const MIN_LEVELS = 5;
const MAX_LEVELS = 100;
/** Orders (and as many baseline parses) per chunk; a chunk lasts about a millisecond. */
const CHUNK_ORDERS = 250;
const TARGET_P99_RATIO = 50;
const TARGET_P999_RATIO = 250;

const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
type Histogram = ReturnType<typeof newHistogram>;

interface Token {
  id: string;
  book: OrderBook;
  levels: number;
  /** +1 or −1: the next book update resizes every level by this many shares. */
  flip: number;
}

/** One token per book depth: asks from 0.500 up, bids from 0.499 down, on a 0.001 grid. */
function makeTokens(rng: Rng, startMs: number): Token[] {
  const tokens: Token[] = [];
  for (let n = MIN_LEVELS; n <= MAX_LEVELS; n++) {
    const asks: Level[] = [];
    const bids: Level[] = [];
    for (let i = 0; i < n; i++) {
      asks.push([(500 + i) / 1000, rng.int(5, 500)]);
      bids.push([(499 - i) / 1000, rng.int(5, 500)]);
    }
    const book = new OrderBook(0.001);
    book.snapshot(bids, asks, startMs);
    tokens.push({ id: `t${n}`, book, levels: n, flip: 1 });
  }
  return tokens;
}

function makeExecution(
  tokens: Token[],
  info: MarketInfo,
): { exec: Execution; counters: { intents: number; fills: number; rejects: number } } {
  const byId = new Map(tokens.map((t) => [t.id, t.book]));
  // Deep pockets and a large inventory per token, so cash and position checks pass and sells can walk too.
  const portfolio = new Portfolio(1e15);
  for (const t of tokens) portfolio.apply({ market_id: info.market_id, token_id: t.id, outcome: 'Up' }, 'buy', 1e12, 0.5, 0);
  const counters = { intents: 0, fills: 0, rejects: 0 };
  const exec = new Execution(
    { latencyMs: LATENCY_MS, slippageBps: 0, gtcTtlMs: 100, maxOpenOrders: 10_000 },
    { book: (id) => byId.get(id), market: () => info },
    portfolio,
    counters,
  );
  return { exec, counters };
}

/** A random order: walks between one level and past the whole side, with a limit somewhere in the book. */
function randomOrder(rng: Rng, t: Token, i: number): OrderRequest {
  const side = rng.next() < 0.5 ? 'buy' : 'sell';
  const reach = rng.int(0, t.levels - 1);
  const limitPx = side === 'buy' ? (500 + reach) / 1000 : (499 - reach) / 1000;
  const qty = rng.int(5, 260 * (reach + 1));
  const u = rng.next();
  const tif: Tif = u < 0.7 ? 'IOC' : u < 0.9 ? 'FOK' : 'GTC';
  return { intent_id: `i${i}`, market_id: 'bench', token_id: t.id, outcome: 'Up', side, qty, limit_px: limitPx, tif };
}

const ORDER_FRAME = JSON.stringify({
  intent_id: 'i1',
  market_id: 'bench',
  token_id: 't50',
  side: 'buy',
  qty: 120,
  limit_px: 0.512,
  tif: 'IOC',
});

/** The two histograms, the chunks kept and left out, and the order book clock. */
interface Run {
  fills: Histogram;
  parse: Histogram;
  kept: number;
  dropped: number;
  now: number;
  /** Written by the baseline so that its parse cannot be optimized away. */
  sink: number;
}

/**
 * One chunk: each order from decision to fill, then one baseline parse, each timed alone
 * into the chunk's buffers; they reach the histograms only if the thread kept its CPU.
 */
function runChunk(
  count: number,
  rng: Rng,
  tokens: Token[],
  exec: Execution,
  r: Run,
  bufs: { fill: Float64Array; parse: Float64Array },
): void {
  const out: OutputEvent[] = [];
  const before = threadSched();
  for (let i = 0; i < count; i++) {
    const t = tokens[rng.int(0, tokens.length - 1)]!;
    const order = randomOrder(rng, t, i);
    out.length = 0;
    const t0 = process.hrtime.bigint();
    exec.submit(order, r.now, out);
    exec.matchDue(r.now + LATENCY_MS, out, true);
    const t1 = process.hrtime.bigint();
    const o = JSON.parse(ORDER_FRAME) as { qty: number };
    const t2 = process.hrtime.bigint();
    r.sink += o.qty;
    bufs.fill[i] = Number(t1 - t0);
    bufs.parse[i] = Number(t2 - t1);
    r.now += LATENCY_MS;
    // A book update that resizes every level gives the next order fresh depth (our
    // consumption stands until its level changes) and lets resting GTC orders check for a
    // trade-through, as the engine does on every book input.
    for (const ladder of [t.book.bids, t.book.asks]) {
      for (let l = 0; l < ladder.keys.length; l++) t.book.change(ladder.side, ladder.keys[l]! / 1e6, ladder.sizes[l]! + t.flip, r.now);
    }
    t.flip = -t.flip;
    exec.onBook(t.id, r.now, out);
    // A print at the best bid: resting buys there move up their queue and may fill (queue tracking, paper/queue.ts).
    const bid = t.book.bids.keys[0];
    if (bid !== undefined) {
      const print = { event_type: 'market_trade', market_id: 'bench', token_id: t.id, side: 'sell' } as const;
      exec.onTrade({ ...print, px: bid / 1e6, qty: 1 + (i % 200), ts_exchange_ms: r.now, ts_unix_ms: r.now }, r.now, out);
    }
  }
  const after = threadSched();
  if (before !== null && after !== null && after.slices !== before.slices) {
    r.dropped += count;
    return;
  }
  r.kept += count;
  for (let i = 0; i < count; i++) {
    r.fills.recordValue(bufs.fill[i]!);
    r.parse.recordValue(bufs.parse[i]!);
  }
}

function runOrders(count: number, rng: Rng, tokens: Token[], exec: Execution, r: Run): void {
  const bufs = { fill: new Float64Array(CHUNK_ORDERS), parse: new Float64Array(CHUNK_ORDERS) };
  for (let done = 0; done < count; done += CHUNK_ORDERS) runChunk(Math.min(CHUNK_ORDERS, count - done), rng, tokens, exec, r, bufs);
}

const us = (ns: number) => (ns / 1000).toFixed(2).padStart(8);

function ratioRow(name: string, r: Run, q: number, max: number): BenchRow {
  const f = r.fills.getValueAtPercentile(q);
  const p = r.parse.getValueAtPercentile(q);
  const ratio = f / p;
  return {
    name,
    value: `${(f / 1000).toFixed(2)} µs, ${ratio.toFixed(1)}× JSON.parse's p${q} (${(p / 1000).toFixed(2)} µs)`,
    target: `≤ ${max}×`,
    ratio,
    pass: ratio <= max,
  };
}

export function benchFills(): BenchRow[] {
  const startMs = 1_750_000_000_000;
  const rng = new Rng(7);
  const tokens = makeTokens(rng, startMs);
  const info: MarketInfo = {
    market_id: 'bench',
    slug: 'bench',
    question: 'bench',
    family: '1d',
    window_start_ms: startMs,
    window_end_ms: Number.MAX_SAFE_INTEGER,
    tokens: [
      { token_id: 't5', outcome: 'Up' },
      { token_id: 't6', outcome: 'Down' },
    ],
    tick_size: 0.001,
    min_size: 5,
    fee: CRYPTO_FEES,
    resolution: { rule: 'end_gte_start', source: 'sim' },
    price_to_beat: 100_000,
    price_to_beat_estimated: false,
  };
  const { exec, counters } = makeExecution(tokens, info);
  const wall0 = process.hrtime.bigint();
  const warm: Run = { fills: newHistogram(), parse: newHistogram(), kept: 0, dropped: 0, now: startMs, sink: 0 };
  runOrders(WARMUP_ORDERS, rng, tokens, exec, warm);
  const before = { ...counters, expired: exec.expirations };
  const r: Run = { fills: newHistogram(), parse: newHistogram(), kept: 0, dropped: 0, now: warm.now, sink: 0 };
  runOrders(ORDERS, rng, tokens, exec, r);
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  if (r.sink + warm.sink <= 0 || r.kept === 0) throw new Error('no baseline parse or no chunk kept');

  const p = (h: Histogram, q: number) => h.getValueAtPercentile(q);
  console.log(
    `orders: ${ORDERS} (after ${WARMUP_ORDERS} warm-up) on books of ${MIN_LEVELS}-${MAX_LEVELS} levels a side, IOC 70% / FOK 20% / GTC 10%`,
  );
  console.log(
    `outcomes: ${counters.fills - before.fills} fills, ${counters.rejects - before.rejects} rejects, ${exec.expirations - before.expired} expirations; wall ${wallS.toFixed(1)} s`,
  );
  console.log(
    `kept ${r.kept} orders; left out ${r.dropped} (${((100 * r.dropped) / ORDERS).toFixed(0)}%) in ${CHUNK_ORDERS}-order chunks during which the thread lost its CPU`,
  );
  console.log('                     p50 µs   p99 µs  p99.9 µs   max µs');
  console.log(`decision → fill    ${us(p(r.fills, 50))} ${us(p(r.fills, 99))} ${us(p(r.fills, 99.9))} ${us(r.fills.maxValue)}`);
  console.log(`JSON.parse frame   ${us(p(r.parse, 50))} ${us(p(r.parse, 99))} ${us(p(r.parse, 99.9))} ${us(r.parse.maxValue)}`);
  console.log(
    `ratio to JSON.parse: p50 ${(p(r.fills, 50) / p(r.parse, 50)).toFixed(1)}×, p99 ${(p(r.fills, 99) / p(r.parse, 99)).toFixed(1)}×, p99.9 ${(p(r.fills, 99.9) / p(r.parse, 99.9)).toFixed(1)}× (targets ≤ ${TARGET_P99_RATIO}× at p99, ≤ ${TARGET_P999_RATIO}× at p99.9)`,
  );
  return [
    ratioRow('fills: decision → fill, p99', r, 99, TARGET_P99_RATIO),
    ratioRow('fills: decision → fill, p99.9', r, 99.9, TARGET_P999_RATIO),
  ];
}
