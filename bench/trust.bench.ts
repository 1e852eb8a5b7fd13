/**
 * What GET /trust and /strategies cost the lab (issue 28): 1,000 concurrent calls (half each)
 * from a client thread against a lab whose engine keeps stepping inputs, while /feed/health
 * is probed one call after another; the figures are the probes' p50 and p99 latency during
 * the burst, against the same probes on the same lab just before it (no burst: the ratio).
 * Two conditions in the same run: the routes as shipped (a body computed once per input
 * version, at most once every TRUST_CACHE_MAX_AGE_MS while inputs keep coming, from the
 * running figures) and the same routes made to compute on every call. Target: p99 < 100 ms
 * as shipped (the issue's figure: 1,000 calls took 14 s and probes timed out at 10 s).
 *
 * A second part runs the noisy sim for 7 simulated days through the engine and analytics and
 * reports the trust report's JSON size and the heap (after a GC) at the end of each day.
 * Targets: after the first day (the basis series fills 24 h, the settled-market memory
 * SETTLED_MARKETS_KEPT markets) the heap grows less than HEAP_GROWTH_MAX_MB_PER_DAY per day
 * (least-squares slope over days 2-7) and the report stays within REPORT_GROWTH_MAX of its
 * day-2 size.
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/app/config.ts';
import { buildAnalytics, buildEngine } from '../src/app/engineFactory.ts';
import { createApiParts } from '../src/api/start.ts';
import { buildApi, startApi } from '../src/api/server.ts';
import { SIM_START_MS, SimFeed } from '../src/sim/sim.ts';
import type { InputEvent } from '../src/core/events.ts';
import { SummarySink } from '../src/app/runSummary.ts';
import { compareRow } from '../src/app/lanes.ts';
import { median, type BenchRow } from './rows.ts';

const BURST = 1_000;
const HOURS = Number(process.env.BENCH_TRUST_HOURS ?? 6);
const DAYS = Number(process.env.BENCH_TRUST_DAYS ?? 7);
const P99_TARGET_MS = 100;
const STEP_EVERY_MS = 10;
const STEP_INPUTS = 200;
/** Probes of /feed/health on the lab before the burst: the no-burst baseline of the same run. */
const IDLE_PROBES = 300;
const HEAP_GROWTH_MAX_MB_PER_DAY = 1;
const REPORT_GROWTH_MAX = 1.1;

const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SEED: '7', POLYLAB_SIM_MARKET: 'noisy' });

/** A lab `HOURS` into a noisy sim, still stepping inputs; its API either caches the trust bodies or not. */
async function lab(cached: boolean) {
  const engine = buildEngine(cfg, 'sim', 'bench', 7);
  const analytics = buildAnalytics(cfg);
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
  const summary = new SummarySink({ simMarket: 'noisy' });
  const feed: Iterator<InputEvent> = new SimFeed({ seed: 7, market: 'noisy' }).events();
  const step = (n: number) => {
    for (let i = 0; i < n; i++) {
      const x = feed.next().value as InputEvent;
      const outs = engine.step(x);
      for (const e of outs) {
        parts.sink(e);
        summary.sink(e);
      }
      analytics.observe(x, outs);
    }
  };
  const started = engine.start(SIM_START_MS);
  for (const e of started) summary.sink(e);
  analytics.observeOutputs(started);
  while (engine.counters.inputs < HOURS * 70_000) step(10_000);
  let calls = 0;
  const app = await buildApi({
    ...parts,
    trust: () => analytics.report(),
    // As `polylab run` serves it: the main row computes its own report.
    strategies: () => [compareRow('main', cfg.strategy, summary.summary(engine.counters.inputs), analytics.report())],
    // The baseline: every call sees new inputs and an old body, so it computes, as before the cache.
    version: cached ? () => engine.counters.inputs : () => ++calls,
    ...(cached ? {} : { nowMs: () => calls * 1_000_000 }),
  });
  const url = await startApi(app, '127.0.0.1', 0);
  const ticker = setInterval(() => step(STEP_INPUTS), STEP_EVERY_MS);
  return {
    url,
    close: async () => {
      clearInterval(ticker);
      await app.close();
      parts.hub.close();
      parts.metrics.close();
    },
  };
}

interface Probes {
  p50: number;
  p99: number;
  n: number;
}

function probesOf(latencies: number[]): Probes {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), n: sorted.length };
}

async function probe(url: string): Promise<number> {
  const t = performance.now();
  await (await fetch(`${url}/feed/health`)).arrayBuffer();
  return performance.now() - t;
}

