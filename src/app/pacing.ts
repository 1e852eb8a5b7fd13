/**
 * Pacing: drives an engine from a source of inputs at full speed (yielding to the event loop
 * now and then) or in real time against the wall clock, fanning its outputs out to a sink.
 * The one loop of the sim (`drive`) and of replay (`Pacer`, fed a capture batch by batch).
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
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

/** Waits `ms`, or less if `signal` aborts: the abort is the loop's to see, not an error. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
}

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

/**
 * The one pacing loop, for the sim and for replay: steps inputs through the engine and
 * fans the outputs out to the sink, at full speed (yielding to the event loop every few
 * milliseconds) or paced against the wall clock. Inputs come in one iterable (`drive`) or
 * in batches (a capture read chunk by chunk): the pace carries over from one to the next.
 */
export class Pacer {
  /** Inputs stepped so far. */
  inputs = 0;
  /** Time of the last input stepped (null: none yet). */
  lastTsMs: number | null = null;
  private firstTsMs: number | null = null;
  private readonly factor: number;
  private readonly now: () => number;
  private readonly wallStartMs: number;
  private sinceYield = 0;
  private lastYieldMs: number;

  constructor(
    private readonly engine: Engine,
    private readonly sink: Sink,
    private readonly opts: DriveOptions,
  ) {
    this.now = opts.nowMs ?? Date.now;
    this.factor = opts.speed === '1x' ? 1 : opts.speed === '10x' ? 10 : 0;
    this.wallStartMs = this.lastYieldMs = this.now();
  }

  /** Steps every input of `inputs` in turn. False once the run is over: aborted, or past its duration. */
  async feed(inputs: Iterable<InputEvent>): Promise<boolean> {
    const o = this.opts;
    for (const input of inputs) {
      if (o.signal?.aborted) return false;
      this.firstTsMs ??= input.ts_unix_ms;
      if (o.durationMs !== null && input.ts_unix_ms - this.firstTsMs > o.durationMs) return false;
      if (this.factor > 0) {
        const waitMs = this.wallStartMs + (input.ts_unix_ms - this.firstTsMs) / this.factor - this.now();
        if (waitMs > 1) await pause(waitMs, o.signal);
        if (o.signal?.aborted) return false;
      } else if (++this.sinceYield >= YIELD_CHECK_EVERY) await this.yieldNowAndThen();
      this.step(input);
    }
    return !o.signal?.aborted;
  }

  /** Even at full speed, lets signals, timers and API requests in every few milliseconds. */
  private async yieldNowAndThen(): Promise<void> {
    this.sinceYield = 0;
    if (this.now() - this.lastYieldMs < YIELD_EVERY_MS) return;
    await yieldToLoop();
    await this.opts.backpressure?.();
    this.lastYieldMs = this.now();
  }

  private step(input: InputEvent): void {
    this.inputs += 1;
    this.lastTsMs = input.ts_unix_ms;
    this.opts.onInput?.(input);
    const outs = this.engine.step(input);
    for (const out of outs) this.sink(out);
    this.opts.observe?.(input, outs);
  }
}

/** Feeds `inputs` through `engine`, sending every output to `sink`. Returns the last input time (0: none). */
export async function drive(engine: Engine, inputs: Iterable<InputEvent>, sink: Sink, opts: DriveOptions): Promise<number> {
  const pacer = new Pacer(engine, sink, opts);
  await pacer.feed(inputs);
  return pacer.lastTsMs ?? 0;
}
