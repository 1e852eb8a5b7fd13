/**
 * Polymarket Gamma REST client (read-only GETs) and the zod schemas of the Gamma
 * responses discovery reads.
 *
 * Endpoints (docs.polymarket.com/developers/gamma-markets-api/get-markets and
 * docs.polymarket.com/api-reference/events/list-events): `GET /events?slug=…` returns a
 * JSON array of events, each with its full `markets[]`; list filters `active`, `closed`,
 * `limit`, `offset`, `order`, `ascending`; recurring markets are grouped in series
 * (`series[]` on an event, `GET /events?series_id=…`). Rate limits
 * (docs.polymarket.com/api-reference/rate-limits): `/events` 500 req / 10 s — throttled
 * requests may come back as HTTP 429.
 *
 * Gamma quirks (fixtures gamma_market_btc_updown_5m*.json): `outcomes`, `outcomePrices`
 * and `clobTokenIds` are JSON arrays encoded as strings; `eventStartTime` is the window
 * start, `startDate` only the listing time; `endDate` the window end.
 */
import { z } from 'zod';
import type { RawTap } from '../tap.ts';

// ------------------------------------------------------------------ schemas

/** A JSON array of strings encoded inside a JSON string (`"[\"Up\", \"Down\"]"`). */
export const JsonStringArray = z.string().transform((text, ctx) => {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: 'not a JSON-encoded array of strings' });
  return z.NEVER;
});

/** ISO-8601 timestamp → ms since epoch. */
export const IsoMs = z.string().transform((text, ctx) => {
  const ms = Date.parse(text);
  if (Number.isFinite(ms)) return ms;
  ctx.addIssue({ code: 'custom', message: `not a timestamp: ${text}` });
  return z.NEVER;
});

/** Fields that decide whether a market is a candidate at all (checked before full parsing). */
export const GammaMarketFlagsSchema = z.object({
  slug: z.string(),
  question: z.string().optional(),
  active: z.boolean().optional(),
  closed: z.boolean().optional(),
  acceptingOrders: z.boolean().optional(),
  enableOrderBook: z.boolean().optional(),
  conditionId: z.string().optional(),
});

export const GammaFeeScheduleSchema = z.object({
  rate: z.number().finite().nonnegative(),
  exponent: z.number().finite().nonnegative(),
  takerOnly: z.boolean(),
});

export const GammaCryptoConfigSchema = z.object({
  twapEnabled: z.boolean().optional(),
  twapLookbackSeconds: z.number().optional(),
});

/** One Gamma market, as far as discovery needs it (unknown keys are dropped). */
export const GammaMarketSchema = z.object({
  id: z.string().min(1),
  conditionId: z.string().min(1),
  slug: z.string().min(1),
  question: z.string(),
  description: z.string().nullish(),
  resolutionSource: z.string().nullish(),
  outcomes: JsonStringArray,
  clobTokenIds: JsonStringArray,
  eventStartTime: IsoMs.nullish(),
  endDate: IsoMs,
  active: z.boolean(),
  closed: z.boolean(),
  acceptingOrders: z.boolean(),
  enableOrderBook: z.boolean(),
  orderPriceMinTickSize: z.number().finite().positive(),
  orderMinSize: z.number().finite().nonnegative(),
  feesEnabled: z.boolean().nullish(),
  feeType: z.string().nullish(),
  feeSchedule: GammaFeeScheduleSchema.nullish(),
  cryptoMarketConfig: GammaCryptoConfigSchema.nullish(),
});
export type GammaMarket = z.infer<typeof GammaMarketSchema>;

export const GammaSeriesSchema = z.object({
  id: z.string(),
  slug: z.string().nullish(),
  recurrence: z.string().nullish(),
});

/**
 * One Gamma event. `markets` stays unknown[] so one malformed market does not sink its
 * siblings. `eventMetadata.priceToBeat` is filled by Gamma for crypto up/down events
 * some seconds after the window opens (seen in public client code and tests; not in our
 * fixtures), so it is optional and nullable.
 */
export const GammaEventSchema = z.object({
  id: z.string().optional(),
  slug: z.string().optional(),
  title: z.string().optional(),
  startTime: IsoMs.nullish(),
  eventMetadata: z.object({ priceToBeat: z.number().finite().positive().nullish() }).nullish(),
  series: z.array(GammaSeriesSchema).nullish(),
  markets: z.array(z.unknown()).nullish(),
});
export type GammaEvent = z.infer<typeof GammaEventSchema>;

// ------------------------------------------------------------------ client

