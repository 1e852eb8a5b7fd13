// Goal: the shared resilient socket survives everything a server can do — drops, silence, refusals, 429s — on real loopback sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { backoffDelayMs, ResilientSocket, type ResilientSocketOptions } from '../../src/net/socket.ts';
import { until } from './fakes/kit.ts';

interface Fake {
  url: string;
  wss: WebSocketServer;
  received: string[];
  connections: WebSocket[];
  close: () => Promise<void>;
}

async function fakeServer(onConnection: (ws: WebSocket, n: number) => void, http?: Server): Promise<Fake> {
  const server = http ?? createServer();
  const wss = new WebSocketServer({ server });
  const received: string[] = [];
  const connections: WebSocket[] = [];
  wss.on('connection', (ws) => {
    connections.push(ws);
    ws.on('message', (d) => received.push(d.toString()));
    onConnection(ws, connections.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    received,
    connections,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function client(url: string, extra: Partial<ResilientSocketOptions> = {}) {
  const frames: string[] = [];
  const states: string[] = [];
  const sock = new ResilientSocket({
    name: 'test',
    url,
    subscribe: () => ['{"op":"subscribe"}'],
    acksSubscription: true,
    staleAfterMs: 2_000,
    backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 },
    onFrame: (text) => {
      frames.push(text);
      if (text === 'ack') return { ack: true };
      if (text.startsWith('refuse')) return { refused: text };
      if (text === 'ping') return { reply: 'pong' };
      return { data: true };
    },
    onState: (s) => states.push(s),
    ...extra,
  });
  cleanups.push(() => sock.close());
  return { sock, frames, states };
}

describe('ResilientSocket', () => {
  it('subscribes, waits for the ack, goes live and streams', async () => {
    const srv = await fakeServer((ws) =>
      ws.on('message', () => {
        ws.send('ack');
        ws.send('t1');
        ws.send('t2');
      }),
    );
    cleanups.push(srv.close);
    const c = client(srv.url);
    c.sock.start();
    await until(() => c.frames.includes('t2'));
    expect(srv.received).toEqual(['{"op":"subscribe"}']);
    expect(c.sock.stats.state).toBe('live');
    expect(c.states.slice(0, 2)).toEqual(['connecting', 'live']);
  });

  it('reconnects and resubscribes after the server closes mid-stream', async () => {
    const srv = await fakeServer((ws, n) =>
      ws.on('message', () => {
        ws.send('ack');
        ws.send(`t${n}`);
        if (n === 1) setTimeout(() => ws.close(1011, 'bye'), 20);
      }),
    );
    cleanups.push(srv.close);
    let reconnects = 0;
    const c = client(srv.url, { onReconnect: () => reconnects++ });
    c.sock.start();
    await until(() => c.frames.includes('t2'));
    expect(srv.received).toEqual(['{"op":"subscribe"}', '{"op":"subscribe"}']);
    expect(c.sock.stats.reconnects).toBe(1);
    expect(reconnects).toBe(1);
    expect(c.states).toContain('down');
    expect(c.sock.stats.lastError).toMatch(/closed by server \(1011 bye\)/);
  });

  it('reconnects when the server goes silent past the staleness limit', async () => {
    const srv = await fakeServer((ws) => ws.on('message', () => ws.send('ack')));
    cleanups.push(srv.close);
    const c = client(srv.url, { staleAfterMs: 300 });
    c.sock.start();
    await until(() => srv.connections.length >= 2, 15_000);
    expect(c.states).toContain('stale');
    expect(c.sock.stats.lastError).toMatch(/stale: no message for \d+ ms/);
  });

  it('surfaces a refused subscription and retries with backoff', async () => {
    const srv = await fakeServer((ws) => ws.on('message', () => ws.send('refuse: unknown symbol')));
    cleanups.push(srv.close);
    const c = client(srv.url);
    c.sock.start();
    await until(() => c.sock.stats.refusals >= 2);
    expect(c.sock.stats.state === 'down' || c.sock.stats.state === 'connecting').toBe(true);
    expect(c.sock.stats.lastError).toBe('subscription refused: refuse: unknown symbol');
    expect(c.states).not.toContain('live');
  });

  it('fails over when no acknowledgement arrives in time', async () => {
    const srv = await fakeServer(() => undefined);
    cleanups.push(srv.close);
    const c = client(srv.url, { ackTimeoutMs: 200 });
    c.sock.start();
    await until(() => c.sock.stats.lastError !== null);
    expect(c.sock.stats.lastError).toMatch(/no subscription acknowledgement within 200 ms/);
  });

  it('answers application-level pings with the reply the handler gives', async () => {
    const srv = await fakeServer((ws) =>
      ws.on('message', (d) => {
        if (d.toString() !== 'pong') {
          ws.send('ack');
          ws.send('ping');
        }
      }),
    );
    cleanups.push(srv.close);
    const c = client(srv.url);
    c.sock.start();
    await until(() => srv.received.includes('pong'));
    expect(srv.received[0]).toBe('{"op":"subscribe"}');
  });

  it('backs off on HTTP 429 during the handshake instead of stampeding', async () => {
    const http = createServer((_req, res) => {
      res.writeHead(429);
      res.end();
    });
    const upgradesAtMs: number[] = [];
    http.on('upgrade', (_req, socket) => {
      upgradesAtMs.push(Date.now());
      socket.on('error', () => undefined); // the client may reset the connection it was refused
      socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    // The socket's own clock, read when it schedules the retry: the delay it chose is exact
    // however long this test takes to notice (a loaded machine only makes the test later).
    let clockMs = 0;
    const c = client(url, { backoff: { initialMs: 20, maxMs: 5_000, factor: 2, jitter: 0 }, now: () => (clockMs = Date.now()) });
    c.sock.start();
    await until(() => c.sock.stats.lastError !== null);
    expect(c.sock.stats.lastError).toBe('HTTP 429 on connect');
    const firstRetryAtMs = c.sock.stats.nextRetryMs!;
    // After a 429 the next retry waits initial × 2^4 = 320 ms; a plain retry would come after 20 ms.
    expect(firstRetryAtMs - clockMs).toBe(320);
    // And it keeps that promise: the second handshake reaches the server no earlier.
    await until(() => upgradesAtMs.length >= 2, 10_000);
    expect(upgradesAtMs[1]!).toBeGreaterThanOrEqual(firstRetryAtMs - 1);
    expect(upgradesAtMs[1]! - upgradesAtMs[0]!).toBeGreaterThanOrEqual(319);
  });

  it('reports the connection error when nothing listens, and stops cleanly', async () => {
    const srv = await fakeServer(() => undefined);
    const url = srv.url;
    await srv.close();
    const c = client(url);
    c.sock.start();
    await until(() => c.sock.stats.lastError !== null);
    expect(c.sock.stats.lastError).toMatch(/ECONNREFUSED/);
    await c.sock.close();
    expect(c.sock.stats.state).toBe('down');
    expect(c.sock.stats.reason).toBe('stopped');
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially, is capped, and stays within the jitter band', () => {
    const b = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };
    expect(backoffDelayMs(0, b, () => 0.5)).toBe(100);
    expect(backoffDelayMs(3, b, () => 0.5)).toBe(800);
    expect(backoffDelayMs(10, b, () => 0.5)).toBe(1_000);
    expect(backoffDelayMs(10, b, () => 0)).toBe(500);
    expect(backoffDelayMs(10, b, () => 0.999999)).toBeLessThanOrEqual(1_500);
  });
});
