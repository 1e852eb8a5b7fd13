/**
 * WebSocket fan-out. The engine's sink only stores or queues (O(1)); sockets are written
 * later, off the engine's call stack:
 * - `btc_median` and `quote` are coalesced: only the latest median and the latest quote
 *   per token are kept, and flushed to every client at most `maxRateHz` times a second.
 *   The coalescing state is shared by all clients because they all subscribe to the same
 *   stream, so each event is serialized once, not once per client.
 * - every other forwarded event (fills, rejects, settlements, ...) is never dropped or
 *   merged: it is queued and written to every client within `flushMs`.
 * - a client whose unsent bytes exceed `maxBufferBytes` is closed with 1008 "slow
 *   consumer" and never written again, so it cannot slow the engine or other clients.
 *
 * Why frames are encoded here and not by `ws.send`: the bench (bench/api.bench.ts)
 * measured per-client `ws.send` of each event — a frame header and two stream writes per
 * event per client — eating ~88% of the engine's thread at 100 clients. Encoding a batch
 * once into one Buffer of complete RFC 6455 frames and handing that same Buffer to every
 * socket makes the cost one write per client per batch. It is safe because the server
 * negotiates no extension (perMessageDeflate off), so `ws` keeps no frame queue of its
 * own: every write, ours or its control frames, is a whole frame.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { OutputEvent } from '../core/outputs.ts';
import type { ApiMetrics } from './metrics.ts';
import { WsClientMessageSchema, type WsSnapshot } from '../core/wire.ts';

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
  /**
   * Exact events wait at most about this long, so each client gets a few writes a second
   * rather than one per event (each loopback write costs tens of microseconds of the
   * engine's thread; see bench/api.bench.ts).
   */
  flushMs?: number;
  nowMs?: () => number;
  onDrop?: (reason: string, clientId: number) => void;
  /** Clients at once; one more is closed with 1013 "too many clients" (default: no limit). */
  maxClients?: number;
  /** Messages a client may send in one second; one more closes it with 1008 (default: no limit). */
  clientMsgsPerS?: number;
}

/** The live stream. `position`, `market_discovered` and `run_stopped` ride along for the dashboard. */
const FORWARDED = new Set<OutputEvent['event_type']>([
  'run_started',
  'signal',
  'paper_intent',
  'paper_fill',
  'risk_reject',
  'settlement',
  'pnl',
  'feed_health',
  'position',
  'market_discovered',
  'run_stopped',
]);

interface Client {
  id: number;
  ws: WebSocket;
  socket: Socket;
  frames: number;
  /** Start of the client's current one-second message window, and its messages in it. */
  windowStartMs: number;
  windowMsgs: number;
}

/** Header size of an unmasked frame for a payload of n bytes (RFC 6455 §5.2). */
const headerBytes = (n: number) => (n < 126 ? 2 : n < 65_536 ? 4 : 10);

/**
 * Encodes payloads as consecutive unmasked, final text frames (RFC 6455 §5.2: a server
 * never masks) into one Buffer, allocated once.
 */
export function encodeTextFrames(payloads: Buffer[]): Buffer {
  let total = 0;
  for (const p of payloads) total += headerBytes(p.length) + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    const n = p.length;
    out[at] = 0x81; // FIN + opcode 1 (text)
    if (n < 126) out[at + 1] = n;
    else if (n < 65_536) {
      out[at + 1] = 126;
      out.writeUInt16BE(n, at + 2);
    } else {
      out[at + 1] = 127;
      out.writeBigUInt64BE(BigInt(n), at + 2);
    }
    at += headerBytes(n);
    at += p.copy(out, at);
  }
  return out;
}

export const CLOSE_POLICY = 1008;
export const CLOSE_UNSUPPORTED = 1003;
export const CLOSE_INVALID = 1007;
export const CLOSE_GOING_AWAY = 1001;
/** RFC 6455 §7.4.1 / IANA registry: "Try Again Later". */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const REASON_TOO_MANY_CLIENTS = 'too many clients';
export const REASON_TOO_MANY_MESSAGES = 'too many messages';

export class WsHub {
  private readonly clients = new Set<Client>();
  private nextId = 1;
  private latestMedian: OutputEvent | null = null;
  private readonly latestQuotes = new Map<string, OutputEvent>();
  private queue: Buffer[] = [];
  private readonly ticker: NodeJS.Timeout;
  /** Every `coalesceEvery`-th tick also carries the coalesced medians and quotes. */
  private readonly coalesceEvery: number;
  private ticks = 0;
  private readonly now: () => number;
  framesSent = 0;

  constructor(private readonly opts: WsHubOptions) {
    this.now = opts.nowMs ?? Date.now;
    // One timer drives both kinds of flush so each client gets at most one write per tick:
    // the tick divides the coalescing period exactly, keeping that rate exact.
    const coalesceMs = 1000 / opts.maxRateHz;
    this.coalesceEvery = Math.max(1, Math.ceil(coalesceMs / (opts.flushMs ?? 100)));
    this.ticker = setInterval(() => this.tick(), Math.max(1, coalesceMs / this.coalesceEvery));
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
    else if (FORWARDED.has(e.event_type)) {
      this.queue.push(Buffer.from(JSON.stringify(e)));
      // A long synchronous burst (replay at full speed) must not grow the queue without bound.
      if (this.queue.length >= (this.opts.maxQueuedFrames ?? 1024)) this.flush(false);
    }
  };

