// Goal: the API refuses foreign Hosts (DNS rebinding) and foreign WebSocket origins, caps its clients, closes a client that floods it, and delivers run_started / run_stopped / the final pnl to every client.
import fs from 'node:fs';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts, startApiFor, type ApiParts, type ApiPartsOptions } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import { ErrorBodySchema } from '../../src/core/wire.ts';
import type { GuardPolicy } from '../../src/api/wsGuard.ts';
import { Recorder } from './apiHarness.ts';

interface Server {
  url: string;
  wsUrl: string;
  port: number;
  parts: ApiParts;
  close: () => Promise<void>;
}
const servers: Server[] = [];
const recorders: Recorder[] = [];

async function serve(opts: Partial<ApiPartsOptions> = {}, guard?: GuardPolicy): Promise<Server> {
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, closeGraceMs: 500, ...opts });
  const app = await buildApi({ ...parts, guard });
  const url = await startApi(app, '127.0.0.1', 0);
  const s: Server = {
    url,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    port: Number(new URL(url).port),
    parts,
    close: async () => {
      parts.hub.close();
      await app.close();
      parts.metrics.close();
    },
  };
  servers.push(s);
  return s;
}

async function open(url: string, opts?: ClientOptions): Promise<Recorder> {
  const r = await Recorder.open(url, opts);
  recorders.push(r);
  return r;
}

/** The HTTP status a WebSocket upgrade was answered with, when it was refused. */
function refusedStatus(url: string, opts: ClientOptions): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

