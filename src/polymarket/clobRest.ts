/**
 * Read-only CLOB REST client: GET /book?token_id=… (a token's full book, used to resync
 * the WebSocket mirror), GET /markets/<condition_id> (a market's tokens with `winner`
 * once resolved) and GET /clob-markets/<condition_id> (whether its taker delay is on). Plain GETs, no keys. Every body is validated with zod; a timeout, an
 * HTTP error or a bad body is a typed failure, never a throw. HTTP 429 blocks every call
 * of this client until the server's Retry-After (or a doubling backoff) has passed, so a
 * burst of resyncs cannot stampede the venue.
 * The bodies' raw and normalized shapes: wire/clobRestMessages.ts.
 */
import { z } from 'zod';
import type { RawTap } from '../net/tap.ts';
import {
  ClobMarketInfoSchema,
  RestBookSchema,
  RestMarketSchema,
  takerDelayMsOf,
  toRestBook,
  type RestBook,
  type RestMarket,
} from './wire/clobRestMessages.ts';
import { CLOB_BODY_MAX_BYTES, httpGet } from '../net/httpBody.ts';
import { backoffDelayMs } from '../net/backoff.ts';

export { RestBookSchema, RestMarketSchema, toRestBook, type RestBook, type RestMarket } from './wire/clobRestMessages.ts';

export type RestResult<T> = { ok: true; value: T } | { ok: false; error: string; status: number | null; retryAfterMs: number | null };

export interface ClobRestOptions {
  baseUrl: string;
  timeoutMs?: number;
  now?: () => number;
  /** First pause after a 429 without Retry-After; doubles on each further 429, capped. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Largest body read; a bigger (or endless) one is cut here and counted as a bad body. */
  bodyMaxBytes?: number;
  /** Sees every response body with its path and status (capture). */
  tap?: RawTap;
}

export interface ClobRestStats {
  requests: number;
  failures: number;
  rateLimited: number;
  badBodies: number;
  blockedUntilMs: number;
  /** The outcome of the latest request: null before any, else its error (or null when it succeeded). */
  lastError: string | null;
  lastOkMs: number | null;
}

export class ClobRest {
  private blockedUntilMs = 0;
  /** 429s since the last good answer: the exponent of the backoff. */
  private rateLimitedInRow = 0;
  private readonly now: () => number;
  readonly stats: ClobRestStats = {
    requests: 0,
    failures: 0,
    rateLimited: 0,
    badBodies: 0,
    blockedUntilMs: 0,
    lastError: null,
    lastOkMs: null,
  };

  constructor(private readonly opts: ClobRestOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds until requests are allowed again (0 = now). */
  waitMs(): number {
    return Math.max(0, this.blockedUntilMs - this.now());
  }

  async book(tokenId: string): Promise<RestResult<RestBook>> {
    const r = await this.getJson(`/book?token_id=${encodeURIComponent(tokenId)}`, RestBookSchema);
    if (!r.ok) return r;
    return { ok: true, value: toRestBook(r.value) };
  }

  async market(conditionId: string): Promise<RestResult<RestMarket>> {
    return this.getJson(`/markets/${encodeURIComponent(conditionId)}`, RestMarketSchema);
  }

  /** A market's taker delay in ms from GET /clob-markets/<condition_id> (wire/clobRestMessages.ts `takerDelayMsOf`). */
  async takerDelayMs(conditionId: string): Promise<RestResult<number>> {
    const r = await this.getJson(`/clob-markets/${encodeURIComponent(conditionId)}`, ClobMarketInfoSchema);
    return r.ok ? { ok: true, value: takerDelayMsOf(r.value) } : r;
  }

  private async getJson<S extends z.ZodType>(path: string, schema: S): Promise<RestResult<z.infer<S>>> {
    const r = await this.request(path, schema);
    if (r.ok) {
      this.stats.lastError = null;
      this.stats.lastOkMs = this.now();
    } else {
      this.stats.lastError = r.error;
    }
    return r;
  }

  private async request<S extends z.ZodType>(path: string, schema: S): Promise<RestResult<z.infer<S>>> {
    const wait = this.waitMs();
    if (wait > 0) return { ok: false, error: 'rate limited (backing off)', status: 429, retryAfterMs: wait };
    this.stats.requests += 1;
    const res = await httpGet(this.opts.baseUrl.replace(/\/$/, '') + path, {
      maxBytes: this.opts.bodyMaxBytes ?? CLOB_BODY_MAX_BYTES,
      timeoutMs: this.opts.timeoutMs ?? 5_000,
      nowMs: this.now,
    });
    if (!res.ok && res.status === 429) return this.onRateLimited(res.retryAfterMs);
    if (!res.ok && res.kind === 'too_large') {
      this.stats.badBodies += 1;
      return { ok: false, error: res.message, status: res.status, retryAfterMs: null };
    }
    if (!res.ok) {
      this.stats.failures += 1;
      return { ok: false, error: res.message, status: res.status, retryAfterMs: null };
    }
    this.rateLimitedInRow = 0;
    this.opts.tap?.('clob_rest', this.now(), res.text, { url: path, status: res.status });
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      this.stats.badBodies += 1;
      return { ok: false, error: 'bad JSON body', status: res.status, retryAfterMs: null };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      this.stats.badBodies += 1;
      return {
        ok: false,
        error: `unexpected body: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        status: res.status,
        retryAfterMs: null,
      };
    }
    return { ok: true, value: parsed.data as z.infer<S> };
  }

  /** Holds every call back for Retry-After, or (without one) a doubling wait from `backoffInitialMs`. */
  private onRateLimited(retryAfterMs: number | null): RestResult<never> {
    this.stats.rateLimited += 1;
    const policy = { initialMs: this.opts.backoffInitialMs ?? 1_000, maxMs: this.opts.backoffMaxMs ?? 60_000, factor: 2, jitter: 0 };
    // No jitter: one client holds its own calls back; a Retry-After of 0 means "use the backoff".
    const backoffMs = backoffDelayMs(this.rateLimitedInRow++, policy, () => 0.5);
    const waitMs = retryAfterMs !== null && retryAfterMs > 0 ? retryAfterMs : backoffMs;
    this.blockedUntilMs = this.now() + waitMs;
    this.stats.blockedUntilMs = this.blockedUntilMs;
    return { ok: false, error: 'HTTP 429', status: 429, retryAfterMs: waitMs };
  }
}
