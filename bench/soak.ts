/**
 * `npm run soak`: the lab unattended, compressed. The seeded sim runs at full speed through
 * the engine, the trust analytics and the API's sinks (state, metrics, WebSocket hub) for a
 * bounded wall time, the trust report asked for every 2 s as the dashboard does; the soak
 * reports throughput, event-loop delay (p99, max), memory growth after a warm-up (also per
 * simulated day) and the trust report's size, and with `--check` exits 1 when memory keeps
 * growing.
 *
 *   npm run soak                      # 60 s
 *   npm run soak -- --seconds 8 --check --json
 *   npm run soak -- --seconds 600 --heap-snapshots /tmp/soak   # heap snapshots at sim days 1 and 5
 *
 * Bounded: it stops by itself after `--seconds` of wall time (and never runs more than
 * 30 simulated days). Run with --expose-gc (the npm script does) so heap figures are taken
 * after a full collection.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { loadConfig } from '../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../src/app/engineFactory.ts';
import { drive } from '../src/app/pacing.ts';
import { createApiParts } from '../src/api/start.ts';

interface SoakOptions {
  seconds: number;
  seed: number;
  /** Write a heap snapshot into this directory when input time reaches each of SNAPSHOT_DAYS. */
  heapSnapshots?: string;
}

/** Sim days at which `--heap-snapshots` writes one: compare their retained sizes by constructor (DevTools, Memory tab). */
const SNAPSHOT_DAYS = [1, 5];
const DAY_MS = 86_400_000;
/** How often the soak asks for the trust report, as the dashboard's poll (3 s) and the API's cache (2 s) would. */
const TRUST_EVERY_MS = 2_000;

export interface SoakReport {
  wall_s: number;
  sim_hours: number;
  inputs: number;
  outputs: number;
  inputs_per_s: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  heap_warm_mb: number;
  heap_end_mb: number;
  heap_growth_mb: number;
  rss_warm_mb: number;
  rss_end_mb: number;
  rss_growth_mb: number;
  /** Largest heap growth between consecutive samples after warm-up, relative to the warm heap. */
  heap_trend: number;
  /** Heap growth after warm-up per simulated day (null when under an hour of sim passed after it). */
  heap_mb_per_sim_day: number | null;
  trust_report_kb: number;
  heap_snapshots: string[];
  pass: boolean;
}

/** Heap above this growth (MB) after warm-up, with every late sample above the warm one, is a leak. */
const HEAP_GROWTH_LIMIT_MB = 16;

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

