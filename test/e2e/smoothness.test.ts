// Goal: the dashboard keeps drawing frames while the lab streams the engine's own event mix at the API bench's rate (5,000 events/s); frames per second are measured idle and under load in the same run.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts, type ApiParts } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import type { FastifyInstance } from 'fastify';
import { launchChromium, watchErrors, type Chrome } from './browser.ts';
import { ensureDashboardBuilt } from './lab.ts';

/** The rate bench/api.bench.ts streams through the hub. */
const EVENTS_PER_S = 5_000;
const TICK_MS = 20;
const MEASURE_MS = 3_000;

let chrome: Chrome;
let app: FastifyInstance;
let parts: ApiParts;
let url: string;
let mix: OutputEvent[];

/** One simulated hour of the engine's outputs, in order: medians and quotes (coalesced) and fills, intents, signals (exact) in their real proportions. */
function engineMix(): OutputEvent[] {
  const engine = buildEngine(loadConfig({}), 'sim', 'smooth-7', 7);
  const out: OutputEvent[] = [...engine.start(SIM_START_MS)];
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > 60 * 60_000) break;
    out.push(...engine.step(e));
  }
  return out;
}

beforeAll(async () => {
  ensureDashboardBuilt();
  mix = engineMix();
  parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 24 });
  app = await buildApi(parts);
  url = `${await startApi(app, '127.0.0.1', 0)}/`;
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  parts?.hub.close();
  await app?.close();
  parts?.metrics.close();
});

interface FrameStats {
  fps: number;
  worstFrameMs: number;
}

/** Counts animation frames for `ms` inside the page. */
function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  return page.evaluate(
    (ms) =>
      new Promise<FrameStats>((resolve) => {
        const t0 = performance.now();
        let frames = 0;
        let last = t0;
        let worst = 0;
        const step = (t: number) => {
          frames += 1;
          worst = Math.max(worst, t - last);
          last = t;
          if (t - t0 < ms) requestAnimationFrame(step);
          else resolve({ fps: (frames * 1000) / (t - t0), worstFrameMs: worst });
        };
        requestAnimationFrame(step);
      }),
    ms,
  );
}

/** Publishes the mix at EVENTS_PER_S from this process until stopped (catching up on late timer ticks); returns how many went out. */
function stream(): { stop: () => { sent: number; seconds: number } } {
  let i = 0;
  let sent = 0;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) * EVENTS_PER_S) / 1000);
    for (; sent < due; sent++) {
      parts.sink(mix[i]!);
      i = (i + 1) % mix.length;
    }
  }, TICK_MS);
  return { stop: () => (clearInterval(timer), { sent, seconds: (Date.now() - t0) / 1000 }) };
}

describe('dashboard smoothness', () => {
  it(`keeps at least half its idle frame rate at ${EVENTS_PER_S} events/s`, async () => {
    const page = await chrome.context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    await expect.poll(() => page.locator('#conn').textContent()).toBe('live');
    const idle = await measureFrames(page, MEASURE_MS);
    const s = stream();
    await new Promise((r) => setTimeout(r, 500)); // let the stream reach its pace
    const loaded = await measureFrames(page, MEASURE_MS);
    const { sent, seconds } = s.stop();
    const fillsShown = await page.locator('[data-panel="fills"] tbody tr td:not(.muted):first-child').count();
    console.log(
      `dashboard frames: idle ${idle.fps.toFixed(1)} fps (worst ${idle.worstFrameMs.toFixed(0)} ms), at ${EVENTS_PER_S}/s ${loaded.fps.toFixed(1)} fps (worst ${loaded.worstFrameMs.toFixed(0)} ms); ${sent} events in ${seconds.toFixed(1)} s`,
    );
    expect(sent / seconds).toBeGreaterThan(EVENTS_PER_S * 0.9);
    // The page really took the stream: fills from it are on screen.
    expect(fillsShown).toBeGreaterThan(0);
    // A ratio to the idle rate measured just before, not an absolute target (the machine is shared).
    expect(loaded.fps).toBeGreaterThanOrEqual(idle.fps * 0.5);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
