/**
 * Composition for `polylab replay`: the config a replay runs with (the capture's own
 * settings, overridden by the environment and flags) and the loop that feeds a capture's
 * inputs — or, with `--raw`, inputs re-parsed from its raw frames — through the engine at
 * full speed or paced against the wall clock.
 */
import { loadConfig, SETTINGS, type Config, type ConfigKey } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { Engine } from '../engine/engine.ts';
import { Pacer, type Observe, type Sink } from './pacing.ts';
import { readCapture, type Capture, type CaptureRecord } from '../capture/reader.ts';
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

/** Feeds the capture through `engine` (paced by the one loop of pacing.ts); every output goes to `sink`. */
export async function replayInto(capture: Capture, engine: Engine, sink: Sink, o: ReplayOptions): Promise<ReplayResult> {
  const res: ReplayResult = { inputs: 0, lastTsMs: null, end: null, aborted: false };
  let bytes = 0;
  const pacer = new Pacer(engine, sink, {
    durationMs: null,
    speed: o.speed,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.nowMs ? { nowMs: o.nowMs } : {}),
    ...(o.backpressure ? { backpressure: o.backpressure } : {}),
    ...(o.observe ? { observe: o.observe } : {}),
    ...(o.raw ? { onInput: (input: InputEvent) => o.raw!.observe(input) } : {}),
  });
  const reader = readCapture(capture, {
    raw: o.raw !== null,
    strict: o.strict,
    onBad: o.onBad,
    onEnd: (end) => (res.end = end),
    onBytes: (b) => (bytes = b),
  });
  for await (const batch of reader) {
    const going = await pacer.feed(inputsOf(batch, o.raw));
    res.inputs = pacer.inputs;
    res.lastTsMs = pacer.lastTsMs;
    o.onProgress?.(bytes, res.inputs);
    if (!going || o.signal?.aborted) {
      res.aborted = true;
      break;
    }
  }
  return res;
}

/**
 * A batch's inputs: as captured, or (with `--raw`) re-parsed from its raw frames. Lazy on
 * purpose: the re-parser must observe each input stepped before it reads the next record.
 */
function* inputsOf(batch: Iterable<CaptureRecord>, raw: Reparser | null): Iterable<InputEvent> {
  for (const rec of batch) {
    if (rec.event_type === undefined) yield* raw!.frame(rec);
    else if (!raw || !raw.replaces(rec)) yield rec;
  }
}