/** fetch() will not send a Host of our choosing; node:http will. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

afterEach(async () => {
  for (const r of recorders.splice(0)) r.close();
  for (const s of servers.splice(0)) await s.close();
});

describe('Host and Origin guard', () => {
  it('answers a request under a foreign Host with 403 FORBIDDEN, and serves IP literals and localhost', async () => {
    const s = await serve();
    const get = (host: string) => getWithHost(`${s.url}/healthz`, host);
    const foreign = await get(`rebind.evil.example:${s.port}`);
    expect(foreign.status).toBe(403);
    expect(ErrorBodySchema.parse(JSON.parse(foreign.body)).error.code).toBe('FORBIDDEN');
    expect((await get(`127.0.0.1:${s.port}`)).status).toBe(200);
    expect((await get(`localhost:${s.port}`)).status).toBe(200);
    expect((await get(`[::1]:${s.port}`)).status).toBe(200);
  });

  it('refuses a WebSocket from a foreign origin before the upgrade, and accepts loopback, same-origin and allowed ones', async () => {
    const s = await serve({}, { bindHost: '127.0.0.1', allowedOrigins: ['https://lab.example.com'] });
    expect(await refusedStatus(s.wsUrl, { origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(s.wsUrl, { origin: 'null' })).toBe(403);
    expect(await refusedStatus(s.wsUrl, { origin: 'http://localhost:5173' })).toBe('open');
    expect(await refusedStatus(s.wsUrl, { origin: `http://127.0.0.1:${s.port}` })).toBe('open');
    // Behind a proxy that keeps the Host: the allowed origin's own name is a known Host too.
    expect(await refusedStatus(s.wsUrl, { origin: 'https://lab.example.com', headers: { host: 'lab.example.com' } })).toBe('open');
    expect(await refusedStatus(s.wsUrl, { headers: { host: `evil.example:${s.port}` } })).toBe(403);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('polylab_http_refused_total{reason="origin"} 2');
    expect(metrics).toContain('polylab_http_refused_total{reason="host"} 1');
  });
});

describe('WebSocket client limits', () => {
  it('closes a client over POLYLAB_WS_MAX_CLIENTS with 1013 and keeps the others', async () => {
    const s = await serve({ wsMaxClients: 2 });
    const a = await open(s.wsUrl);
    const b = await open(s.wsUrl);
    const c = await open(s.wsUrl);
    await c.until(() => c.closed !== null);
    expect(c.closed).toEqual({ code: 1013, reason: 'too many clients' });
    expect(c.of('connected')).toHaveLength(0);
    expect(s.parts.hub.clientCount).toBe(2);
    expect(a.closed).toBeNull();
    expect(b.closed).toBeNull();
    // A freed seat can be taken again.
    a.close();
    await a.until(() => a.closed !== null);
    // The seat is free once the server has let the client go (not after a guessed pause).
    await a.until(() => s.parts.hub.clientCount === 1);
    const d = await open(s.wsUrl);
    await d.until(() => d.of('connected').length === 1);
  });

  it('closes a client flooding pings with 1008 "too many messages" after its per-second allowance, and nobody else', async () => {
    const s = await serve({ wsClientMsgsPerS: 10 });
    const flooder = await open(s.wsUrl);
    const calm = await open(s.wsUrl);
    for (let i = 0; i < 5_000; i++) flooder.ws.send('{"op":"ping"}');
    await flooder.until(() => flooder.closed !== null, 15_000);
    expect(flooder.closed).toEqual({ code: 1008, reason: 'too many messages' });
    expect(flooder.of('pong').length).toBeLessThanOrEqual(10);
    calm.ws.send('{"op":"ping"}');
    await calm.until(() => calm.of('pong').length === 1);
    expect(calm.closed).toBeNull();
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('polylab_ws_disconnects_total{reason="too many messages"} 1');
  });
});

describe('WebSocket client limits at their defaults (the API as `polylab run` starts it, nothing passed in)', () => {
  it('takes 32 clients and closes the 33rd with 1013; a client sending an 11th message within a second is closed with 1008', async () => {
    const cfg = loadConfig({ POLYLAB_PORT: '0', POLYLAB_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-wsdefaults-')) });
    const api = await startApiFor(cfg, pino({ level: 'silent' }));
    servers.push({ url: api.url, wsUrl: '', port: 0, parts: api.parts, close: api.close });
    const wsUrl = `${api.url.replace('http', 'ws')}/ws`;
    const seated = await Promise.all(Array.from({ length: 32 }, () => open(wsUrl)));
    for (const c of seated) await c.until(() => c.of('connected').length === 1);
    const extra = await open(wsUrl);
    await extra.until(() => extra.closed !== null);
    expect(extra.closed).toEqual({ code: 1013, reason: 'too many clients' });
    expect(api.parts.hub.clientCount).toBe(32);
    // Ten messages a second are answered, one more closes the sender. The windows are fixed
    // one-second slots, so a burst of 21 puts 11 in one slot even if it straddles two.
    const talker = seated[0]!;
    for (let i = 0; i < 21; i++) talker.ws.send('{"op":"ping"}');
    await talker.until(() => talker.closed !== null, 10_000);
    expect(talker.closed).toEqual({ code: 1008, reason: 'too many messages' });
    expect(talker.of('pong').length).toBeGreaterThanOrEqual(10);
    expect(talker.of('pong').length).toBeLessThanOrEqual(20);
    expect(seated.slice(1).every((c) => c.closed === null)).toBe(true);
  });
});

describe('run lifecycle on the stream', () => {
  it('sends run_started to clients connected before the run, and run_stopped and the final pnl to every client before closing with 1001', async () => {
    const s = await serve();
    const early = await open(s.wsUrl);
    const engine = buildEngine(loadConfig({}), 'sim', 'lifecycle-7', 7);
    for (const e of engine.start(SIM_START_MS)) s.parts.sink(e);
    let last = SIM_START_MS;
    const inputs = new SimFeed({ seed: 7 }).events();
    for (const e of inputs) {
      if (e.ts_unix_ms - SIM_START_MS > 60_000) break;
      last = e.ts_unix_ms;
      for (const o of engine.step(e)) s.parts.sink(o);
    }
    const late = await open(s.wsUrl);
    await late.until(() => late.of('connected').length === 1);
    expect((late.of('connected')[0]!.snapshot as { run: { run_id: string } }).run.run_id).toBe('lifecycle-7');
    // The last events of the run and the close come together: no flush tick in between.
    for (const o of engine.stop(last)) s.parts.sink(o);
    s.parts.hub.close();
    for (const c of [early, late]) {
      await c.until(() => c.closed !== null);
      expect(c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      const types = c.frames.map((f) => f.msg.event_type);
      expect(types).toContain('run_stopped');
      expect(types.lastIndexOf('pnl')).toBeLessThan(types.indexOf('run_stopped'));
      expect(c.of('run_stopped')[0]).toMatchObject({ run_id: 'lifecycle-7', fills: engine.counters.fills });
    }
    expect(early.of('run_started')).toMatchObject([{ run_id: 'lifecycle-7' }]);
  });
});
