/**
 * WebSocket fan-out. The engine's sink only stores or queues (O(1)); sockets are written
 * later, off the engine's call stack:
 * - `btc_median` and `quote` are coalesced: only the latest median and the latest quote
 *   per token are kept, and flushed to every client at most `maxRateHz` times a second.
 *   The coalescing state is shared by all clients because they all subscribe to the same
 *   stream, so each event is serialized once, not once per client.
 * - every other forwarded event (fills, rejects, settlements, ...) is never dropped or
 *   merged: it is serialized once and queued, and the queue is written to each client
 *   in one corked batch on the next turn of the event loop.
 * - a client whose unsent bytes exceed `maxBufferBytes` is closed with 1008 "slow
 *   consumer" and never written again, so it cannot slow the engine or other clients.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { OutputEvent } from '../core/outputs.ts';
import type { ApiMetrics } from './metrics.ts';
import { WsClientMessageSchema, type WsSnapshot } from './schemas.ts';

export interface WsHubOptions {
  /** Upper bound on coalesced (median, quote) flushes per second per client. */
  maxRateHz: number;
  /** Unsent bytes a client may accumulate before it is disconnected. */
  maxBufferBytes: number;
  snapshot: () => WsSnapshot;
  metrics?: ApiMetrics;
  /** How long a closed slow client may take to finish the close handshake. */
  closeGraceMs?: number;
  /** Queued frames that force a synchronous flush (bounds memory inside long bursts). */
  maxQueuedFrames?: number;
  nowMs?: () => number;
  onDrop?: (reason: string, clientId: number) => void;
}

/** The live stream. `position`, `market_discovered` and `run_stopped` ride along for the dashboard. */
const FORWARDED = new Set<OutputEvent['event_type']>([
  'run_started', 'signal', 'paper_intent', 'paper_fill', 'risk_reject', 'settlement', 'pnl', 'feed_health',
  'position', 'market_discovered', 'run_stopped',
]);

interface Client { id: number; ws: WebSocket; socket: Socket | null; frames: number }

export const CLOSE_POLICY = 1008;
export const CLOSE_UNSUPPORTED = 1003;
export const CLOSE_INVALID = 1007;
export const CLOSE_GOING_AWAY = 1001;

export class WsHub {
  private readonly clients = new Set<Client>();
  private nextId = 1;
  private latestMedian: OutputEvent | null = null;
  private readonly latestQuotes = new Map<string, OutputEvent>();
  private queue: Buffer[] = [];
  private flushScheduled = false;
  private readonly ticker: NodeJS.Timeout;
  private readonly now: () => number;
  framesSent = 0;

  constructor(private readonly opts: WsHubOptions) {
    this.now = opts.nowMs ?? Date.now;
    this.ticker = setInterval(() => this.flushCoalesced(), Math.max(1, Math.round(1000 / opts.maxRateHz)));
    this.ticker.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The engine-facing sink. Never touches a socket. */
  readonly publish = (e: OutputEvent): void => {
    if (this.clients.size === 0) return;
    if (e.event_type === 'btc_median') this.latestMedian = e;
    else if (e.event_type === 'quote') this.latestQuotes.set(e.token_id, e);
    else if (FORWARDED.has(e.event_type)) this.enqueue(Buffer.from(JSON.stringify(e)));
  };

  private enqueue(frame: Buffer): void {
    this.queue.push(frame);
    if (this.queue.length >= (this.opts.maxQueuedFrames ?? 1024)) this.flushQueue();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushQueue());
    }
  }

  private flushQueue(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const frames = this.queue;
    this.queue = [];
    this.sendAll(frames);
  }

  private flushCoalesced(): void {
    if (this.clients.size === 0 || (this.latestMedian === null && this.latestQuotes.size === 0)) return;
    // Queued exact events go first so a client never sees a quote newer than a fill it has not got yet.
    this.flushQueue();
    const frames: Buffer[] = [];
    if (this.latestMedian) frames.push(Buffer.from(JSON.stringify(this.latestMedian)));
    for (const q of this.latestQuotes.values()) frames.push(Buffer.from(JSON.stringify(q)));
    this.latestMedian = null;
    this.latestQuotes.clear();
    this.sendAll(frames);
  }

  private sendAll(frames: Buffer[]): void {
    for (const c of this.clients) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (c.ws.bufferedAmount > this.opts.maxBufferBytes) {
        this.drop(c, CLOSE_POLICY, 'slow consumer');
        continue;
      }
      // One corked batch per client: the frames leave in a single writev, not one syscall each.
      c.socket?.cork();
      for (const f of frames) c.ws.send(f, { binary: false });
      c.socket?.uncork();
      c.frames += frames.length;
    }
    const sent = frames.length * this.clients.size;
    this.framesSent += sent;
    this.opts.metrics?.wsFrames.inc(sent);
  }

  /** Registers an upgraded socket, sends the `connected` snapshot and guards client input. */
  add(ws: WebSocket, socket: Socket | null): void {
    const c: Client = { id: this.nextId++, ws, socket, frames: 0 };
    this.clients.add(c);
    this.opts.metrics?.wsClients.set(this.clients.size);
    ws.on('close', () => this.forget(c));
    // ws emits 'error' (then closes) on oversized or broken frames; that ends this client only.
    ws.on('error', () => this.forget(c));
    ws.on('message', (data, isBinary) => this.onClientMessage(c, data, isBinary));
    ws.send(JSON.stringify({ event_type: 'connected', snapshot: this.opts.snapshot(), ts_unix_ms: this.now() }));
    c.frames += 1;
  }

  private onClientMessage(c: Client, data: unknown, isBinary: boolean): void {
    if (isBinary || !Buffer.isBuffer(data)) return this.drop(c, CLOSE_UNSUPPORTED, 'binary messages are not accepted');
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      return this.drop(c, CLOSE_INVALID, 'malformed client message: not JSON');
    }
    if (!WsClientMessageSchema.safeParse(parsed).success) return this.drop(c, CLOSE_INVALID, 'malformed client message: expected {"op":"ping"}');
    c.ws.send(JSON.stringify({ event_type: 'pong', ts_unix_ms: this.now() }));
  }

  /** Closes one client with a reason; it is never written again, and is cut hard if it will not finish closing. */
  private drop(c: Client, code: number, reason: string): void {
    if (!this.clients.has(c)) return;
    this.forget(c);
    this.opts.metrics?.wsDisconnects.inc({ reason });
    this.opts.onDrop?.(reason, c.id);
    c.ws.close(code, reason);
    const t = setTimeout(() => c.ws.terminate(), this.opts.closeGraceMs ?? 5_000);
    t.unref();
    c.ws.once('close', () => clearTimeout(t));
  }

  private forget(c: Client): void {
    if (this.clients.delete(c)) this.opts.metrics?.wsClients.set(this.clients.size);
  }

  close(): void {
    clearInterval(this.ticker);
    for (const c of [...this.clients]) {
      this.forget(c);
      c.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      setTimeout(() => c.ws.terminate(), 1_000).unref();
    }
  }
}
