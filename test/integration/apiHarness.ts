/**
 * Test harness for the API: a real server on 127.0.0.1:0 fed by the real Engine driven
 * by the seeded SimFeed, plus small helpers for real HTTP and WebSocket clients.
 */
import { WebSocket, type ClientOptions } from 'ws';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts, type ApiParts, type ApiPartsOptions } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';

export interface Harness {
  url: string;
  wsUrl: string;
  app: FastifyInstance;
  parts: ApiParts;
  engine: Engine;
  /** Sim time (ms since SIM_START_MS) already fed to the engine. */
  simMs: () => number;
  /** Feeds the next `simMs` of sim inputs; yields to the loop every `chunkMs` of sim time, sleeping `pauseMs`. */
  pump: (simMs: number, opts?: { chunkMs?: number; pauseMs?: number }) => Promise<void>;
  step: (input: InputEvent) => void;
  close: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startHarness(opts: Partial<ApiPartsOptions> & { maxClientMessageBytes?: number } = {}): Promise<Harness> {
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, closeGraceMs: 2_000, ...opts });
  const app = await buildApi({ ...parts, maxClientMessageBytes: opts.maxClientMessageBytes });
  const url = await startApi(app, '127.0.0.1', 0);
  const engine = buildEngine(loadConfig({}), 'sim', 'test-run-7', 7);
  // The noisy profile trades every few seconds: the API tests need fills, positions and rejects to serve.
  const inputs = new SimFeed({ seed: 7, market: 'noisy' }).events();
  let fedMs = 0;
  for (const e of engine.start(SIM_START_MS)) parts.sink(e);
  const step = (input: InputEvent) => {
    for (const out of engine.step(input)) parts.sink(out);
  };
  let pending: InputEvent | null = null;
  const pump = async (simMs: number, o: { chunkMs?: number; pauseMs?: number } = {}) => {
    const until = fedMs + simMs;
    const chunkMs = o.chunkMs ?? 10_000;
    for (let chunkEnd = fedMs + chunkMs; ; chunkEnd += chunkMs) {
      const stopAt = Math.min(chunkEnd, until);
      for (;;) {
        const input = pending ?? (inputs.next().value as InputEvent);
        if (input.ts_unix_ms - SIM_START_MS > stopAt) {
          pending = input;
          break;
        }
        pending = null;
        step(input);
      }
      fedMs = stopAt;
      await sleep(o.pauseMs ?? 0);
      if (stopAt >= until) return;
    }
  };
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws') + '/ws',
    app,
    parts,
    engine,
    simMs: () => fedMs,
    pump,
    step,
    close: async () => {
      parts.hub.close();
      await app.close();
      parts.metrics.close();
    },
  };
}

export interface Frame {
  at: number;
  msg: Record<string, unknown> & { event_type: string };
}

/** A real `ws` client that records every frame it receives, with its arrival time. */
export class Recorder {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push({ at: Date.now(), msg: JSON.parse(String(data)) as Frame['msg'] });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static async open(url: string, opts?: ClientOptions): Promise<Recorder> {
    const ws = new WebSocket(url, opts);
    const r = new Recorder(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return r;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  of(type: string): Frame['msg'][] {
    return this.frames.filter((f) => f.msg.event_type === type).map((f) => f.msg);
  }

  /** Resolves when `pred` holds, or rejects after `timeoutMs` (a guard sized for a busy machine, not a promise). */
  async until(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for WebSocket frames');
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

export async function getJson(url: string): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}
