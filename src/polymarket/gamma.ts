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
 * Response schemas: gammaSchemas.ts.
 */
import { GAMMA_BODY_MAX_BYTES, httpGet } from '../net/httpBody.ts';
import { parseRetryAfterMs } from '../net/retryAfter.ts';
import type { RawTap } from '../net/tap.ts';

export * from './wire/gammaSchemas.ts';

// ------------------------------------------------------------------ client

export interface GammaCounters {
  requests: number;
  errors: number;
  rate_limited: number;
  /** Distinct BTC up/down markets rejected (each counted once), and by reason code. */
  invalid_markets: number;
  rejected_by: Record<string, number>;
  /** Distinct optional fields dropped as malformed (the market or event kept without them). */
  optional_dropped: number;
  /** Distinct markets read from Protocol V2 `positionIds`. */
  v2_markets: number;
  /** Bodies cut at the byte cap. */
  too_large: number;
  /** Times `/events/keyset` did not answer as documented and the legacy `/events` was used. */
  keyset_fallbacks: number;
  last_rejected: string | null;
  last_success_ms: number | null;
  last_error: string | null;
}

export function newCounters(): GammaCounters {
  return {
    requests: 0,
    errors: 0,
    rate_limited: 0,
    invalid_markets: 0,
    rejected_by: {},
    optional_dropped: 0,
    v2_markets: 0,
    too_large: 0,
    keyset_fallbacks: 0,
    last_rejected: null,
    last_success_ms: null,
    last_error: null,
  };
}

/** Keys remembered for `firstSighting` (bounded: the oldest are forgotten). */
const SEEN_MAX = 4_096;

export type GammaFailure = 'http' | 'timeout' | 'rate_limited' | 'bad_json' | 'bad_shape' | 'too_large' | 'network' | 'aborted';
export type GammaResult = { ok: true; data: unknown[] } | { ok: false; kind: GammaFailure; message: string; retryAfterMs: number | null };

export interface GammaClientOptions {
  baseUrl: string;
  nowMs: () => number;
  /** Per-request deadline. */
  timeoutMs?: number;
  /** Aborts in-flight requests when the owner stops. */
  signal?: AbortSignal;
  counters?: GammaCounters;
  /** Largest body read; a bigger (or endless) one is cut at this many bytes and counted as an error. */
  bodyMaxBytes?: number;
  /** Sees every response body with its path and status (capture). */
  tap?: RawTap;
}

/** `Retry-After` is read by the one parser of the network plumbing (kept exported here for callers). */
export { parseRetryAfterMs };

/**
 * After `/events/keyset` fails to answer as documented, the legacy `/events` is used for
 * this long before the keyset endpoint is tried again (so a Gamma without it costs one
 * extra request per ten minutes, not one per request).
 */
export const KEYSET_RETRY_MS = 600_000;

/** HTTP statuses that say an endpoint is not there. */
const ABSENT = new Set([404, 405, 410]);

/** The events of a keyset answer `{events: [...], next_cursor}`, or null for any other shape. */
function keysetEvents(body: unknown): unknown[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const events = (body as { events?: unknown }).events;
  return Array.isArray(events) ? events : null;
}

export class GammaClient {
  readonly counters: GammaCounters;
  private readonly seen = new Set<string>();
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: GammaClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.counters = opts.counters ?? newCounters();
  }

  /** True the first time `key` is seen by this client (bounded memory). */
  firstSighting(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  /**
   * The events matching `params`, or a classified failure. Never throws.
   *
   * Gamma's `/events` list answers with a deprecation in favour of `/events/keyset` (sunset
   * of the legacy list endpoints announced for 2026-05-01; the keyset answer is an object
   * `{events: [...], next_cursor}` — Polymarket/agents issue #227, 2026-04-27, read through the
   * `search` tool on 2026-12-06). Discovery asks by slug or series, so one page is all it
   * needs and `next_cursor` is not followed. When the keyset endpoint fails or answers in
   * another shape, the legacy `/events` is asked instead (and for KEYSET_RETRY_MS after).
   */
  async events(params: Record<string, string>): Promise<GammaResult> {
    if (this.opts.nowMs() >= this.legacyUntilMs) {
      // Only an endpoint that is not there (404/405/410) or answers in another shape sends us
      // to the legacy one; any other failure (5xx, 429, timeout) is the answer of this pass.
      const keyset = await this.get('/events/keyset', params, keysetEvents, (f) => f.kind === 'bad_shape' || ABSENT.has(f.status ?? 0));
      if (keyset !== 'fallback') return keyset;
      this.counters.keyset_fallbacks++;
      this.legacyUntilMs = this.opts.nowMs() + KEYSET_RETRY_MS;
    }
    const legacy = await this.get(
      '/events',
      params,
      (body) => (Array.isArray(body) ? body : null),
      () => false,
    );
    return legacy === 'fallback' ? this.fail('bad_shape', '/events: unexpected shape', null) : legacy;
  }

  private legacyUntilMs = 0;

  /** GET `path`; a failure `fallsBack` accepts is returned as 'fallback' and not counted. */
  private async get(
    path: string,
    params: Record<string, string>,
    pick: (body: unknown) => unknown[] | null,
    fallsBack: (f: { kind: GammaFailure; status?: number }) => boolean,
  ): Promise<GammaResult | 'fallback'> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(params).toString()}`;
    this.counters.requests++;
    const res = await this.fetchText(url);
    if (!res.ok) return fallsBack(res) ? 'fallback' : this.fail(res.kind, res.message, res.retryAfterMs);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return this.fail('bad_json', `${path}: body is not JSON`, null);
    }
    const data = pick(body);
    if (data === null) return fallsBack({ kind: 'bad_shape' }) ? 'fallback' : this.fail('bad_shape', `${path}: unexpected shape`, null);
    this.counters.last_success_ms = this.opts.nowMs();
    return { ok: true, data };
  }

  private async fetchText(
    url: string,
  ): Promise<
    { ok: true; text: string } | { ok: false; kind: GammaFailure; message: string; retryAfterMs: number | null; status?: number }
  > {
    const res = await httpGet(url, {
      maxBytes: this.opts.bodyMaxBytes ?? GAMMA_BODY_MAX_BYTES,
      timeoutMs: this.timeoutMs,
      nowMs: this.opts.nowMs,
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    });
    if (res.ok || res.kind === 'too_large')
      this.opts.tap?.('gamma', this.opts.nowMs(), res.ok ? res.text : '', { url: url.slice(this.baseUrl.length), status: res.status ?? 0 });
    if (res.ok) return { ok: true, text: res.text };
    const kind: GammaFailure = res.status === 429 ? 'rate_limited' : res.kind;
    // The status travels with an HTTP failure: a keyset endpoint that is not there (404/405/410) falls back.
    const status = res.status === null ? {} : { status: res.status };
    return { ok: false, kind, message: res.message, retryAfterMs: res.retryAfterMs, ...status };
  }

  private fail(kind: GammaFailure, message: string, retryAfterMs: number | null): GammaResult {
    if (kind === 'rate_limited') this.counters.rate_limited++;
    else if (kind !== 'aborted') this.counters.errors++;
    if (kind === 'too_large') this.counters.too_large++;
    this.counters.last_error = `${kind}: ${message}`;
    return { ok: false, kind, message, retryAfterMs };
  }
}
