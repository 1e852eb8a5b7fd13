/**
 * End-to-end ingest: what one lab process gets from six busy venues at once. A loopback
 * WebSocket server per venue (in a worker thread, ./venueServers.worker.mjs) speaks the
 * venue's subscribe protocol and then sends trade frames in the recorded shape
 * (./venueCases.ts) as fast as the client reads them; the client is the real feed path,
 * one `VenueFeed` per venue: socket (`ws`, UTF-8 decode) → adapter → trade guard → input
 * events. Frames per second over the window from the first to the last trade event are
 * compared with JSON.parse of the same frames (flat strings) timed in the same run, rounds
 * alternating with it. Target ≥ 0.4×: the socket, the mapper and the guard together may
 * cost at most one and a half parses on top of the parse.
 */
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { InputEvent } from '../src/core/events.ts';
import { VenueFeed } from '../src/feeds/venueFeed.ts';
import { PROTOCOLS } from '../test/integration/fakes/venueProtocols.ts';
import { ratioText, type BenchRow } from './rows.ts';
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
  const p = PROTOCOLS[c.adapter.venue];
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

/** CPU time of the calling thread in ms, from Linux's schedstat; null elsewhere. */
function threadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

interface Window {
  s: number;
  /** Share of the window the client thread was on a CPU (null off Linux): near 1 = the client, not the sender, set the pace. */
  cpuShare: number | null;
}

/** One round: six feeds connect at once and read every frame; times the first to the last trade event. */
async function ingestRound(venues: VenueFrames[], urls: string[], tradesExpected: number): Promise<Window> {
  // Errors only: a stopped feed reports `down — stopped` at warn; faults are checked from the stats below.
  const log = pino({ level: 'error' });
  let trades = 0;
  let first = 0n;
  let cpu0: number | null = null;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const emit = (e: InputEvent): void => {
    if (e.event_type !== 'venue_trade') return;
    if (trades === 0) {
      first = process.hrtime.bigint();
      cpu0 = threadCpuMs();
    }
    if (++trades === tradesExpected) done();
  };
  const feeds = venues.map(({ c }, i) => new VenueFeed({ adapter: c.adapter, url: urls[i] as string, symbol: c.symbol, emit, log: log.child({ venue: c.adapter.venue }) }));
  for (const f of feeds) f.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(resolve, ROUND_TIMEOUT_MS, 'timeout'); });
  const outcome = await Promise.race([finished, timeout]);
  const s = Number(process.hrtime.bigint() - first) / 1e9;
  const cpu1 = threadCpuMs();
  clearTimeout(timer);
  const stats = feeds.map((f) => f.stats());
  await Promise.all(feeds.map((f) => f.stop()));
  const faults = stats.filter((x) => x.parse_errors + x.rejected + x.seq_gaps + x.reconnects > 0);
  if (outcome === 'timeout' || faults.length > 0) throw new Error(`ingest round failed (${trades}/${tradesExpected} trades): ${JSON.stringify(faults.length > 0 ? faults : stats)}`);
  return { s, cpuShare: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / 1e3 / s };
}

/** JSON.parse of every frame of every venue, in seconds. */
function jsonSeconds(venues: VenueFrames[]): number {
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (const { flat } of venues) for (const f of flat) if (JSON.parse(f) !== null) n++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (n === 0) throw new Error('no frames');
  return s;
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
  const ratios: number[] = [];
  const e2eS: number[] = [];
  const jsonS: number[] = [];
  const shares: number[] = [];
  try {
    // One untimed round of each first, so that no timed round pays for the JIT.
    jsonSeconds(venues);
    await ingestRound(venues, urls, tradesExpected);
    for (let round = 0; round < ROUNDS; round++) {
      // Which goes first alternates, so drifting load touches both alike.
      let json = round % 2 === 0 ? jsonSeconds(venues) : 0;
      const w = await ingestRound(venues, urls, tradesExpected);
      if (round % 2 === 1) json = jsonSeconds(venues);
      ratios.push(json / w.s);
      jsonS.push(json);
      e2eS.push(w.s);
      if (w.cpuShare !== null) shares.push(w.cpuShare);
    }
  } finally {
    worker.postMessage('stop');
    await worker.terminate();
  }
  // As in the venue bench: the fastest round of each side is the least disturbed by other load.
  const best = Math.min(...jsonS) / Math.min(...e2eS);
  const kps = (frames / Math.min(...e2eS) / 1e3).toFixed(0);
  const share = shares.length > 0 ? `; client thread on a CPU ${(Math.min(...shares) * 100).toFixed(0)}–${(Math.max(...shares) * 100).toFixed(0)}% of the window` : '';
  console.log(`six loopback venues at once, ${FRAMES_PER_VENUE / 1e3}k frames each (${tradesExpected} trades) per round, ${ROUNDS} rounds${share}`);
  console.log(`socket → parser → guard → input events: ${kps} k frames/s, ${ratioText(best, ratios)} of JSON.parse of the same frames (target ≥ ${MIN_RATIO.toFixed(2)}×)`);
  return [{ name: 'ingest: six venues, socket to input events', value: `${kps} k frames/s, ${ratioText(best, ratios)} of JSON.parse`, target: `≥ ${MIN_RATIO.toFixed(2)}×`, ratio: best, pass: best >= MIN_RATIO }];
}
