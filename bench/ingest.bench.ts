/**
 * End-to-end ingest: what one lab process gets from six busy venues at once. A loopback
 * WebSocket server per venue (in a worker thread, ./venueServers.worker.mjs) speaks the
 * venue's subscribe protocol and then sends trade frames in the recorded shape
 * (./venueCases.ts) as fast as the client reads them; the client is the real feed path,
 * one `VenueFeed` per venue: socket (`ws`, UTF-8 decode) → adapter → input events → the
 * engine's trade filter (pricing/tradeFilter.ts), as a trade reaches the median. The
 * window from the first to the last trade event is measured in wall time (the
 * frames per second a user sees) and in CPU time of the client thread (user + kernel, from
 * Linux's schedstat), and compared with JSON.parse of the same frames (flat strings) timed
 * the same ways in the same run, rounds alternating with it. The target is on the CPU-time
 * ratio, which other load on a shared machine leaves alone (./lanes.ts): ≥ 0.4×, i.e. the
 * socket, the mapper and the filter together may cost at most one and a half parses on top
 * of the parse. The client thread's share of the window on a CPU is printed too: near 100 %
 * means the client, not the sender or the machine, set the pace.
 */
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import type { InputEvent } from '../src/core/events.ts';
import { VenueFeed } from '../src/venues/venueFeed.ts';
import { TradeFilter } from '../src/pricing/tradeFilter.ts';
import type { VenueName } from '../src/venues/index.ts';
import { PROTOCOLS } from '../test/integration/fakes/venueProtocols.ts';
import { median, ratioText, type BenchRow } from './rows.ts';
import { threadCpuMs } from './threadCpu.ts';
import { buildCorpus, VENUE_BENCH_CASES, type Corpus, type VenueBenchCase } from './venueCases.ts';

const FRAMES_PER_VENUE = 50_000;
const ROUNDS = 5;
const MIN_RATIO = 0.4;
/** A round that has not delivered everything by then has a fault, not a slow machine. */
const ROUND_TIMEOUT_MS = 120_000;

interface ServerSpec {
  connectFrames: string[];
  replies: string[][];
  count: number;
  data: ArrayBuffer;
  offsets: ArrayBuffer;
}

/** What the client side keeps of a venue's corpus: the flat frames, for the JSON.parse baseline. */
interface VenueFrames {
  c: VenueBenchCase;
  flat: string[];
}

/** The venue's greeting and its replies to our subscribe frames, from the loopback fakes' protocol table. */
function serverSpec(k: Corpus, path: string): ServerSpec {
  const { c } = k;
  const p = PROTOCOLS[c.adapter.venue as VenueName];
  const connectFrames = p.onConnect?.(path, { topics: [], combined: false, subscribed: false, lastTradeId: 0 }) ?? [];
  const replies = c.adapter.subscribe(c.symbol).map((f) => p.onClientFrame(f, false)?.frames ?? []);
  const data = Buffer.concat(k.bufs);
  const offsets = new Uint32Array(k.bufs.length + 1);
  for (let i = 0; i < k.bufs.length; i++) offsets[i + 1] = (offsets[i] as number) + (k.bufs[i] as Buffer).length;
  // Copied into an ArrayBuffer of its own so it can be handed to the worker whole.
  return { connectFrames, replies, count: k.bufs.length, data: new Uint8Array(data).buffer, offsets: offsets.buffer };
}

async function startServers(specs: ServerSpec[]): Promise<{ worker: Worker; ports: number[] }> {
  const worker = new Worker(new URL('./venueServers.worker.mjs', import.meta.url), {
    workerData: { venues: specs },
    transferList: specs.flatMap((s) => [s.data, s.offsets]),
  });
  const ports = await new Promise<number[]>((resolve, reject) => {
    worker.once('message', (m: { ports: number[] }) => resolve(m.ports));
    worker.once('error', reject);
  });
  return { worker, ports };
}

/** Trades the corpora carry (Bybit frames may hold several). */
function tradesIn(venues: VenueFrames[]): number {
  let n = 0;
  for (const { c, flat } of venues) {
    for (const f of flat) {
      const r = c.adapter.parse(f, 0, c.symbol);
      if (r.kind === 'trades') n += r.trades.length;
    }
  }
  return n;
}

/** A timed stretch: wall seconds and CPU seconds of this thread (the wall time again where the CPU time cannot be read). */
interface Cost {
  wallS: number;
  cpuS: number;
}

/** Starts a measurement; the returned function ends it. */
function measure(): () => Cost {
  const t0 = process.hrtime.bigint();
  const c0 = threadCpuMs();
  return () => {
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const c1 = threadCpuMs();
    return { wallS, cpuS: c0 === null || c1 === null ? wallS : (c1 - c0) / 1e3 };
  };
}

