/**
 * What GET /trust and /strategies cost the lab (issue 28): 1,000 concurrent calls (half each)
 * from a client thread against a lab whose engine keeps stepping inputs, while /feed/health
 * is probed one call after another; the figure is the probes' p99 latency during the burst.
 * Two conditions in the same run: the routes as shipped (a body computed once per input
 * version, at most once a second while inputs keep coming) and, as the baseline, the same
 * routes made to compute on every call (what they did before). Target: p99 < 100 ms with the
 * cache (the issue's figure: 1,000 calls took 14 s and probes timed out at 10 s).
 *
 * A second part runs the noisy sim for 7 simulated days through the engine and analytics and
 * reports the trust report's JSON size and the heap (after a GC) at the end of each day:
 * both must level off (shown, no pass/fail target).
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/app/config.ts';
import { buildAnalytics, buildEngine } from '../src/app/engineFactory.ts';
import { createApiParts } from '../src/api/start.ts';
import { buildApi, startApi } from '../src/api/server.ts';
import { SIM_START_MS, SimFeed } from '../src/sim/sim.ts';
import type { InputEvent } from '../src/core/events.ts';
import { median, type BenchRow } from './rows.ts';

const BURST = 1_000;
const HOURS = Number(process.env.BENCH_TRUST_HOURS ?? 6);
const DAYS = Number(process.env.BENCH_TRUST_DAYS ?? 7);
const P99_TARGET_MS = 100;
const STEP_EVERY_MS = 10;
const STEP_INPUTS = 200;

const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SEED: '7', POLYLAB_SIM_MARKET: 'noisy' });

/** A lab `HOURS` into a noisy sim, still stepping inputs; its API either caches the trust bodies or not. */
async function lab(cached: boolean) {
  const engine = buildEngine(cfg, 'sim', 'bench', 7);
  const analytics = buildAnalytics(cfg);
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
  const feed: Iterator<InputEvent> = new SimFeed({ seed: 7, market: 'noisy' }).events();
  const step = (n: number) => {
    for (let i = 0; i < n; i++) {
      const x = feed.next().value as InputEvent;
      const outs = engine.step(x);
      for (const e of outs) parts.sink(e);
      analytics.observe(x, outs);
    }
  };
  analytics.observeOutputs(engine.start(SIM_START_MS));
  while (engine.counters.inputs < HOURS * 70_000) step(10_000);
  let calls = 0;
  const app = await buildApi({
    ...parts,
    trust: () => analytics.report(),
    strategies: () => [],
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

async function burst(cached: boolean): Promise<{ p99: number; probes: number; burstMs: number; bytes: number }> {
  const l = await lab(cached);
  const latencies: number[] = [];
  const clients = new Worker(new URL('./trustClients.worker.mjs', import.meta.url), { workerData: { url: l.url, n: BURST } });
  let done: { ms: number; bytes: number } | null = null;
  clients.once('message', (m: { ms: number; bytes: number }) => (done = m));
  // Bounded: a probe may take long, but the burst ends (or 120 s pass).
  const deadline = performance.now() + 120_000;
  while (done === null && performance.now() < deadline) {
    const t = performance.now();
    await (await fetch(`${l.url}/feed/health`)).arrayBuffer();
    latencies.push(performance.now() - t);
  }
  await clients.terminate();
  await l.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const result = done as { ms: number; bytes: number } | null;
  return {
    p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN,
    probes: sorted.length,
    burstMs: result?.ms ?? Number.NaN,
    bytes: result?.bytes ?? 0,
  };
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

export async function benchTrust(): Promise<BenchRow[]> {
  const base = await burst(false);
  const withCache = await burst(true);
  const rows: BenchRow[] = [
    {
      name: `trust: /feed/health p99 during ${BURST} concurrent /trust+/strategies (${HOURS} h noisy sim)`,
      value: `${withCache.p99.toFixed(1)} ms cached (${withCache.probes} probes, burst ${(withCache.burstMs / 1000).toFixed(1)} s) vs ${base.p99.toFixed(1)} ms computing every call (burst ${(base.burstMs / 1000).toFixed(1)} s)`,
      target: `< ${P99_TARGET_MS} ms`,
      ratio: withCache.p99 / base.p99,
      pass: withCache.p99 < P99_TARGET_MS,
    },
  ];
  if (DAYS > 0) {
    const days = sevenDays();
    rows.push({
      name: `trust: report size and heap over ${DAYS} sim days (noisy)`,
      value: days.map((d) => `d${d.day} ${d.reportKb.toFixed(0)} KB/${d.heapMb.toFixed(0)} MB`).join(', '),
      target: 'levels off (shown)',
      ratio: null,
      pass: null,
    });
    rows.push({
      name: 'trust: heap growth per day, last 3 days vs first 3',
      value: `${growth(days.slice(-4)).toFixed(2)} MB/day vs ${growth(days.slice(0, 4)).toFixed(2)} MB/day (median of day-to-day)`,
      target: 'shown',
      ratio: null,
      pass: null,
    });
  }
  return rows;
}

const growth = (ds: Array<{ heapMb: number }>) => median(ds.slice(1).map((d, i) => d.heapMb - ds[i]!.heapMb));