async function burst(cached: boolean): Promise<{ idle: Probes; loaded: Probes; burstMs: number; bytes: number }> {
  const l = await lab(cached);
  const idle: number[] = [];
  for (let i = 0; i < IDLE_PROBES; i++) idle.push(await probe(l.url));
  const latencies: number[] = [];
  const clients = new Worker(new URL('./trustClients.worker.mjs', import.meta.url), { workerData: { url: l.url, n: BURST } });
  let done: { ms: number; bytes: number } | null = null;
  clients.once('message', (m: { ms: number; bytes: number }) => (done = m));
  // Bounded: a probe may take long, but the burst ends (or 120 s pass).
  const deadline = performance.now() + 120_000;
  while (done === null && performance.now() < deadline) latencies.push(await probe(l.url));
  await clients.terminate();
  await l.close();
  const result = done as { ms: number; bytes: number } | null;
  return { idle: probesOf(idle), loaded: probesOf(latencies), burstMs: result?.ms ?? Number.NaN, bytes: result?.bytes ?? 0 };
}

/** The trust report's size and the heap at the end of each of `DAYS` simulated days of the noisy sim. */
function sevenDays(): Array<{ day: number; reportKb: number; heapMb: number }> {
  const engine = buildEngine(cfg, 'sim', 'bench', 7);
  const analytics = buildAnalytics(cfg);
  analytics.observeOutputs(engine.start(SIM_START_MS));
  const gc = (globalThis as { gc?: () => void }).gc;
  const out: Array<{ day: number; reportKb: number; heapMb: number }> = [];
  let day = 1;
  for (const x of new SimFeed({ seed: 7, market: 'noisy' }).events()) {
    if (x.ts_unix_ms - SIM_START_MS >= day * 86_400_000) {
      gc?.();
      const reportKb = JSON.stringify(analytics.report()).length / 1024;
      out.push({ day, reportKb, heapMb: v8.getHeapStatistics().used_heap_size / 2 ** 20 });
      if (++day > DAYS) break;
    }
    analytics.observe(x, engine.step(x));
  }
  return out;
}

const ms = (x: number) => x.toFixed(1);

export async function benchTrust(): Promise<BenchRow[]> {
  const base = await burst(false);
  const shipped = await burst(true);
  const l = shipped.loaded;
  const rows: BenchRow[] = [
    {
      name: `trust: /feed/health p50/p99 during ${BURST} concurrent /trust+/strategies (${HOURS} h noisy sim)`,
      value:
        `${ms(l.p50)}/${ms(l.p99)} ms (${l.n} probes, burst ${(shipped.burstMs / 1000).toFixed(1)} s, ${(shipped.bytes / 2 ** 20).toFixed(0)} MB) ` +
        `vs ${ms(shipped.idle.p50)}/${ms(shipped.idle.p99)} ms before the burst (p99 ${(l.p99 / shipped.idle.p99).toFixed(1)}×); ` +
        `computing every call: ${ms(base.loaded.p50)}/${ms(base.loaded.p99)} ms, burst ${(base.burstMs / 1000).toFixed(1)} s`,
      target: `p99 < ${P99_TARGET_MS} ms`,
      ratio: l.p99 / base.loaded.p99,
      pass: l.p99 < P99_TARGET_MS,
    },
  ];
  if (DAYS > 0) rows.push(...dayRows(sevenDays()));
  return rows;
}

function dayRows(days: Array<{ day: number; reportKb: number; heapMb: number }>): BenchRow[] {
  const late = days.filter((d) => d.day >= 2);
  const slope = slopePerDay(late.map((d) => [d.day, d.heapMb]));
  const sizeGrowth = late.length > 0 ? Math.max(...late.map((d) => d.reportKb)) / late[0]!.reportKb : Number.NaN;
  return [
    {
      name: `trust: report size and heap at the end of each of ${DAYS} sim days (noisy)`,
      value: days.map((d) => `d${d.day} ${d.reportKb.toFixed(0)} KB/${d.heapMb.toFixed(1)} MB`).join(', '),
      target: 'shown',
      ratio: null,
      pass: null,
    },
    {
      name: 'trust: heap growth after the first day (least-squares slope, days 2-7)',
      value: `${slope.toFixed(2)} MB/day (first day to second ${growth(days.slice(0, 2)).toFixed(2)} MB)`,
      target: `< ${HEAP_GROWTH_MAX_MB_PER_DAY} MB/day`,
      ratio: null,
      pass: slope < HEAP_GROWTH_MAX_MB_PER_DAY,
    },
    {
      name: 'trust: report JSON size after the first day, largest vs day 2',
      value: `${sizeGrowth.toFixed(3)}× (${late.map((d) => d.reportKb.toFixed(0)).join(', ')} KB)`,
      target: `≤ ${REPORT_GROWTH_MAX}×`,
      ratio: sizeGrowth,
      pass: sizeGrowth <= REPORT_GROWTH_MAX,
    },
  ];
}

const growth = (ds: Array<{ heapMb: number }>) => median(ds.slice(1).map((d, i) => d.heapMb - ds[i]!.heapMb));

/** The least-squares slope of y over x. */
function slopePerDay(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}
