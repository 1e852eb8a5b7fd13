/**
 * Venue mapper throughput beside the peer, and memory. For each venue a corpus of trade
 * frames in the venue's recorded shape (./venueCases.ts) is fed the way the socket feeds it:
 * flat strings decoded from UTF-8 Buffers, and in a second column the Buffers themselves
 * (the decode is then part of every lane's work, as it is behind `ws`). On the same frames,
 * in the same run, with the lane order rotating chunk by chunk (./lanes.ts):
 * - JSON.parse alone: the baseline every edge pays;
 * - Polylab: `adapter.parse`; target ≥ 0.8× of JSON.parse on flat frames (the mapper may
 *   add at most a quarter on top of the parse);
 * - tardis-dev: JSON.parse then its trades normalizer (`canHandle`, then every trade `map`
 *   yields), the loop its `normalizeMessages` runs. It is given one prebuilt Date as receive
 *   time and runs without its async-generator plumbing, so it is measured at its cheapest.
 *   Where it reads another format of the venue (Kraken v1, Binance combined stream) its
 *   ratio is to JSON.parse of its own frames. Target: Polylab ahead in every round.
 * - for venues with a hand scanner (Coinbase, Kraken): the plain JSON.parse-and-check path
 *   the scanner falls back to; the scanner must beat it by a clear margin (≥ 1.2×) or go.
 * Lanes are timed in CPU seconds (./lanes.ts says why); each figure is the median round
 * with the range over rounds. A sample of frames is read by both sides and must give the
 * same price, size and side.
 * A second pass runs up to 10M frames and reports heap growth after a forced GC (target
 * ≤ 4 MB: nothing retained).
 */
import { normalizeTrades } from 'tardis-dev';
import { roundRates, roundRatios, timeLanes, type Lane } from './lanes.ts';
import { atLeastRow, median, ratioText, type BenchRow } from './rows.ts';
import { BASE_TS_MS, buildCorpus, VENUE_BENCH_CASES, type Corpus, type VenueBenchCase } from './venueCases.ts';

type PeerMapper = ReturnType<typeof normalizeTrades>;

const CORPUS_FRAMES = 100_000;
const CHUNK_FRAMES = 2_000;
const ROUNDS = 7;
const MEMORY_CORPUS_FRAMES = 20_000;
const MEMORY_FRAMES = 10_000_000;
/** Safety cap on the memory pass so a slow or loaded machine still finishes promptly. */
const MEMORY_BUDGET_S = 30;
const RECV_MS = BASE_TS_MS + 5;
/** Every how many frames the same-reading check samples one. */
const CHECK_EVERY = 250;
const SCANNER_MARGIN_MIN = 1.2;
const MIN_RATIO = 0.8;

/** Written by every lane so that no lane's work can be optimized away; exported so it is observably read. */
let sink = 0;
export const laneChecksum = (): number => sink;

function polylabLane(name: string, k: Corpus, parse: VenueBenchCase['adapter']['parse'], fromBuffer: boolean): Lane {
  const { flat, bufs, c } = k;
  return {
    name,
    run(from, to) {
      for (let i = from; i < to; i++) {
        const r = parse(fromBuffer ? (bufs[i] as Buffer).toString() : (flat[i] as string), RECV_MS, c.symbol);
        if (r.kind !== 'trades') throw new Error(`${c.adapter.venue} frame ${i} did not map: ${JSON.stringify(r)}`);
        sink += r.trades.length;
      }
    },
  };
}

function jsonLane(name: string, flat: string[], bufs: Buffer[], fromBuffer: boolean): Lane {
  return {
    name,
    run(from, to) {
      for (let i = from; i < to; i++) if (JSON.parse(fromBuffer ? (bufs[i] as Buffer).toString() : (flat[i] as string)) !== null) sink++;
    },
  };
}

function tardisLane(name: string, k: Corpus, mapper: PeerMapper, fromBuffer: boolean): Lane {
  const { peerFlat, peerBufs } = k;
  const localTimestamp = new Date(RECV_MS);
  return {
    name,
    run(from, to) {
      for (let i = from; i < to; i++) {
        const m: unknown = JSON.parse(fromBuffer ? (peerBufs[i] as Buffer).toString() : (peerFlat[i] as string));
        const trades = mapper.canHandle(m) ? mapper.map(m, localTimestamp) : undefined;
        if (!trades) throw new Error(`tardis-dev ${k.c.peer} did not handle frame ${i}`);
        for (const t of trades) sink += t.price > 0 ? 1 : 0;
      }
    },
  };
}

