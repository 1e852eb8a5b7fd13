/**
 * Composition for `polylab replay`: the config a replay runs with (the capture's own
 * settings, overridden by the environment and flags) and the loop that feeds a capture's
 * inputs — or, with `--raw`, inputs re-parsed from its raw frames — through the engine at
 * full speed or paced against the wall clock.
 */
import { loadConfig, SETTINGS, type Config, type ConfigKey } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { Engine } from '../engine/engine.ts';
import type { Observe, Sink } from './pacing.ts';
import { readCapture, type Capture } from '../capture/reader.ts';
import type { Reparser } from '../capture/reparse.ts';
import type { EndRecord } from '../capture/format.ts';

/** Settings that describe this machine or this invocation, never taken from a capture. */
export const LOCAL_KEYS: ReadonlySet<string> = new Set([
  'mode',
  'host',
  'port',
  'dataDir',
  'logLevel',
  'wsMaxRateHz',
  'wsMaxBufferBytes',
  'wsFlushMs',
  'durationMs',
  'speed',
  'captureDir',
  'journalCommitMs',
]);

/**
 * Defaults < the capture's settings < environment < flags. A capture setting this build
 * does not know (or no longer accepts) is left out, so an old capture still replays.
 */
export function replayConfig(
  captureSettings: Record<string, unknown>,
  env: Record<string, string | undefined>,
  flags: Partial<Record<ConfigKey, unknown>>,
): Config {
  const merged: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [
    ConfigKey,
    { env: string; schema: { safeParse: (v: unknown) => { success: boolean } } },
  ][]) {
    if (LOCAL_KEYS.has(key) || !(key in captureSettings)) continue;
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') continue;
    const value = captureSettings[key];
    if (setting.schema.safeParse(value).success) merged[key] = value;
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k as ConfigKey] = v;
  return loadConfig(env, merged);
}

export interface ReplayOptions {
  raw: Reparser | null;
  strict: boolean;
  speed: 'max' | '1x' | '10x';
  signal?: AbortSignal;
  onBad?: (where: string, reason: string) => void;
  onProgress?: (bytes: number, inputs: number) => void;
  backpressure?: () => Promise<void>;
  nowMs?: () => number;
  /** Sees each input with the engine's outputs for it, after the sink (the trust analytics of a sweep job). */
  observe?: Observe;
}

export interface ReplayResult {
  inputs: number;
  lastTsMs: number | null;
  /** The end record of a capture whose run stopped cleanly. */
  end: EndRecord | null;
  aborted: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Feeds the capture through `engine`; every output goes to `sink`. */
export async function replayInto(capture: Capture, engine: Engine, sink: Sink, o: ReplayOptions): Promise<ReplayResult> {
  const now = o.nowMs ?? Date.now;
  const factor = o.speed === '1x' ? 1 : o.speed === '10x' ? 10 : 0;
  const res: ReplayResult = { inputs: 0, lastTsMs: null, end: null, aborted: false };
  let first: number | null = null;
  const wallStart = now();
  let bytes = 0;
  const step = (input: InputEvent): void => {
    o.raw?.observe(input);
    res.inputs += 1;
    res.lastTsMs = input.ts_unix_ms;
    const outs = engine.step(input);
    for (const e of outs) sink(e);
    o.observe?.(input, outs);
  };
  // Paced replays wait for each input's moment; max speed stays synchronous per batch.
  const pace = async (input: InputEvent): Promise<void> => {
    first ??= input.ts_unix_ms;
    const wait = wallStart + (input.ts_unix_ms - first) / factor - now();
    if (wait > 1) await sleep(wait, o.signal);
  };
  const reader = readCapture(capture, {
    raw: o.raw !== null,
    strict: o.strict,
    onBad: o.onBad,
    onEnd: (end) => (res.end = end),
    onBytes: (b) => (bytes = b),
  });
  for await (const batch of reader) {
    for (const rec of batch) {
      const inputs = rec.event_type === undefined ? o.raw!.frame(rec) : !o.raw || !o.raw.replaces(rec) ? [rec] : [];
      for (const input of inputs) {
        if (factor > 0) await pace(input);
        step(input);
      }
      if (o.signal?.aborted) break;
    }
    o.onProgress?.(bytes, res.inputs);
    if (o.signal?.aborted) {
      res.aborted = true;
      break;
    }
    if (factor === 0) await o.backpressure?.();
  }
  return res;
}
