/**
 * Dashboard frame rate under the event stream: the page in headless Chromium (Debian's
 * `chromium` through playwright-core, as the browser tests drive it) counts its animation
 * frames idle and while the API's hub carries the engine's own output mix at 5,000 events/s
 * (the api bench's rate), in alternating windows, so load from elsewhere on the machine hits
 * both alike. The figure is the loaded/idle frame-rate ratio per round, its median and range.
 * Target: ≥ 0.5× of the idle rate (what the browser test asserted before speed left it). A
 * second row says whether the sender reached its rate: a stream that fell behind would be a
 * lighter load and flatter the first row.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EVENTS_PER_S,
  cycle,
  engineMix,
  measureFrames,
  openLivePage,
  startStreamLab,
  streamEvents,
  type FrameStats,
  type StreamLab,
} from '../test/e2e/streamLab.ts';
import type { OutputEvent } from '../src/core/outputs.ts';
import { atLeastRow, median, type BenchRow } from './rows.ts';

const ROUNDS = 5;
const MEASURE_MS = 2_000;
/** After the stream starts, before counting: the sender and the hub reach their pace. */
const RAMP_MS = 500;
/** After the stream stops, before the idle window: the page takes the last batches and redraws. */
const SETTLE_MS = 1_000;
const MIN_FPS_RATIO = 0.5;
const MIN_RATE_RATIO = 0.9;

interface Round {
  idle: FrameStats;
  loaded: FrameStats;
}

interface Measured {
  rounds: Round[];
  eventsPerS: number;
  fillRows: number;
}

export async function benchDashboard(): Promise<BenchRow[]> {
  const events = cycle(engineMix());
  const lab = await startStreamLab();
  try {
    return report(await measure(lab, events));
  } finally {
    await lab.close();
  }
}

/** The warm-up and the rounds on one page; throws when the page failed or never took the stream, since its figure would mean nothing. */
async function measure(lab: StreamLab, events: Iterator<OutputEvent>): Promise<Measured> {
  const { page, errors } = await openLivePage(lab);
  const rounds: Round[] = [];
  let sent = 0;
  let seconds = 0;
  // Warm-up: the page's first pass through the stream (charts created, code compiled) is not a round.
  for (let r = -1; r < ROUNDS; r++) {
    const idle = await measureFrames(page, MEASURE_MS);
    const stream = streamEvents(lab.sink, events, EVENTS_PER_S);
    await sleep(RAMP_MS);
    const loaded = await measureFrames(page, MEASURE_MS);
    const totals = stream.stop();
    await sleep(SETTLE_MS);
    if (r < 0) continue;
    rounds.push({ idle, loaded });
    sent += totals.sent;
    seconds += totals.seconds;
  }
  const fillRows = await page.locator('[data-panel="fills"] tbody tr td:not(.muted):first-child').count();
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  if (fillRows === 0) throw new Error('no fill from the stream on the page');
  return { rounds, eventsPerS: sent / seconds, fillRows };
}

function report({ rounds, eventsPerS, fillRows }: Measured): BenchRow[] {
  const fps = (xs: number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  const worst = (xs: number[]) => `${Math.max(...xs).toFixed(0)} ms`;
  console.log(
    `${ROUNDS} rounds after a warm-up: ${MEASURE_MS / 1000} s idle, then ${MEASURE_MS / 1000} s at ${EVENTS_PER_S} events/s (engine output mix of 1 sim hour, over and over); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
  );
  console.log(`idle:   ${fps(rounds.map((r) => r.idle.fps))} fps, worst frame ${worst(rounds.map((r) => r.idle.worstFrameMs))}`);
  console.log(`loaded: ${fps(rounds.map((r) => r.loaded.fps))} fps, worst frame ${worst(rounds.map((r) => r.loaded.worstFrameMs))}`);
  console.log(`sender: ${eventsPerS.toFixed(0)} events/s; ${fillRows} fill rows on the page at the end`);
  const ratios = rounds.map((r) => r.loaded.fps / r.idle.fps);
  const fpsRow = atLeastRow(`dashboard: frame rate at ${EVENTS_PER_S / 1e3}k events/s in Chromium`, ratios, MIN_FPS_RATIO, 'idle');
  console.log(`ratio: ${fpsRow.value} (target ${fpsRow.target})`);
  const rateRatio = eventsPerS / EVENTS_PER_S;
  const rateRow: BenchRow = {
    name: 'dashboard: events sent while measuring',
    value: `${eventsPerS.toFixed(0)} events/s (${rateRatio.toFixed(2)}× of ${EVENTS_PER_S})`,
    target: `≥ ${MIN_RATE_RATIO.toFixed(2)}×`,
    ratio: rateRatio,
    pass: rateRatio >= MIN_RATE_RATIO,
  };
  const idleFps = median(rounds.map((r) => r.idle.fps));
  const loadedFps = median(rounds.map((r) => r.loaded.fps));
  return [{ ...fpsRow, value: `${loadedFps.toFixed(1)} vs ${idleFps.toFixed(1)} fps, ${fpsRow.value}` }, rateRow];
}
