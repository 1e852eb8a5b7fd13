// Planted reads for polylab/read-only-network (test/unit/safety-rule.test.ts): nothing here may be reported.
import http from 'node:http';
import WebSocket from 'ws';
import { Worker as WorkerThread } from 'node:worker_threads';

const url = 'https://gamma.example/events';
const GET = 'GET';
const INIT = { method: 'GET', headers: { accept: 'application/json' } } as const;

export async function httpReads(signal: AbortSignal): Promise<void> {
  await fetch(url);
  await fetch(url, { signal, headers: { accept: 'application/json' } });
  await fetch(url, { method: 'GET' });
  await fetch(url, { method: GET });
  await fetch(url, INIT);
  await fetch(new URL(url), { method: 'HEAD' });
  http.get(url, (res) => res.resume());
}

const PING = 'PING';
const SUBSCRIBE = JSON.stringify({ action: 'subscribe', subscriptions: [{ topic: 'prices', type: '*' }] });

interface Adapter { subscribe(symbol: string): string[]; readonly ping?: { intervalMs: number; frame: () => string } }
const venueA: Adapter = { subscribe: (s) => [JSON.stringify({ op: 'subscribe', args: [s] })], ping: { intervalMs: 1, frame: () => 'ping' } };
const venueB: Adapter = {
  subscribe(symbol: string): string[] {
    return [JSON.stringify({ event: 'bts:subscribe', data: { channel: `live_trades_${symbol}` } })];
  },
  ping: { intervalMs: 1, frame: () => '{"op":"ping"}' },
};

function updateFrame(operation: 'subscribe' | 'unsubscribe', ids: readonly string[]): string {
  return operation === 'subscribe' ? JSON.stringify({ assets_ids: ids, operation, custom: true }) : JSON.stringify({ assets_ids: ids, operation });
}

interface SocketOptions { subscribe: () => string[]; ping?: { intervalMs: number; frame: () => string } }

class Socket {
  private readonly ws = new WebSocket('wss://venue.example');
  constructor(private readonly opts: SocketOptions) {}
  send(text: string): void {
    this.ws.send(text);
  }
  open(): void {
    for (const f of this.opts.subscribe()) this.ws.send(f);
    const ping = this.opts.ping;
    if (ping) this.send(ping.frame());
  }
}

export function sockets(a: Adapter, ids: string[]): void {
  const s = new Socket({ subscribe: () => a.subscribe('BTC-USD'), ping: a.ping ? { intervalMs: 5, frame: a.ping.frame } : undefined });
  const t = new Socket({ subscribe: () => (ids.length > 0 ? [SUBSCRIBE, JSON.stringify({ assets_ids: ids, type: 'market' })] : [SUBSCRIBE]), ping: { intervalMs: 5, frame: () => PING } });
  s.send(updateFrame('subscribe', ids));
  t.send(updateFrame('unsubscribe', ids));
  s.open();
  t.open();
  void venueA;
  void venueB;
}

/** A worker pool's Worker started from a file (src/sweep): allowed; only a code string (`eval: true`) is refused. */
export function sweepWorker(): void {
  new WorkerThread(new URL('./sweepWorker.js', import.meta.url), { workerData: { seed: 1 } });
  void import('node:path');
}
