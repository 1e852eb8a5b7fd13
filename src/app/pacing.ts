/**
 * Pacing: drives an engine from a source of inputs at full speed (yielding to the event loop
 * now and then) or in real time against the wall clock, fanning its outputs out to a sink.
 */
import type { Speed, Config } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { OutputEvent } from '../core/outputs.ts';
import type { Engine } from '../engine/engine.ts';

export type Sink = (e: OutputEvent) => void;

/** `auto` speed: a sim without a duration runs at a watchable 10x until Ctrl-C; anything else as fast as it can. */
export function resolveSpeed(cfg: Pick<Config, 'mode' | 'speed' | 'durationMs'>): Speed {
  if (cfg.speed !== 'auto') return cfg.speed;
  return cfg.mode === 'sim' && cfg.durationMs === null ? '10x' : 'max';
}

/** Sees each input with the engine's outputs for it (analytics, lanes, the sim's makers). */
export type Observe = (input: InputEvent, outs: readonly OutputEvent[]) => void;

export interface DriveOptions {
  /** Stop once input time passes start + durationMs (null = until the source ends or abort). */
  durationMs: number | null;
  /** `max` runs as fast as possible; `1x`/`10x` pace input time against the wall clock. */
  speed: Speed;
  signal?: AbortSignal;
  /** Wall clock, injectable for tests. */
  nowMs?: () => number;
  /**
   * Sees each input with the engine's outputs for it, right after the sink and before the
   * next input is drawn: the trust analytics, and the simulator's makers reacting to our
   * fills. Pure functions of the stream, so the run stays deterministic.
   */
  observe?: Observe;
  /** Sees every input just before the engine does (capture). */
  onInput?: (input: InputEvent) => void;
  /** Awaited now and then at full speed, so sinks that write to disk keep up. */
  backpressure?: () => Promise<void>;
}

/** Sleeps `ms`, or less if `signal` aborts; leaves no listener behind either way. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The longest delay setTimeout honours: a longer one fires at once (Node prints a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimerDeps {
  now: () => number;
  /** Arms one step; returns a cancel function. */
  schedule: (fn: () => void, ms: number) => () => void;
}

const realTimers: LongTimerDeps = {
  now: Date.now,
  schedule: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/**
 * Calls `fn` once `ms` of wall time have passed, for any `ms` (a 25-day paper-live run):
 * it waits in steps of at most MAX_TIMER_MS and checks the clock after each, so neither the
 * timer's limit nor a late wake-up can end it early. Unref'd; returns a cancel function.
 */
export function afterMs(ms: number, fn: () => void, deps: LongTimerDeps = realTimers): () => void {
  const deadline = deps.now() + ms;
  let cancel = () => {};
  const step = () => {
    const left = deadline - deps.now();
    if (left <= 0) return fn();
    cancel = deps.schedule(step, Math.min(left, MAX_TIMER_MS));
  };
  step();
  return () => cancel();
}

/** At full speed, the clock is read every this many inputs, and the loop yields every this many ms. */
const YIELD_CHECK_EVERY = 500;
const YIELD_EVERY_MS = 10;

/** Feeds `inputs` through `engine`, sending every output to `sink`. Returns the last input time. */
export async function drive(engine: Engine, inputs: Iterable<InputEvent>, sink: Sink, opts: DriveOptions): Promise<number> {
  const now = opts.nowMs ?? Date.now;
  const factor = opts.speed === '1x' ? 1 : opts.speed === '10x' ? 10 : 0;
  let first: number | null = null;
  let last = 0;
  const wallStart = now();
  let sinceYield = 0;
  let lastYieldMs = wallStart;
  for (const input of inputs) {
    if (opts.signal?.aborted) break;
    first ??= input.ts_unix_ms;
    if (opts.durationMs !== null && input.ts_unix_ms - first > opts.durationMs) break;
    if (factor > 0) {
      const due = wallStart + (input.ts_unix_ms - first) / factor;
      const wait = due - now();
      if (wait > 1) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
    } else if (++sinceYield >= YIELD_CHECK_EVERY) {
      // Even at full speed, let signals, timers and API requests in every few milliseconds.
      sinceYield = 0;
      if (now() - lastYieldMs >= YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        await opts.backpressure?.();
        lastYieldMs = now();
      }
    }
    last = input.ts_unix_ms;
    opts.onInput?.(input);
    const outs = engine.step(input);
    for (const out of outs) sink(out);
    opts.observe?.(input, outs);
  }
  return last;
}
