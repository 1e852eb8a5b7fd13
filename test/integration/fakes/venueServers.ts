/**
 * One fake WebSocket server per venue on 127.0.0.1, speaking that venue's subscribe / ack /
 * refusal / ping protocol (./venueProtocols.ts), with the controls the feed tests need:
 * send trades, send raw frames (garbage), close mid-stream, go silent, refuse
 * subscriptions. Servers bind port 0 and are closed by the tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { VenueName } from '../../../src/app/config.ts';
import { PROTOCOLS, type ConnState, type FakeTrade } from './venueProtocols.ts';

export type { FakeTrade } from './venueProtocols.ts';

export interface FakeVenueOptions {
  /** Interval of unasked server heartbeats for venues that send them (Coinbase, Kraken). */
  heartbeatMs?: number;
  /** Refuse every subscription from the start. */
  reject?: boolean;
  /** Answer client frames (acks, refusals, pongs) this many ms late. */
  replyDelayMs?: number;
}

interface Conn extends ConnState {
  ws: WebSocket;
  silent: boolean;
}

export class FakeVenue {
  readonly received: string[] = [];
  connections = 0;
  subscriptions = 0;
  reject: boolean;
  /** While set, every WebSocket upgrade is answered with this HTTP status and body (a venue down, or geo-blocking). */
  refuseUpgrades: { status: number; body: string } | null = null;
  /** Every HTTP request (method and path), upgrades included, refused or not: a read-only client only ever sends GET. */
  readonly httpRequests: { method: string; url: string }[] = [];
  private readonly conns = new Set<Conn>();
  private readonly protocol;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly http = createServer();
  private readonly wss = new WebSocketServer({ noServer: true });
  url = '';

  constructor(
    readonly venue: VenueName,
    private readonly opts: FakeVenueOptions = {},
  ) {
    this.protocol = PROTOCOLS[venue];
    this.reject = opts.reject ?? false;
    // A plain HTTP request is recorded and refused: this server only speaks WebSocket.
    this.http.on('request', (req, res) => {
      this.httpRequests.push({ method: req.method ?? '', url: req.url ?? '' });
      res.writeHead(req.method === 'GET' ? 426 : 405).end();
    });
    this.http.on('upgrade', (req, socket, head) => {
      this.httpRequests.push({ method: req.method ?? '', url: req.url ?? '' });
      const refuse = this.refuseUpgrades;
      if (refuse) {
        socket.end(
          `HTTP/1.1 ${refuse.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(refuse.body)}\r\nConnection: close\r\n\r\n${refuse.body}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? '/'));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    const { port } = this.http.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}${this.venue === 'binance' ? '/ws' : ''}`;
    const hb = this.protocol.heartbeat;
    if (hb) {
      this.heartbeat = setInterval(() => {
        for (const c of this.live()) c.ws.send(hb(c));
      }, this.opts.heartbeatMs ?? 100);
    }
    return this;
  }

  /** Subscribed, non-silent connections. */
  private live(): Conn[] {
    return [...this.conns].filter((c) => c.subscribed && !c.silent && c.ws.readyState === c.ws.OPEN);
  }

  get subscribedConnections(): number {
    return [...this.conns].filter((c) => c.subscribed).length;
  }

  private onConnection(ws: WebSocket, path: string): void {
    this.connections += 1;
    const conn: Conn = { ws, topics: [], combined: false, subscribed: false, lastTradeId: 0, silent: false };
    this.conns.add(conn);
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => undefined);
    for (const f of this.protocol.onConnect?.(path, conn) ?? []) ws.send(f);
    ws.on('message', (data) => {
      const text = data.toString();
      this.received.push(text);
      if (conn.silent) return;
      const reply = this.protocol.onClientFrame(text, this.reject);
      if (!reply) return;
      if (reply.subscribe) {
        this.subscriptions += 1;
        conn.topics = reply.subscribe;
        conn.subscribed = true;
      }
      const send = () => {
        for (const f of reply.frames) if (ws.readyState === ws.OPEN) ws.send(f);
      };
      if (this.opts.replyDelayMs) setTimeout(send, this.opts.replyDelayMs);
      else send();
    });
  }

  /** Sends one trade to every subscribed connection; returns how many frames went out. */
  sendTrade(t: FakeTrade): number {
    const full: Required<FakeTrade> = { qty: 0.01, tsMs: Date.now(), side: 'buy', ...t };
    let sent = 0;
    for (const c of this.live()) {
      c.lastTradeId = Math.max(c.lastTradeId, t.id);
      for (const f of this.protocol.trade(full, c)) {
        c.ws.send(f);
        sent += 1;
      }
    }
    return sent;
  }

  /** Sends raw text (garbage, control frames) to every open connection. */
  sendRaw(text: string): void {
    for (const c of this.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  /** Closes every current connection as a server restart would. */
  closeAll(code = 1011, reason = 'restart'): void {
    for (const c of this.conns) c.ws.close(code, reason);
  }

  /** The current connections stop talking (no heartbeats, replies or trades); new ones are normal. */
  silence(): void {
    for (const c of this.conns) c.silent = true;
  }

  /** A fixed part of the venue's refusal text. */
  get rejectHint(): string {
    return this.protocol.rejectHint;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

export function startFakeVenue(venue: VenueName, opts?: FakeVenueOptions): Promise<FakeVenue> {
  return new FakeVenue(venue, opts).listen();
}

/** A URL on which nothing listens (a port that was just bound and released). */
export async function closedPortUrl(): Promise<string> {
  const http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  await new Promise<void>((r) => http.close(() => r()));
  return `ws://127.0.0.1:${port}`;
}

/** Frames no venue parser can accept: broken JSON of several kinds. */
export const GARBAGE_FRAMES = ['{"oops":', 'not json at all', '\u0000\u0001\u0002', '{"price": 1,,}'];
