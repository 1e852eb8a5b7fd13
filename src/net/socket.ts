/**
 * One resilient WebSocket client shared by every feed (venues, Polymarket market channel,
 * real-time data socket). It owns everything a socket can do wrong, once:
 * connect timeout, subscribe on every (re)connect, subscription acknowledgement (and a
 * venue's refusal surfaced as an error), application-level pings, a staleness watchdog
 * (no message for N ms → reconnect), exponential backoff with jitter and a cap, refused
 * upgrades told apart — HTTP 429 is `rate_limited` (backs off harder, at least Retry-After),
 * HTTP 451/403 is `blocked` (the venue refuses where we connect from: retried only every
 * `blockedRetryMs`, minutes) — bounded inbound frames and outbound buffer, and a clean
 * shutdown. What a frame *means* is the caller's business: `onFrame` returns what
 * the socket needs to know (ack, refusal, a reply to send).
 */
import WebSocket from 'ws';
import type { FeedState } from '../core/events.ts';
import { socketHealth, type SocketHealth, type SocketStats } from './health.ts';
import { describeError } from './errors.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import { parseRetryAfterMs } from './retryAfter.ts';
import { BLOCKED_STATUSES, DEFAULT_BLOCKED_RETRY_MS, readSmall, REFUSAL_BODY_MAX, refusalText } from './refusal.ts';

export interface FrameVerdict {
  /** The frame acknowledged our subscription. */
  ack?: boolean;
  /** The venue refused our subscription (or sent a fatal error): reconnect with backoff. */
  refused?: string;
  /** A frame to send back (e.g. a pong to the venue's ping). */
  reply?: string;
  /** The frame carried market data (counts for liveness when no ack is expected). */
  data?: boolean;
  /** The venue asked us to reconnect (e.g. Bitstamp `bts:request_reconnect`): the reason. */
  reconnect?: string;
}

/** The socket's retry policy (the one backoff of net/backoff.ts; kept under its old name). */
export type BackoffOptions = BackoffPolicy;

export interface ResilientSocketOptions {
  name: string;
  url: string;
  /** Frames sent after every successful connect. */
  subscribe: () => string[];
  acksSubscription: boolean;
  ping?: { intervalMs: number; frame: () => string };
  staleAfterMs: number;
  ackTimeoutMs?: number;
  connectTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Largest inbound frame accepted; larger ones close the connection (ws maxPayload). */
  maxFrameBytes?: number;
  /** Outbound bytes allowed to queue before the connection is considered stuck. */
  maxSendBufferBytes?: number;
  /** How long a connection must stay live before the backoff resets. */
  stableAfterMs?: number;
  /** Wait before retrying after HTTP 451/403 on the upgrade (default 5 min, ±20 % jitter). */
  blockedRetryMs?: number;
  onFrame: (text: string, recvMs: number) => FrameVerdict | void;
  /** Sees every text frame as received, before `onFrame` (capture). */
  tap?: (text: string, recvMs: number) => void;
  onState?: (state: FeedState, reason: string | null) => void;
  /** Called when a new connection opens (after the first), e.g. to resync books. */
  onReconnect?: () => void;
  now?: () => number;
  random?: () => number;
}

export { socketHealth, type SocketHealth, type SocketStats } from './health.ts';

/** What failing a connection means: the state shown while waiting and, if fixed, the wait. */
interface FailHow {
  state?: 'down' | 'stale' | 'blocked' | 'rate_limited';
  delayMs?: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 };

/** Re-exported so existing callers keep one import for the socket and its delay. */
export { backoffDelayMs };

export class ResilientSocket {
  private ws: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private acked = false;
  private openedAtMs = 0;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private pinger: NodeJS.Timeout | null = null;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  readonly stats: SocketStats = {
    state: 'down',
    reason: 'not started',
    messages: 0,
    reconnects: 0,
    connects: 0,
    refusals: 0,
    lastMessageMs: null,
    lastConnectMs: null,
    lastError: null,
    nextRetryMs: null,
    refusedStatus: null,
  };