  private tick(): void {
    this.ticks += 1;
    this.flush(this.ticks % this.coalesceEvery === 0);
  }

  /** Exact events first, so a client never sees a quote newer than a fill it has not got yet. */
  private flush(withCoalesced: boolean): void {
    const payloads = this.queue;
    this.queue = [];
    if (withCoalesced) {
      if (this.latestMedian) payloads.push(Buffer.from(JSON.stringify(this.latestMedian)));
      for (const q of this.latestQuotes.values()) payloads.push(Buffer.from(JSON.stringify(q)));
      this.latestMedian = null;
      this.latestQuotes.clear();
    }
    if (payloads.length > 0) this.sendAll(payloads);
  }

  private sendAll(payloads: Buffer[]): void {
    if (this.clients.size === 0) return;
    const batch = encodeTextFrames(payloads);
    let sent = 0;
    for (const c of this.clients) {
      if (c.ws.readyState !== c.ws.OPEN || c.socket.destroyed) continue;
      if (c.ws.bufferedAmount > this.opts.maxBufferBytes) {
        this.drop(c, CLOSE_POLICY, 'slow consumer');
        continue;
      }
      c.socket.write(batch);
      c.frames += payloads.length;
      sent += payloads.length;
    }
    this.framesSent += sent;
    this.opts.metrics?.wsFrames.inc(sent);
  }

  /** Registers an upgraded socket, sends the `connected` snapshot and guards client input. */
  add(ws: WebSocket, socket: Socket): void {
    const c: Client = { id: this.nextId++, ws, socket, frames: 0, windowStartMs: this.now(), windowMsgs: 0 };
    if (this.clients.size >= (this.opts.maxClients ?? Infinity)) {
      // Counted like any other server-side close; the client never gets a snapshot.
      this.opts.metrics?.wsDisconnects.inc({ reason: REASON_TOO_MANY_CLIENTS });
      this.opts.onDrop?.(REASON_TOO_MANY_CLIENTS, c.id);
      ws.close(CLOSE_TRY_AGAIN_LATER, REASON_TOO_MANY_CLIENTS);
      setTimeout(() => ws.terminate(), this.opts.closeGraceMs ?? 5_000).unref();
      return;
    }
    // Events still queued are already in the snapshot: send them to the others first, so the newcomer gets each event once.
    this.flush(false);
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
    // A dropped client's frames still in flight are not answered.
    if (!this.clients.has(c)) return;
    if (this.overRate(c)) return this.drop(c, CLOSE_POLICY, REASON_TOO_MANY_MESSAGES, 1_000);
    if (isBinary || !Buffer.isBuffer(data)) return this.drop(c, CLOSE_UNSUPPORTED, 'binary messages are not accepted');
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      return this.drop(c, CLOSE_INVALID, 'malformed client message: not JSON');
    }
    if (!WsClientMessageSchema.safeParse(parsed).success)
      return this.drop(c, CLOSE_INVALID, 'malformed client message: expected {"op":"ping"}');
    c.ws.send(JSON.stringify({ event_type: 'pong', ts_unix_ms: this.now() }));
  }

  /** Fixed one-second windows: checked before any parsing, so a flood costs a counter per frame. */
  private overRate(c: Client): boolean {
    const limit = this.opts.clientMsgsPerS;
    if (limit === undefined) return false;
    const now = this.now();
    if (now - c.windowStartMs >= 1000) {
      c.windowStartMs = now;
      c.windowMsgs = 0;
    }
    c.windowMsgs += 1;
    return c.windowMsgs > limit;
  }

  /** Closes one client with a reason; it is never written again, and is cut hard if it will not finish closing. */
  private drop(c: Client, code: number, reason: string, graceMs = this.opts.closeGraceMs ?? 5_000): void {
    if (!this.clients.has(c)) return;
    this.forget(c);
    this.opts.metrics?.wsDisconnects.inc({ reason });
    this.opts.onDrop?.(reason, c.id);
    c.ws.close(code, reason);
    const t = setTimeout(() => c.ws.terminate(), graceMs);
    t.unref();
    c.ws.once('close', () => clearTimeout(t));
  }

  private forget(c: Client): void {
    if (this.clients.delete(c)) this.opts.metrics?.wsClients.set(this.clients.size);
  }

  /**
   * Flushes what is queued (the run's last `pnl` and `run_stopped` included) and the latest
   * median and quotes, then closes every client with 1001: the close frame follows the
   * flushed frames on the same socket, so a client reads them all before it learns why.
   */
  close(): void {
    clearInterval(this.ticker);
    this.flush(true);
    for (const c of [...this.clients]) {
      this.forget(c);
      c.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      setTimeout(() => c.ws.terminate(), Math.min(this.opts.closeGraceMs ?? 1_000, 1_000)).unref();
    }
  }
}