export interface GammaCounters {
  requests: number;
  errors: number;
  rate_limited: number;
  invalid_markets: number;
  last_success_ms: number | null;
  last_error: string | null;
}

export function newCounters(): GammaCounters {
  return { requests: 0, errors: 0, rate_limited: 0, invalid_markets: 0, last_success_ms: null, last_error: null };
}

export type GammaFailure = 'http' | 'timeout' | 'rate_limited' | 'bad_json' | 'bad_shape' | 'network' | 'aborted';
export type GammaResult = { ok: true; data: unknown[] } | { ok: false; kind: GammaFailure; message: string; retryAfterMs: number | null };

export interface GammaClientOptions {
  baseUrl: string;
  nowMs: () => number;
  /** Per-request deadline. */
  timeoutMs?: number;
  /** Aborts in-flight requests when the owner stops. */
  signal?: AbortSignal;
  counters?: GammaCounters;
  /** Sees every response body with its path and status (capture). */
  tap?: RawTap;
}

const BODY_MAX_CHARS = 20_000_000;
const RETRY_AFTER_MAX_MS = 600_000;

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  if (!Number.isFinite(ms)) return null;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, Math.round(ms)));
}

export class GammaClient {
  readonly counters: GammaCounters;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: GammaClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.counters = opts.counters ?? newCounters();
  }

  /** `GET /events?…` → the array of events, or a classified failure. Never throws. */
  events(params: Record<string, string>): Promise<GammaResult> {
    return this.getArray('/events', params);
  }

  private async getArray(path: string, params: Record<string, string>): Promise<GammaResult> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(params).toString()}`;
    this.counters.requests++;
    const res = await this.fetchText(url);
    if (!res.ok) return this.fail(res.kind, res.message, res.retryAfterMs);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return this.fail('bad_json', `${path}: body is not JSON`, null);
    }
    if (!Array.isArray(body)) return this.fail('bad_shape', `${path}: expected a JSON array`, null);
    this.counters.last_success_ms = this.opts.nowMs();
    return { ok: true, data: body };
  }

  private async fetchText(url: string): Promise<{ ok: true; text: string } | { ok: false; kind: GammaFailure; message: string; retryAfterMs: number | null }> {
    // One controller per request, linked to the deadline and to the owner's stop signal
    // by listeners removed in `finally`: AbortSignal.any() on a long-lived stop signal
    // accumulates dependents in Node 20, which a days-long poll loop must not do.
    const ctl = new AbortController();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const abort = () => ctl.abort();
    timeout.addEventListener('abort', abort);
    this.opts.signal?.addEventListener('abort', abort);
    if (this.opts.signal?.aborted) ctl.abort();
    try {
      const resp = await fetch(url, { signal: ctl.signal, headers: { accept: 'application/json' } });
      if (resp.status === 429) {
        await resp.body?.cancel();
        return { ok: false, kind: 'rate_limited', message: 'HTTP 429', retryAfterMs: parseRetryAfterMs(resp.headers.get('retry-after'), this.opts.nowMs()) };
      }
      if (!resp.ok) {
        await resp.body?.cancel();
        return { ok: false, kind: 'http', message: `HTTP ${resp.status}`, retryAfterMs: parseRetryAfterMs(resp.headers.get('retry-after'), this.opts.nowMs()) };
      }
      const text = await resp.text();
      this.opts.tap?.('gamma', this.opts.nowMs(), text, { url: url.slice(this.baseUrl.length), status: resp.status });
      if (text.length > BODY_MAX_CHARS) return { ok: false, kind: 'bad_shape', message: 'body too large', retryAfterMs: null };
      return { ok: true, text };
    } catch (err) {
      if (this.opts.signal?.aborted) return { ok: false, kind: 'aborted', message: 'stopped', retryAfterMs: null };
      if (timeout.aborted) return { ok: false, kind: 'timeout', message: `timed out after ${this.timeoutMs} ms`, retryAfterMs: null };
      return { ok: false, kind: 'network', message: err instanceof Error ? err.message : String(err), retryAfterMs: null };
    } finally {
      timeout.removeEventListener('abort', abort);
      this.opts.signal?.removeEventListener('abort', abort);
    }
  }

  private fail(kind: GammaFailure, message: string, retryAfterMs: number | null): GammaResult {
    if (kind === 'rate_limited') this.counters.rate_limited++;
    else if (kind !== 'aborted') this.counters.errors++;
    this.counters.last_error = `${kind}: ${message}`;
    return { ok: false, kind, message, retryAfterMs };
  }
}