function lanesFor(k: Corpus, mapper: PeerMapper): Lane[] {
  const { c } = k;
  const lanes: Lane[] = [];
  for (const buf of [false, true]) {
    const s = buf ? '/buf' : '';
    lanes.push(
      jsonLane(`json${s}`, k.flat, k.bufs, buf),
      polylabLane(`polylab${s}`, k, c.adapter.parse, buf),
      tardisLane(`tardis${s}`, k, mapper, buf),
    );
    if (c.toPeer) lanes.push(jsonLane(`json-peer${s}`, k.peerFlat, k.peerBufs, buf));
  }
  if (c.reference) lanes.push(polylabLane('reference', k, c.reference, false));
  return lanes;
}

/** Reads every CHECK_EVERY-th frame on both sides; returns the differences found. */
function sameReads(k: Corpus, mapper: PeerMapper): { frames: number; trades: number; diffs: string[] } {
  const diffs: string[] = [];
  let frames = 0;
  let trades = 0;
  for (let i = 0; i < k.flat.length; i += CHECK_EVERY) {
    frames++;
    const ours = k.c.adapter.parse(k.flat[i] as string, RECV_MS, k.c.symbol);
    const m: unknown = JSON.parse(k.peerFlat[i] as string);
    const theirs = mapper.canHandle(m) ? [...(mapper.map(m, new Date(RECV_MS)) ?? [])] : [];
    const mine = ours.kind === 'trades' ? ours.trades : [];
    if (mine.length === 0 || mine.length !== theirs.length)
      diffs.push(`${k.c.adapter.venue} frame ${i}: ${mine.length} trades vs ${theirs.length}`);
    for (let j = 0; j < Math.min(mine.length, theirs.length); j++) {
      const a = mine[j]!;
      const b = theirs[j]!;
      trades++;
      if (a.px !== b.price || a.qty !== b.amount || a.side !== b.side)
        diffs.push(`${k.c.adapter.venue} frame ${i} trade ${j}: ${a.px}/${a.qty}/${a.side} vs ${b.price}/${b.amount}/${b.side}`);
    }
  }
  return { frames, trades, diffs };
}

interface VenueResult {
  rows: BenchRow[];
  line: string;
  scanLine: string | null;
  check: ReturnType<typeof sameReads>;
}