/** One round: six feeds connect at once and read every frame; measures from the first to the last trade event. */
async function ingestRound(venues: VenueFrames[], urls: string[], tradesExpected: number): Promise<Cost> {
  // Errors only: a stopped feed reports `down — stopped` at warn; faults are checked from the stats below.
  const log = pino({ level: 'error' });
  let trades = 0;
  let stop: () => Cost = () => ({ wallS: 0, cpuS: 0 });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  // The engine's trade filter (duplicates, out-of-order, absurd prices) is part of the path a trade takes to the median.
  const filter = new TradeFilter();
  let refused = 0;
  const emit = (e: InputEvent): void => {
    if (e.event_type !== 'venue_trade') return;
    if (trades === 0) stop = measure();
    if (filter.check(e, null) !== null) refused++;
    if (++trades === tradesExpected) done();
  };
  const feeds = venues.map(
    ({ c }, i) =>
      new VenueFeed({ adapter: c.adapter, url: urls[i] as string, symbol: c.symbol, emit, log: log.child({ venue: c.adapter.venue }) }),
  );
  for (const f of feeds) f.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, ROUND_TIMEOUT_MS, 'timeout');
  });
  const outcome = await Promise.race([finished, timeout]);
  const cost = stop();
  clearTimeout(timer);
  const stats = feeds.map((f) => f.stats());
  await Promise.all(feeds.map((f) => f.stop()));
  const faults = stats.filter((x) => x.parse_errors + x.seq_gaps + x.reconnects > 0);
  if (outcome === 'timeout' || faults.length > 0 || refused > 0)
    throw new Error(
      `ingest round failed (${trades}/${tradesExpected} trades, ${refused} refused by the trade filter): ${JSON.stringify(faults.length > 0 ? faults : stats)}`,
    );
  return cost;
}

/** JSON.parse of every frame of every venue. */
function jsonCost(venues: VenueFrames[]): Cost {
  let n = 0;
  const stop = measure();
  for (const { flat } of venues) for (const f of flat) if (JSON.parse(f) !== null) n++;
  const cost = stop();
  if (n === 0) throw new Error('no frames');
  return cost;
}

export async function benchIngest(): Promise<BenchRow[]> {
  const paths = VENUE_BENCH_CASES.map((c) => (c.adapter.venue === 'binance' ? '/ws' : '/'));
  const specs: ServerSpec[] = [];
  // The Buffers go to the worker; the client side keeps only the flat strings.
  const venues: VenueFrames[] = VENUE_BENCH_CASES.map((c, i) => {
    const k = buildCorpus(c, FRAMES_PER_VENUE, 11);
    specs.push(serverSpec(k, paths[i] as string));
    return { c, flat: k.flat };
  });
  const frames = venues.reduce((n, v) => n + v.flat.length, 0);
  const tradesExpected = tradesIn(venues);
  const { worker, ports } = await startServers(specs);
  const urls = ports.map((port, i) => `ws://127.0.0.1:${port}${paths[i] as string}`);
  const rounds: { json: Cost; e2e: Cost }[] = [];
  try {
    // One untimed round of each first, so that no timed round pays for the JIT.
    jsonCost(venues);
    await ingestRound(venues, urls, tradesExpected);
    for (let round = 0; round < ROUNDS; round++) {
      // Which goes first alternates, so drifting load touches both alike.
      const jsonFirst = round % 2 === 0 ? jsonCost(venues) : null;
      const e2e = await ingestRound(venues, urls, tradesExpected);
      rounds.push({ json: jsonFirst ?? jsonCost(venues), e2e });
    }
  } finally {
    worker.postMessage('stop');
    await worker.terminate();
  }
  const ratios = rounds.map((r) => r.json.cpuS / r.e2e.cpuS);
  const wallRatios = rounds.map((r) => r.json.wallS / r.e2e.wallS);
  const kps = (median(rounds.map((r) => frames / r.e2e.wallS)) / 1e3).toFixed(0);
  const kpcs = (median(rounds.map((r) => frames / r.e2e.cpuS)) / 1e3).toFixed(0);
  const shares = rounds.map((r) => r.e2e.cpuS / r.e2e.wallS);
  console.log(
    `six loopback venues at once, ${FRAMES_PER_VENUE / 1e3}k frames each (${tradesExpected} trades) per round, ${ROUNDS} rounds; median (min–max) over rounds`,
  );
  console.log(
    `socket → parser → input events → trade filter: ${kps} k frames/s wall, ${kpcs} k frames per CPU second of the client thread, which was on a CPU ${(Math.min(...shares) * 100).toFixed(0)}–${(Math.max(...shares) * 100).toFixed(0)}% of the window`,
  );
  console.log(
    `ratio to JSON.parse of the same frames: ${ratioText(ratios)} by CPU time (target ≥ ${MIN_RATIO.toFixed(2)}×), ${ratioText(wallRatios)} by wall time`,
  );
  const ratio = median(ratios);
  return [
    {
      name: 'ingest: six venues, socket to input events',
      value: `${kps} k frames/s, ${ratioText(ratios)} of JSON.parse (CPU time)`,
      target: `≥ ${MIN_RATIO.toFixed(2)}×`,
      ratio,
      pass: ratio >= MIN_RATIO,
    },
  ];
}
