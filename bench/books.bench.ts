/**
 * Polymarket book-update apply rate: current-shape `price_change` frames parsed by the
 * market-channel parser and checked/applied by the BookKeeper (mirror update, crossed and
 * best-price checks, book_delta emission), as a ratio to JSON.parse of the same frames in
 * the same run. Target: ≥ 0.5× JSON.parse.
 */
import type { BenchRow } from './rows.ts';
import { OrderBook } from '../src/core/book.ts';
import type { InputEvent } from '../src/core/events.ts';
import { Rng } from '../src/core/rng.ts';
import { BookKeeper } from '../src/feeds/polymarket/bookKeeper.ts';
import { parseClobFrame } from '../src/feeds/polymarket/clobWsMessages.ts';

const TOKENS = 20;
const FRAMES = 200_000;
const MARKET = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1';

function tokenId(i: number): string {
  return `7132104567925221259462638553270691275033272857194253228963137931245558399${String(1000 + i)}`;
}

/** Consistent random deltas: bids stay at or below 0.50, asks at or above 0.51. */
function makeFrames(seed: number): { frames: string[]; books: OrderBook[] } {
  const rng = new Rng(seed);
  const truth = Array.from({ length: TOKENS }, () => new OrderBook(0.01));
  for (const b of truth) {
    for (let k = 1; k <= 50; k++) b.change('bid', k / 100, 100 + k, 0);
    for (let k = 51; k <= 99; k++) b.change('ask', k / 100, 100 + k, 0);
  }
  const frames: string[] = [];
  for (let n = 0; n < FRAMES; n++) {
    const i = rng.int(0, TOKENS - 1);
    const b = truth[i]!;
    const bid = rng.next() < 0.5;
    const px = bid ? rng.int(30, 50) / 100 : rng.int(51, 70) / 100;
    const size = rng.next() < 0.2 ? 0 : rng.int(1, 5_000);
    b.change(bid ? 'bid' : 'ask', px, size, n);
    const bb = b.bestBid() ?? 0;
    const ba = b.bestAsk() ?? 1;
    frames.push(`{"market":"${MARKET}","price_changes":[{"asset_id":"${tokenId(i)}","price":"${px}","size":"${size}","side":"${bid ? 'BUY' : 'SELL'}","hash":"56621a121a47ed9333273e21c83b660cff37ae50","best_bid":"${bb}","best_ask":"${ba}"}],"timestamp":"${1757908892351 + n}","event_type":"price_change"}`);
  }
  return { frames, books: truth };
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function freshKeeper(sink: (e: InputEvent) => void): BookKeeper {
  const k = new BookKeeper({ emit: sink, requestResync: () => { throw new Error('bench frames must stay consistent'); } });
  for (let i = 0; i < TOKENS; i++) {
    k.track(MARKET, tokenId(i), 0.01);
    const bids: [number, number][] = [];
    const asks: [number, number][] = [];
    for (let q = 1; q <= 50; q++) bids.push([q / 100, 100 + q]);
    for (let q = 51; q <= 99; q++) asks.push([q / 100, 100 + q]);
    k.applySnapshot(tokenId(i), bids, asks, 0, 0, null);
  }
  return k;
}

const CHUNK = 5_000;

export function benchBooks(): BenchRow[] {
  const { frames, books } = makeFrames(7);
  const ratios: number[] = [];
  let parseBest = Infinity;
  let applyBest = Infinity;
  let deltas = 0;
  let keeper: BookKeeper | null = null;
  for (let rep = 0; rep < 7; rep++) {
    let emitted = 0;
    const k = freshKeeper(() => { emitted++; });
    let parse = 0;
    let apply = 0;
    (globalThis as { gc?: () => void }).gc?.();
    // Alternate small chunks so both sides see the same machine load (shared hosts are noisy).
    for (let c = 0; c < frames.length; c += CHUNK) {
      const end = Math.min(frames.length, c + CHUNK);
      parse += timeIt(() => {
        for (let i = c; i < end; i++) JSON.parse(frames[i]!);
      });
      apply += timeIt(() => {
        for (let i = c; i < end; i++) for (const m of parseClobFrame(frames[i]!)) k.onMessage(m, i);
      });
    }
    ratios.push(parse / apply);
    parseBest = Math.min(parseBest, parse);
    applyBest = Math.min(applyBest, apply);
    deltas = emitted - TOKENS;
    keeper = k;
  }
  // The mirror must end equal to the generator's book, or the figure means nothing.
  for (let i = 0; i < TOKENS; i++) {
    const mirror = keeper!.bookOf(tokenId(i))!;
    const truth = books[i]!;
    if (mirror.bids.keys.join() !== truth.bids.keys.join() || mirror.asks.keys.join() !== truth.asks.keys.join()) throw new Error(`book ${i} diverged`);
  }
  ratios.sort((a, b) => a - b);
  const n = frames.length;
  console.log(`frames: ${n} price_change deltas over ${TOKENS} tokens (${deltas} applied)`);
  console.log(`JSON.parse baseline:     ${(n / parseBest / 1e3).toFixed(0)} k/s`);
  console.log(`parse + check + apply:   ${(n / applyBest / 1e3).toFixed(0)} k/s  ratio ${ratios[3]!.toFixed(2)}× of JSON.parse (median of 7 interleaved runs; target ≥ 0.5×)`);
  return [{ name: 'CLOB book deltas: parse + check + apply', value: n / applyBest / 1e3, unit: 'k frames/s', target: '≥ 0.5×', ratio: ratios[3]!, pass: ratios[3]! >= 0.5 }];
}
