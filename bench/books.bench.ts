/**
 * Polymarket book-update apply rate: current-shape `price_change` frames parsed by the
 * market-channel parser and checked/applied by the BookKeeper (mirror update, crossed and
 * best-price checks, book_delta emission), as a ratio to JSON.parse of the same frames in
 * the same run. Both lanes are timed in CPU seconds, their order rotating chunk by chunk
 * (./lanes.ts), after warm-up passes; the figure is the median round with its range.
 * Target: ≥ 0.5× JSON.parse (issue 5).
 */
import { OrderBook } from '../src/core/book.ts';
import type { InputEvent } from '../src/core/events.ts';
import { Rng } from '../src/core/rng.ts';
import { BookKeeper } from '../src/polymarket/bookKeeper.ts';
import { parseClobFrame } from '../src/polymarket/wire/clobWsMessages.ts';
import { roundRates, roundRatios, timeLanes, type Lane } from './lanes.ts';
import { atLeastRow, median, type BenchRow } from './rows.ts';

const TOKENS = 20;
const FRAMES = 120_000;
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
    frames.push(
      `{"market":"${MARKET}","price_changes":[{"asset_id":"${tokenId(i)}","price":"${px}","size":"${size}","side":"${bid ? 'BUY' : 'SELL'}","hash":"56621a121a47ed9333273e21c83b660cff37ae50","best_bid":"${bb}","best_ask":"${ba}"}],"timestamp":"${1757908892351 + n}","event_type":"price_change"}`,
    );
  }
  return { frames, books: truth };
}

function freshKeeper(sink: (e: InputEvent) => void): BookKeeper {
  const k = new BookKeeper({
    emit: sink,
    requestResync: () => {
      throw new Error('bench frames must stay consistent');
    },
  });
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
const ROUNDS = 7;
/** Untimed passes first, so that the rounds see the parser and keeper as V8 leaves them after a while. */
const WARMUP_PASSES = 3;
const MIN_RATIO = 0.5;

export function benchBooks(): BenchRow[] {
  const { frames, books } = makeFrames(7);
  let sink = 0;
  const json: Lane = {
    name: 'json',
    run(from, to) {
      for (let i = from; i < to; i++) if (JSON.parse(frames[i]!) !== null) sink++;
    },
  };
  // A fresh keeper, with its snapshots, at the start of every pass over the frames.
  let keeper: BookKeeper | null = null;
  let emitted = 0;
  const apply: Lane = {
    name: 'apply',
    run(from, to) {
      if (from === 0) {
        emitted = 0;
        keeper = freshKeeper(() => {
          emitted++;
        });
      }
      const k = keeper as BookKeeper | null;
      if (!k) throw new Error('no keeper');
      for (let i = from; i < to; i++) for (const m of parseClobFrame(frames[i]!)) k.onMessage(m, i);
    },
  };
  const times = timeLanes([json, apply], frames.length, ROUNDS, CHUNK, WARMUP_PASSES);
  // The mirror must end equal to the generator's book, or the figure means nothing.
  const k = keeper as BookKeeper | null;
  for (let i = 0; i < TOKENS; i++) {
    const mirror = k?.bookOf(tokenId(i));
    const truth = books[i]!;
    if (!mirror || mirror.bids.keys.join() !== truth.bids.keys.join() || mirror.asks.keys.join() !== truth.asks.keys.join())
      throw new Error(`book ${i} diverged`);
  }
  if (sink === 0) throw new Error('no frame parsed');
  const ratios = roundRatios(times, 'apply', 'json');
  const kps = (lane: string): string => (median(roundRates(times, lane, frames.length)) / 1e3).toFixed(0);
  const row = atLeastRow('books: Polymarket price_change, parse + check + apply', ratios, MIN_RATIO);
  console.log(
    `frames: ${frames.length} price_change deltas over ${TOKENS} tokens (${emitted - TOKENS} applied); ${ROUNDS} rounds, lanes rotate in ${CHUNK / 1e3}k-frame chunks, CPU time`,
  );
  console.log(`JSON.parse baseline:   ${kps('json')} k frames per CPU second`);
  console.log(`parse + check + apply: ${kps('apply')} k frames per CPU second`);
  console.log(`ratio: ${row.value} (target ${row.target})`);
  return [{ ...row, value: `${kps('apply')} k/s, ${row.value}` }];
}