function measureVenue(c: VenueBenchCase): VenueResult {
  const k = buildCorpus(c, CORPUS_FRAMES);
  const mapper = normalizeTrades(c.peer, new Date(RECV_MS));
  const check = sameReads(k, mapper);
  const times = timeLanes(lanesFor(k, mapper), CORPUS_FRAMES, ROUNDS, CHUNK_FRAMES);
  const peerBase = c.toPeer ? 'json-peer' : 'json';
  const ours = roundRatios(times, 'polylab', 'json');
  const theirs = roundRatios(times, 'tardis', peerBase);
  const oursBuf = roundRatios(times, 'polylab/buf', 'json/buf');
  const theirsBuf = roundRatios(times, 'tardis/buf', `${peerBase}/buf`);
  const ahead = ours.filter((r, i) => r > (theirs[i] as number)).length;
  const kps = (lane: string): string => (median(roundRates(times, lane, CORPUS_FRAMES)) / 1e3).toFixed(0);
  const v = c.adapter.venue;
  const rows: BenchRow[] = [
    atLeastRow(`venues ${v}: Polylab, flat frames`, ours, MIN_RATIO),
    {
      name: `venues ${v}: Polylab vs tardis-dev`,
      value: `${median(ours).toFixed(2)}× vs ${median(theirs).toFixed(2)}× of JSON.parse, ahead in ${ahead}/${ROUNDS} rounds`,
      target: 'ahead every round',
      ratio: median(ours.map((r, i) => r / (theirs[i] as number))),
      pass: ahead === ROUNDS,
    },
    {
      name: `venues ${v}: from Buffer, Polylab | tardis-dev`,
      value: `${ratioText(oursBuf)} | ${ratioText(theirsBuf)}`,
      target: '—',
      ratio: median(oursBuf),
      pass: null,
    },
  ];
  const col = (s: string, n: number): string => s.padEnd(n);
  const line = `${col(v, 9)} ${col(c.formats ?? 'same', 15)} ${kps('json').padStart(6)}  ${col(ratioText(ours), 19)} ${col(ratioText(theirs), 19)} ${`${ahead}/${ROUNDS}`.padEnd(6)} ${kps('json/buf').padStart(6)}  ${col(ratioText(oursBuf), 19)} ${ratioText(theirsBuf)}`;
  let scanLine: string | null = null;
  if (c.reference) {
    const ref = roundRatios(times, 'reference', 'json');
    const margin = roundRatios(times, 'polylab', 'reference');
    rows.push({
      name: `venues ${v}: hand scanner vs JSON.parse path`,
      value: `${ratioText(margin)} as fast`,
      target: `≥ ${SCANNER_MARGIN_MIN.toFixed(2)}×`,
      ratio: median(margin),
      pass: median(margin) >= SCANNER_MARGIN_MIN,
    });
    scanLine = `${col(v, 9)} scanner ${col(ratioText(ours), 19)} JSON.parse + checks ${col(ratioText(ref), 19)} scanner/plain ${ratioText(margin)}`;
  }
  return { rows, line, scanLine, check };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * Heap growth over up to 10M frames, the venues' corpora taken round-robin: anything a
 * mapper retains per frame (a cache, a log, a closure) shows up as growth after a GC.
 */
function memoryRow(): BenchRow {
  const corpora = VENUE_BENCH_CASES.map((c) => ({ c, frames: buildCorpus(c, MEMORY_CORPUS_FRAMES).flat }));
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  let frames = 0;
  while (frames < MEMORY_FRAMES && Number(process.hrtime.bigint() - t0) / 1e9 < MEMORY_BUDGET_S) {
    for (const { c, frames: fs } of corpora) {
      for (const f of fs) if (c.adapter.parse(f, RECV_MS, c.symbol).kind === 'trades') sink++;
      frames += fs.length;
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  gc();
  const growthMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // A heap that shrank a little prints as 0.00 rather than -0.00.
  const shown = Math.abs(growthMb) < 0.005 ? '0.00' : growthMb.toFixed(2);
  // The corpora stay reachable up to here, else the GC above would count them as freed.
  if (corpora.length === 0) throw new Error('no corpora');
  const capped = frames < MEMORY_FRAMES ? `, stopped at the ${MEMORY_BUDGET_S} s cap` : '';
  console.log(`heap growth over ${(frames / 1e6).toFixed(1)}M frames${capped}: ${shown} MB  [${elapsedS.toFixed(1)} s]`);
  return {
    name: 'venues: heap growth over the mappers',
    value: `${shown} MB over ${(frames / 1e6).toFixed(1)}M frames${capped}`,
    target: '≤ 4 MB',
    ratio: null,
    pass: growthMb <= 4,
  };
}

export function benchVenues(cases: VenueBenchCase[] = VENUE_BENCH_CASES): BenchRow[] {
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc (npm run bench) for a meaningful heap figure');
  console.log(
    `corpus: ${CORPUS_FRAMES / 1e3}k trade frames per venue decoded from UTF-8 Buffers; lanes rotate in ${CHUNK_FRAMES / 1e3}k-frame chunks; ${ROUNDS} rounds`,
  );
  console.log('timed in CPU seconds; each figure: median round (min–max over rounds); JSON = k frames per CPU second of JSON.parse alone');
  console.log(
    'ratios are × JSON.parse of the same frames (tardis-dev: of its own format where it differs); target Polylab ≥ 0.80× on flat frames and ahead of tardis-dev in every round',
  );
  console.log(`${''.padEnd(9)} ${''.padEnd(15)} ${'flat strings'.padEnd(66)} from Buffer (utf-8 decode included)`);
  console.log(
    `${'venue'.padEnd(9)} ${'Polylab|tardis'.padEnd(15)} ${'JSON'.padStart(6)}  ${'Polylab'.padEnd(19)} ${'tardis-dev'.padEnd(19)} ${'ahead'.padEnd(6)} ${'JSON'.padStart(6)}  ${'Polylab'.padEnd(19)} tardis-dev`,
  );
  const results = cases.map((c) => {
    const r = measureVenue(c);
    console.log(r.line);
    return r;
  });
  const rows = results.flatMap((r) => r.rows);
  const scanLines = results.flatMap((r) => (r.scanLine ? [r.scanLine] : []));
  if (scanLines.length > 0) {
    console.log(
      `hand scanners vs the plain JSON.parse-and-check path they fall back to (flat frames; clear margin = ≥ ${SCANNER_MARGIN_MIN.toFixed(2)}×):`,
    );
    for (const l of scanLines) console.log(l);
  }
  const frames = results.reduce((n, r) => n + r.check.frames, 0);
  const trades = results.reduce((n, r) => n + r.check.trades, 0);
  const diffs = results.flatMap((r) => r.check.diffs);
  for (const d of diffs.slice(0, 10)) console.log(`differs: ${d}`);
  console.log(`same reading: ${frames} sampled frames, ${trades} trades, ${diffs.length} differences in price, size or side`);
  rows.push({
    name: 'venues: same price/size/side as tardis-dev',
    value: `${diffs.length} differences in ${trades} trades (${frames} frames)`,
    target: '0 differences',
    ratio: null,
    pass: diffs.length === 0 && trades > 0,
  });
  rows.push(memoryRow());
  return rows;
}
