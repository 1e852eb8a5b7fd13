/**
 * The dashboard under a stream of events, shared by the browser test that checks what the
 * page shows (./smoothness.test.ts) and the bench that times its frames (bench/dashboard.bench.ts):
 * the API's own parts on loopback fed from this process (no engine running behind them), the
 * engine's real output mix to feed them, a paced sender, and a frame counter inside the page.
 */
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import { launchChromium, watchErrors, type Chrome } from './browser.ts';
import { ensureDashboardBuilt } from './lab.ts';

/** The rate bench/api.bench.ts streams through the hub. */
export const EVENTS_PER_S = 5_000;
/** How often the sender wakes; it sends whatever the clock says is due, so a late tick is caught up. */
const TICK_MS = 20;

/** One simulated hour of the engine's outputs, in order: medians and quotes (coalesced) and fills, intents, signals (exact) in their real proportions. */
export function engineMix(): OutputEvent[] {
  const engine = buildEngine(loadConfig({}), 'sim', 'smooth-7', 7);
  const out: OutputEvent[] = [...engine.start(SIM_START_MS)];
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > 60 * 60_000) break;
    out.push(...engine.step(e));
  }
  return out;
}

export interface StreamLab {
  /** The dashboard's address. */
  url: string;
  chrome: Chrome;
  /** The API's sink: what the engine would feed (read model, metrics, WebSocket hub). */
  sink: (e: OutputEvent) => void;
  close: () => Promise<void>;
}

/** Builds the dashboard if needed, serves it from the API's parts on 127.0.0.1 and launches Chromium. */
export async function startStreamLab(): Promise<StreamLab> {
  ensureDashboardBuilt();
  // The lab's default coalescing rate; a generous send buffer, because a browser on a busy
  // machine may fall behind for a moment and this is about the page, not the hub's
  // slow-consumer limit (test/integration/ws.test.ts covers that).
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 24 });
  const app = await buildApi(parts);
  const url = `${await startApi(app, '127.0.0.1', 0)}/`;
  const chrome = await launchChromium();
  return {
    url,
    chrome,
    sink: parts.sink,
    close: async () => {
      await chrome.close();
      parts.hub.close();
      await app.close();
      parts.metrics.close();
    },
  };
}

/** A new page on the dashboard, once it says it is live; `errors` collects its console errors and uncaught exceptions. */
export async function openLivePage(lab: StreamLab): Promise<{ page: Page; errors: string[] }> {
  const page = await lab.chrome.context.newPage();
  const errors = watchErrors(page);
  await page.goto(lab.url);
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
  return { page, errors };
}

export interface FrameStats {
  frames: number;
  fps: number;
  worstFrameMs: number;
}

/**
 * Counts animation frames for `ms` inside the page. A page blocked for the whole window still
 * resolves, with one frame. No named function inside: under tsx (the bench) esbuild would
 * wrap it in a `__name` helper the page does not have.
 */
export function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  return page.evaluate(async (ms) => {
    const t0 = performance.now();
    let frames = 0;
    let last = t0;
    let worst = 0;
    let t: number;
    do {
      t = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
      frames += 1;
      worst = Math.max(worst, t - last);
      last = t;
    } while (t - t0 < ms);
    return { frames, fps: (frames * 1000) / (t - t0), worstFrameMs: worst };
  }, ms);
}

export interface StreamTotals {
  sent: number;
  seconds: number;
}

export interface EventStream {
  /** Stops sending (if not done yet) and says how many went out in how long. */
  stop: () => StreamTotals;
  /** Settles once `limit` events have gone out. */
  done: Promise<StreamTotals>;
}

/** Feeds `events` to `sink` at `perS` from this process, by the clock, until `limit` have gone out or it is stopped. */
export function streamEvents(sink: (e: OutputEvent) => void, events: Iterator<OutputEvent>, perS: number, limit = Infinity): EventStream {
  let sent = 0;
  const t0 = Date.now();
  let totals: StreamTotals | null = null;
  let finish: (t: StreamTotals) => void = () => {};
  const done = new Promise<StreamTotals>((resolve) => (finish = resolve));
  const stop = (): StreamTotals => {
    if (totals) return totals;
    clearInterval(timer);
    totals = { sent, seconds: (Date.now() - t0) / 1000 };
    finish(totals);
    return totals;
  };
  const timer = setInterval(() => {
    const due = Math.min(limit, Math.floor(((Date.now() - t0) * perS) / 1000));
    for (; sent < due; sent++) {
      const next = events.next();
      if (next.done) return void stop();
      sink(next.value);
    }
    if (sent >= limit) stop();
  }, TICK_MS);
  return { stop, done };
}

/** The mix over and over (a new pass starts a new run on the page, as a restarted lab would). */
export function* cycle<T>(items: readonly T[]): Generator<T> {
  for (;;) yield* items;
}
