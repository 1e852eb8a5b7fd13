/**
 * The page's one WebSocket to the lab: reconnects by itself with capped, jittered
 * exponential backoff, pings now and then (the only message a client may send), and
 * treats a long silence as a dead connection.
 */
// The lab's one backoff: a pure file with no imports, so the page may bundle it (floors test).
import { backoffDelayMs, type BackoffPolicy } from '../../src/net/backoff.ts';

export interface ConnStatus {
  state: 'connecting' | 'open' | 'waiting';
  /** Failed attempts since the last open connection. */
  attempt: number;
  /** When the next attempt starts (Date.now() clock), while waiting. */
  retryAtMs: number | null;
  /** Why the last connection ended, as the server said (close code and reason). */
  lastClose: string | null;
}

export interface ConnHandlers {
  onFrame: (data: string) => void;
  onStatus: (s: ConnStatus) => void;
}

export const BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 5_000, factor: 2, jitter: 0.2 };
const PING_MS = 15_000;
/** The server sends medians several times a second and pongs every ping: this much silence is a dead link. */
const SILENCE_MS = 35_000;

/** Delay before attempt `n` (0-based), with ±jitter. */
export function backoffMs(n: number, rand: () => number = Math.random): number {
  return backoffDelayMs(n, BACKOFF, rand);
}

export class LabConnection {
  private ws: WebSocket | null = null;
  private status: ConnStatus = { state: 'connecting', attempt: 0, retryAtMs: null, lastClose: null };
  private lastFrameMs = 0;
  private readonly pinger: number;

  constructor(
    private readonly url: string,
    private readonly h: ConnHandlers,
  ) {
    this.pinger = window.setInterval(() => this.keepAlive(), PING_MS / 3);
    this.open();
  }

  private open(): void {
    this.set({ state: 'connecting', retryAtMs: null });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.lastFrameMs = Date.now();
      this.set({ state: 'open', attempt: 0, lastClose: null });
    };
    ws.onmessage = (ev: MessageEvent) => {
      this.lastFrameMs = Date.now();
      if (typeof ev.data === 'string') this.h.onFrame(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const why = ev.code === 1006 ? 'connection lost' : `${ev.code}${ev.reason ? ` ${ev.reason}` : ''}`;
      this.retry(why);
    };
  }

  private retry(why: string): void {
    const wait = backoffMs(this.status.attempt);
    this.set({ state: 'waiting', attempt: this.status.attempt + 1, retryAtMs: Date.now() + wait, lastClose: why });
    window.setTimeout(() => this.open(), wait);
  }

  private keepAlive(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastFrameMs > SILENCE_MS) {
      // Half-open TCP: close handlers run, and the retry starts from here.
      ws.onclose = null;
      ws.close();
      this.ws = null;
      this.retry('no data for 35 s');
      return;
    }
    if (Date.now() - this.lastFrameMs > PING_MS) ws.send('{"op":"ping"}');
  }

  private set(patch: Partial<ConnStatus>): void {
    this.status = { ...this.status, ...patch };
    this.h.onStatus(this.status);
  }

  close(): void {
    window.clearInterval(this.pinger);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
  }
}