function heapNow(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

export async function soak(opts: SoakOptions): Promise<SoakReport> {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim' });
  const engine = buildEngine(cfg, 'sim', `soak-${opts.seed}`, opts.seed);
  const api = createApiParts({
    mode: 'sim',
    wsMaxRateHz: cfg.wsMaxRateHz,
    wsMaxBufferBytes: cfg.wsMaxBufferBytes,
    wsFlushMs: cfg.wsFlushMs,
  });
  let outputs = 0;
  const sink = (e: Parameters<typeof api.sink>[0]) => {
    outputs += 1;
    api.sink(e);
  };
  const analytics = buildAnalytics(cfg);
  const started = engine.start(SIM_START_MS);
  for (const e of started) sink(e);
  analytics.observeOutputs(started);
  const snapshots: string[] = [];
  let nextSnapshot = 0;
  let lastInputMs = SIM_START_MS;
  const observe = (input: Parameters<typeof analytics.observe>[0], outs: Parameters<typeof analytics.observe>[1]) => {
    analytics.observe(input, outs);
    lastInputMs = input.ts_unix_ms;
    const day = SNAPSHOT_DAYS[nextSnapshot];
    if (opts.heapSnapshots && day !== undefined && input.ts_unix_ms - SIM_START_MS >= day * DAY_MS) {
      gc?.();
      snapshots.push(writeHeapSnapshot(join(opts.heapSnapshots, `soak-day${day}.heapsnapshot`)));
      nextSnapshot += 1;
    }
  };
  const trustKb = () => JSON.stringify(analytics.report()).length / 1024;
  // The dashboard's load: a report serialized every couple of seconds of wall time.
  const trustPoll = setInterval(trustKb, TRUST_EVERY_MS);

  const abort = new AbortController();
  const wallMs = opts.seconds * 1000;
  const warmAtMs = wallMs * 0.25;
  const samples: { heap: number; rss: number }[] = [];
  let warm: { heap: number; rss: number; simMs: number } | null = null;
  const t0 = Date.now();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const sampler = setInterval(
    () => {
      const elapsed = Date.now() - t0;
      if (elapsed >= wallMs) return abort.abort();
      if (elapsed < warmAtMs) return;
      // Only the warm-up point forces a collection: a forced GC inside the measured span would
      // show up as event-loop delay that the lab itself never causes.
      if (!warm) {
        warm = { heap: heapNow(), rss: process.memoryUsage().rss, simMs: lastInputMs };
        delay.reset();
        delay.enable();
      } else samples.push({ heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss });
    },
    Math.max(200, wallMs / 40),
  );
  const last = await drive(engine, new SimFeed({ seed: opts.seed }).events(), sink, {
    durationMs: 30 * 86_400_000,
    speed: 'max',
    signal: abort.signal,
    observe,
  });
  clearInterval(sampler);
  clearInterval(trustPoll);
  delay.disable();
  for (const e of engine.stop(last)) sink(e);
  api.hub.close();
  api.metrics.close();

  const reportKb = trustKb();
  const end = { heap: heapNow(), rss: process.memoryUsage().rss, simMs: last };
  const w = warm ?? end;
  const simDaysAfterWarm = (end.simMs - w.simMs) / DAY_MS;
  const wall = (Date.now() - t0) / 1000;
  const growth = end.heap - w.heap;
  // Unbounded growth shows as a heap that ends (after a full collection) well above its warm
  // value and whose later samples never come back down to it; a sawtooth or a plateau passes.
  const neverBelowWarm = samples.length > 3 && samples.slice(Math.floor(samples.length / 2)).every((s) => s.heap > w.heap);
  const trend = samples.length > 1 ? Math.max(...samples.map((s, i) => (i === 0 ? 0 : (s.heap - samples[i - 1]!.heap) / w.heap))) : 0;
  return {
    wall_s: Math.round(wall * 10) / 10,
    sim_hours: Math.round(((last - SIM_START_MS) / 3_600_000) * 10) / 10,
    inputs: engine.counters.inputs,
    outputs,
    inputs_per_s: Math.round(engine.counters.inputs / wall),
    loop_delay_p99_ms: Math.round(delay.percentile(99) / 1e4) / 100,
    loop_delay_max_ms: Math.round(delay.max / 1e4) / 100,
    heap_warm_mb: mb(w.heap),
    heap_end_mb: mb(end.heap),
    heap_growth_mb: mb(growth),
    rss_warm_mb: mb(w.rss),
    rss_end_mb: mb(end.rss),
    rss_growth_mb: mb(end.rss - w.rss),
    heap_trend: Math.round(trend * 1000) / 1000,
    heap_mb_per_sim_day: simDaysAfterWarm >= 1 / 24 ? Math.round((mb(growth) / simDaysAfterWarm) * 100) / 100 : null,
    trust_report_kb: Math.round(reportKb),
    heap_snapshots: snapshots,
    pass: !(mb(growth) > HEAP_GROWTH_LIMIT_MB && neverBelowWarm),
  };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const snapAt = process.argv.indexOf('--heap-snapshots');
  const report = await soak({
    seconds: Math.min(arg('seconds', 60), 3_600),
    seed: arg('seed', 7),
    ...(snapAt >= 0 && process.argv[snapAt + 1] ? { heapSnapshots: process.argv[snapAt + 1] } : {}),
  });
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else {
    console.log(
      `soak: ${report.wall_s} s wall, ${report.sim_hours} h of sim, ${report.inputs} inputs (${report.inputs_per_s}/s), ${report.outputs} outputs`,
    );
    console.log(`event-loop delay: p99 ${report.loop_delay_p99_ms} ms, max ${report.loop_delay_max_ms} ms`);
    console.log(
      `heap after warm-up ${report.heap_warm_mb} MB → ${report.heap_end_mb} MB (growth ${report.heap_growth_mb} MB, limit ${HEAP_GROWTH_LIMIT_MB}; ${report.heap_mb_per_sim_day ?? 'n/a'} MB per sim day); RSS ${report.rss_warm_mb} → ${report.rss_end_mb} MB`,
    );
    console.log(`trust report ${report.trust_report_kb} KB at the end`);
    for (const f of report.heap_snapshots) console.log(`heap snapshot ${f}`);
    console.log(report.pass ? 'soak: pass' : 'soak: FAIL (memory kept growing)');
  }
  if (process.argv.includes('--check') && !report.pass) process.exitCode = 1;
}
