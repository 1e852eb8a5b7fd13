/**
 * paper-live in-process, as a user sees it: the real config, engine, every live edge
 * (`startLive`) and the real API on 127.0.0.1:0, pointed at loopback fakes. Tests read
 * `/feed/health`, `/readyz`, `/rejects` over HTTP and the engine's outputs (settlements),
 * and can count log lines (pino to memory).
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import { createApiParts } from '../../src/api/start.ts';
import { startLive, type LiveOptions, type LiveRun } from '../../src/app/paperLive.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';

export interface SourceView {
  source: string;
  state: string;
  reason: string | null;
  reconnects: number;
  next_retry_ms?: number | null;
  counts?: Record<string, number>;
  last_error?: string | null;
}

export interface HealthView {
  sources: SourceView[];
  books_live: number;
  books: { token_id: string; live: boolean; age_ms: number | null }[];
  polymarket_state: string | null;
}

export interface LiveLab {
  url: string;
  live: LiveRun;
  outputs: OutputEvent[];
  /** Log lines (parsed JSON) at warn and above. */
  logs: { level: number; msg: string }[];
  health: () => Promise<HealthView>;
  source: (name: string) => Promise<SourceView | undefined>;
  readyz: () => Promise<{ status: number; body: { ready: boolean; reason: string | null; books_live: number } }>;
  get: (path: string) => Promise<unknown>;
  /** Steps the engine with an input as an edge would (e.g. a market known without Gamma). */
  inject: (e: InputEvent) => void;
  close: () => Promise<void>;
}

export type LabTuning = Pick<LiveOptions, 'venueTuning' | 'polymarketTuning' | 'gammaPollMs' | 'statusIntervalMs' | 'timerMs'>;

export async function startLiveLab(env: Record<string, string>, tuning: LabTuning = {}): Promise<LiveLab> {
  const cfg = loadConfig(env);
  const engine = buildEngine(cfg, 'paper-live', 'lab', null);
  const parts = createApiParts({ mode: 'paper-live', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, bookMaxAgeMs: cfg.riskMaxBookAgeMs });
  const app = await buildApi({ ...parts });
  const url = await startApi(app, '127.0.0.1', 0);
  const logs: { level: number; msg: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
  const outputs: OutputEvent[] = [];
  const sink = (e: OutputEvent) => {
    outputs.push(e);
    parts.sink(e);
  };
  for (const e of engine.start(Date.now())) sink(e);
  const live = startLive({
    cfg,
    engine,
    sink,
    log,
    statusIntervalMs: 100,
    timerMs: 200,
    ...tuning,
    polymarketTuning: { statusIntervalMs: 100, ...tuning.polymarketTuning },
  });
  const get = async (path: string) => (await fetch(`${url}${path}`)).json() as Promise<unknown>;
  const health = () => get('/feed/health') as Promise<HealthView>;
  return {
    url,
    live,
    outputs,
    logs,
    health,
    get,
    inject: (e) => {
      for (const out of engine.step(e)) sink(out);
    },
    source: async (name) => (await health()).sources.find((s) => s.source === name),
    readyz: async () => {
      const r = await fetch(`${url}/readyz`);
      return { status: r.status, body: (await r.json()) as { ready: boolean; reason: string | null; books_live: number } };
    },
    close: async () => {
      await live.stop();
      parts.hub.close();
      await app.close();
      parts.metrics.close();
    },
  };
}

/** Polls `fn` until it returns a value (not null/undefined/false), or throws after `timeoutMs` (a guard sized for a busy machine). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