  constructor(private readonly opts: ResilientSocketOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** The socket's health as it flows into `venue_status` (see `socketHealth`). */
  health(nowMs: number = this.now()): SocketHealth {
    return socketHealth(this.stats, nowMs);
  }

  start(): void {
    if (this.stopped || this.ws) return;
    this.connect();
  }

  /** Sends a frame if the connection is open and its send buffer is not backed up. */
  send(text: string): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > (this.opts.maxSendBufferBytes ?? 1 << 20)) {
      this.fail('send buffer full');
      return false;
    }
    ws.send(text);
    return true;
  }

  /**
   * Drops the current connection and reconnects with backoff — for a caller that knows
   * the stream is stuck although frames (e.g. pongs) still arrive.
   */
  reconnect(reason: string, state: 'down' | 'stale' = 'down'): void {
    if (this.stopped || this.ws?.readyState !== WebSocket.OPEN) return;
    this.fail(reason, { state });
  }

  /** Stops for good: no more reconnects; resolves when the socket is closed. */
  async close(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    this.setState('down', 'stopped');
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000);
      ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client shutdown');
    });
  }

  private connect(): void {
    this.retryTimer = null;
    this.stats.nextRetryMs = null;
    this.acked = false;
    if (this.attempts++ > 0) this.stats.reconnects += 1;
    this.setState('connecting', this.stats.lastError);
    const ws = new WebSocket(this.opts.url, {
      handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000,
      maxPayload: this.opts.maxFrameBytes ?? 8 << 20,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('unexpected-response', (_req, res) => {
      const code = res.statusCode ?? 0;
      const retryAfter = res.headers['retry-after'];
      void readSmall(res, REFUSAL_BODY_MAX).then((body) => {
        if (this.ws === ws) this.onRefusedUpgrade(code, body, typeof retryAfter === 'string' ? retryAfter : null);
      });
    });
    ws.on('error', (err) => {
      if (this.ws === ws) this.fail(describeError(err));
    });
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.fail(`closed by server (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
    });
  }

  /**
   * The server answered the upgrade with an HTTP status instead of switching protocols:
   * 429 → `rate_limited` (at least Retry-After, backoff as after four failures); 451/403 →
   * `blocked`, retried rarely (a region refusal does not go away in seconds); else `down`.
   */
  private onRefusedUpgrade(code: number, body: string, retryAfter: string | null): void {
    this.stats.refusedStatus = code;
    const detail = refusalText(body);
    if (BLOCKED_STATUSES.includes(code)) {
      const base = this.opts.blockedRetryMs ?? DEFAULT_BLOCKED_RETRY_MS;
      // A fixed wait, ±20 % so a fleet of labs does not come back in step.
      const delayMs = backoffDelayMs(0, { initialMs: base, maxMs: base, factor: 1, jitter: 0.2 }, this.random);
      return this.fail(`HTTP ${code} on connect${detail ? `: ${detail}` : ''}`, { state: 'blocked', delayMs });
    }
    if (code === 429) {
      this.attempt = Math.max(this.attempt, 4);
      const afterMs = parseRetryAfterMs(retryAfter, this.now());
      const delayMs = Math.max(backoffDelayMs(this.attempt++, this.backoff, this.random), afterMs ?? 0);
      const said = afterMs !== null ? ` (Retry-After ${Math.round(afterMs / 1_000)} s)` : '';
      return this.fail(`HTTP 429 on connect${said}`, { state: 'rate_limited', delayMs });
    }
    this.fail(`HTTP ${code} on connect`);
  }

  private onOpen(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.stats.connects += 1;
    this.stats.refusedStatus = null;
    this.openedAtMs = this.now();
    this.stats.lastMessageMs = this.openedAtMs;
    this.stats.lastConnectMs = this.openedAtMs;
    for (const frame of this.opts.subscribe()) ws.send(frame);
    if (!this.opts.acksSubscription) this.acked = true;
    this.startTimers();
    if (this.stats.connects > 1) this.opts.onReconnect?.();
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ws !== ws) return;
    const recvMs = this.now();
    this.stats.messages += 1;
    this.stats.lastMessageMs = recvMs;
    const text = isBinary || !Array.isArray(data) ? data.toString() : Buffer.concat(data).toString();
    let verdict: FrameVerdict | void;
    try {
      this.opts.tap?.(text, recvMs);
      verdict = this.opts.onFrame(text, recvMs);
    } catch (err) {
      // A handler bug must not take the feed down; it is reported like any bad frame.
      this.stats.lastError = `frame handler threw: ${describeError(err)}`;
      return;
    }
    if (!verdict) return;
    if (verdict.reply !== undefined) this.send(verdict.reply);
    if (verdict.reconnect !== undefined) return this.fail(`venue requested reconnect: ${verdict.reconnect}`);
    if (verdict.refused !== undefined) {
      this.stats.refusals += 1;
      return this.fail(`subscription refused: ${verdict.refused}`);
    }
    if (verdict.ack) this.acked = true;
    if (this.acked && (verdict.ack || verdict.data) && this.stats.state !== 'live') this.setState('live', null);
    if (this.stats.state === 'stale' && this.acked) this.setState('live', null);
  }

  private startTimers(): void {
    this.clearTimers();
    const tickMs = Math.max(50, Math.min(1_000, Math.floor(this.opts.staleAfterMs / 4)));
    this.watchdog = setInterval(() => this.checkHealth(), tickMs);
    if (this.opts.ping) {
      const ping = this.opts.ping;
      this.pinger = setInterval(() => this.send(ping.frame()), ping.intervalMs);
    }
  }

  private checkHealth(): void {
    const now = this.now();
    const silentMs = now - (this.stats.lastMessageMs ?? this.openedAtMs);
    const ackTimeout = this.opts.ackTimeoutMs ?? 10_000;
    if (!this.acked && now - this.openedAtMs > ackTimeout) {
      return this.fail(`no subscription acknowledgement within ${ackTimeout} ms`);
    }
    if (silentMs > this.opts.staleAfterMs) {
      this.setState('stale', `no message for ${silentMs} ms`);
      return this.fail(`stale: no message for ${silentMs} ms`);
    }
    if (this.stats.state === 'live' && now - this.openedAtMs > (this.opts.stableAfterMs ?? 30_000)) this.attempt = 0;
  }

  /** Tears the current connection down and schedules a retry with backoff (or `how.delayMs`). */
  private fail(reason: string, how: FailHow = {}): void {
    const ws = this.ws;
    if (!ws && this.retryTimer) return;
    this.ws = null;
    this.clearTimers();
    if (ws) {
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      ws.terminate();
    }
    this.stats.lastError = reason;
    if (this.stopped) return;
    const delay = how.delayMs ?? backoffDelayMs(this.attempt++, this.backoff, this.random);
    this.stats.nextRetryMs = this.now() + delay;
    this.setState(how.state ?? 'down', reason);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private clearTimers(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.pinger) clearInterval(this.pinger);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watchdog = this.pinger = this.retryTimer = null;
  }

  private setState(state: FeedState, reason: string | null): void {
    if (this.stats.state === state && this.stats.reason === reason) return;
    this.stats.state = state;
    this.stats.reason = reason;
    this.opts.onState?.(state, reason);
  }
}
