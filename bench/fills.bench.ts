/**
 * Decision → fill latency of the paper execution: 1M orders (IOC / FOK / GTC, buys and
 * sells) against books of 5 to 100 levels a side, each timed from `submit` (the engine's
 * decision) through `matchDue` at decision + latency (the book walk, fee, portfolio update
 * and output events). Per-order times go into an HDR histogram; the baseline is JSON.parse
 * of a small order frame timed the same way in the same run, so the ratio means the same
 * on any machine. Targets (this machine): p99 ≤ 25 µs, p99.9 ≤ 250 µs.
 */
import type { BenchRow } from './rows.ts';
import hdr from 'hdr-histogram-js';
import { OrderBook } from '../src/core/book.ts';
import type { Level, MarketInfo } from '../src/core/events.ts';
import type { OutputEvent, Tif } from '../src/core/outputs.ts';
import { Rng } from '../src/core/rng.ts';
import { Execution, type OrderRequest } from '../src/paper/execution.ts';
import { CRYPTO_FEES } from '../src/paper/fees.ts';
import { Portfolio } from '../src/paper/portfolio.ts';

const ORDERS = 1_000_000;
const WARMUP_ORDERS = 50_000;
const LATENCY_MS = 250;
const MIN_LEVELS = 5;
const MAX_LEVELS = 100;
const TARGET_P99_US = 25;
const TARGET_P999_US = 250;

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });

interface Token {
  id: string;
  book: OrderBook;
  levels: number;
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
    tokens.push({ id: `t${n}`, book, levels: n });
  }
  return tokens;
}

function makeExecution(tokens: Token[], info: MarketInfo): { exec: Execution; counters: { intents: number; fills: number; rejects: number } } {
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

function runOrders(count: number, rng: Rng, tokens: Token[], exec: Execution, hist: ReturnType<typeof newHistogram>, startMs: number): number {
  const out: OutputEvent[] = [];
  let now = startMs;
  for (let i = 0; i < count; i++) {
    const t = tokens[rng.int(0, tokens.length - 1)]!;
    const order = randomOrder(rng, t, i);
    out.length = 0;
    const t0 = process.hrtime.bigint();
    exec.submit(order, now, out);
    exec.matchDue(now + LATENCY_MS, out, true);
    const t1 = process.hrtime.bigint();
    hist.recordValue(Number(t1 - t0));
    now += LATENCY_MS;
    // A book update (same levels, new version) gives the next order fresh depth and lets
    // resting GTC orders check for a trade-through, as the engine does on every book input.
    t.book.change('ask', t.book.asks.bestPx()!, t.book.asks.sizes[0]!, now);
    exec.onBook(t.id, now, out);
  }
  return now;
}

function baseline(count: number, hist: ReturnType<typeof newHistogram>): void {
  const frame = JSON.stringify({ intent_id: 'i1', market_id: 'bench', token_id: 't50', side: 'buy', qty: 120, limit_px: 0.512, tif: 'IOC' });
  let sink = 0;
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const o = JSON.parse(frame) as { qty: number };
    const t1 = process.hrtime.bigint();
    sink += o.qty;
    hist.recordValue(Number(t1 - t0));
  }
  if (sink < 0) console.log(sink);
}

const us = (ns: number) => (ns / 1000).toFixed(2).padStart(8);

export function benchFills(): BenchRow[] {
  const startMs = 1_750_000_000_000;
  const rng = new Rng(7);
  const tokens = makeTokens(rng, startMs);
  const info: MarketInfo = {
    market_id: 'bench', slug: 'bench', question: 'bench', family: '1d', window_start_ms: startMs, window_end_ms: Number.MAX_SAFE_INTEGER,
    tokens: [{ token_id: 't5', outcome: 'Up' }, { token_id: 't6', outcome: 'Down' }], tick_size: 0.001, min_size: 5, fee: CRYPTO_FEES,
    resolution: { rule: 'end_gte_start', source: 'sim' }, price_to_beat: 100_000, price_to_beat_estimated: false,
  };
  const { exec, counters } = makeExecution(tokens, info);
  const fills = newHistogram();
  const parse = newHistogram();
  const wall0 = process.hrtime.bigint();
  let now = runOrders(WARMUP_ORDERS, rng, tokens, exec, newHistogram(), startMs);
  baseline(WARMUP_ORDERS, newHistogram());
  const before = { ...counters, expired: exec.expirations };
  now = runOrders(ORDERS, rng, tokens, exec, fills, now);
  baseline(ORDERS, parse);
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;

  const p = (h: ReturnType<typeof newHistogram>, q: number) => h.getValueAtPercentile(q);
  console.log(`orders: ${ORDERS} (after ${WARMUP_ORDERS} warm-up) on books of ${MIN_LEVELS}-${MAX_LEVELS} levels a side, IOC 70% / FOK 20% / GTC 10%`);
  console.log(`outcomes: ${counters.fills - before.fills} fills, ${counters.rejects - before.rejects} rejects, ${exec.expirations - before.expired} expirations; wall ${wallS.toFixed(1)} s`);
  console.log('                     p50 µs   p99 µs  p99.9 µs   max µs');
  console.log(`decision → fill    ${us(p(fills, 50))} ${us(p(fills, 99))} ${us(p(fills, 99.9))} ${us(fills.maxValue)}`);
  console.log(`JSON.parse frame   ${us(p(parse, 50))} ${us(p(parse, 99))} ${us(p(parse, 99.9))} ${us(parse.maxValue)}`);
  console.log(`ratio to JSON.parse: p50 ${(p(fills, 50) / p(parse, 50)).toFixed(1)}×, p99 ${(p(fills, 99) / p(parse, 99)).toFixed(1)}×`);
  const ok = (v: number, target: number) => (v / 1000 <= target ? 'ok' : 'MISSED');
  console.log(`targets: p99 ≤ ${TARGET_P99_US} µs ${ok(p(fills, 99), TARGET_P99_US)}; p99.9 ≤ ${TARGET_P999_US} µs ${ok(p(fills, 99.9), TARGET_P999_US)}`);
  if (now < startMs) console.log('clock went backwards');
  const ratio = (q: number) => p(fills, q) / p(parse, q);
  return [
    { name: 'decision → fill p99', value: p(fills, 99) / 1000, unit: 'µs', target: `≤ ${TARGET_P99_US} µs`, ratio: ratio(99), pass: p(fills, 99) / 1000 <= TARGET_P99_US },
    { name: 'decision → fill p99.9', value: p(fills, 99.9) / 1000, unit: 'µs', target: `≤ ${TARGET_P999_US} µs`, ratio: ratio(99.9), pass: p(fills, 99.9) / 1000 <= TARGET_P999_US },
  ];
}
