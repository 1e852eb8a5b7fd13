/**
 * Market discovery: which Gamma markets are live BTC "Up or Down" windows, and how each
 * maps to the `MarketInfo` the core trades (family, window, tokens, tick, fees,
 * resolution rule, price to beat).
 *
 * Mapping is pure (`mapGammaMarket`, `selectWindows`); `runDiscoveryPass` is the one
 * function here that talks to Gamma, through `GammaClient`.
 */
import type { MarketFamily, MarketInfo } from '../core/events.ts';
import { MarketInfoSchema } from '../core/events.ts';
import { detectResolution, isBtcUpDown, mapFee, mapTokens } from './marketRules.ts';
import {
  dropMalformed,
  GammaClient,
  GammaEventSchema,
  GammaMarketFlagsSchema,
  GammaMarketSchema,
  newCounters,
  OPTIONAL_EVENT_FIELDS,
  OPTIONAL_MARKET_FIELDS,
} from './gamma.ts';
import type { GammaCounters, GammaEvent, GammaMarket } from './gamma.ts';
import { selectOutcomeIds } from './outcomeIds.ts';
import { candidateSlugs, currentAndNextStarts, durationFits, familyFromRecurrence, familyFromSlug } from './windows.ts';

export { detectResolution, isBtcUpDown, mapFee, mapTokens } from './marketRules.ts';

/**
 * Gamma series of the BTC up/down families. 5m comes from the fixture
 * (`events[0].series[0].id`); the others from public client configurations
 * (btc-up-or-down-15m 10192, btc-up-or-down-hourly 10114, btc-up-or-down-4h 10331,
 * btc-up-or-down-daily 41) — not verified against a live response, so overridable.
 */
export const BTC_SERIES_IDS: Readonly<Record<MarketFamily, string>> = Object.freeze({
  '5m': '10684',
  '15m': '10192',
  '1h': '10114',
  '4h': '10331',
  '1d': '41',
});

/** Why a BTC up/down market was rejected: a code for the counters, a sentence for the log. */
export type RejectCode =
  | 'malformed'
  | 'unsupported_version'
  | 'position_ids_without_version'
  | 'missing_ids'
  | 'non_decimal_ids'
  | 'unmatched_outcomes'
  | 'unknown_rule'
  | 'unknown_fee'
  | 'unknown_window';

export type MapResult =
  /** `dropped`: optional fields that were malformed and left out (the market stands without them). */
  | { kind: 'market'; market: MarketInfo; closed: false; version: 'v1' | 'v2'; dropped: string[] }
  /** Not a live BTC up/down candidate (other topic, closed, not accepting, no book). */
  | { kind: 'dropped'; reason: string; marketId: string | null; closed: boolean }
  /** Looked like a BTC up/down market but a field was missing or malformed. */
  | { kind: 'invalid'; code: RejectCode; reason: string };

function familyOf(m: GammaMarket, event: GammaEvent | null, durationMs: number): MarketFamily | null {
  const fromSlug = familyFromSlug(m.slug);
  const fromSeries = familyFromRecurrence(event?.series?.[0]?.recurrence);
  const family = fromSlug ?? fromSeries;
  // The window length must agree with the family the name claims.
  return family !== null && durationFits(family, durationMs) ? family : null;
}

/** Gamma market (+ its parent event, when known) → MarketInfo, or why not. Pure. */
export function mapGammaMarket(raw: unknown, parent: GammaEvent | null = null): MapResult {
  const flags = GammaMarketFlagsSchema.safeParse(raw);
  if (!flags.success) return { kind: 'invalid', code: 'malformed', reason: 'market without a slug' };
  const f = flags.data;
  const id = f.conditionId ?? null;
  if (!isBtcUpDown(f.slug, f.question)) return { kind: 'dropped', reason: 'not a BTC up/down market', marketId: id, closed: false };
  if (f.closed !== false) return { kind: 'dropped', reason: 'closed', marketId: id, closed: f.closed === true };
  if (f.active !== true) return { kind: 'dropped', reason: 'not active', marketId: id, closed: false };
  if (f.enableOrderBook !== true) return { kind: 'dropped', reason: 'no order book', marketId: id, closed: false };
  if (f.acceptingOrders !== true) return { kind: 'dropped', reason: 'not accepting orders', marketId: id, closed: false };

  const clean = dropMalformed(raw, OPTIONAL_MARKET_FIELDS);
  const parsed = GammaMarketSchema.safeParse(clean.value);
  if (!parsed.success)
    return {
      kind: 'invalid',
      code: 'malformed',
      reason: `${f.slug}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    };
  const m = parsed.data;
  const event = parent ?? embeddedEvent(raw);
  const startMs = m.eventStartTime ?? event?.startTime ?? null;
  if (startMs === null) return { kind: 'invalid', code: 'unknown_window', reason: `${m.slug}: no eventStartTime` };
  if (!(m.endDate > startMs)) return { kind: 'invalid', code: 'unknown_window', reason: `${m.slug}: window end not after start` };
  const family = familyOf(m, event, m.endDate - startMs);
  if (family === null) return { kind: 'invalid', code: 'unknown_window', reason: `${m.slug}: unknown family or window length` };
  // Protocol V2: the outcome ids are positionIds when version is "v2", else clobTokenIds.
  const ids = selectOutcomeIds(m);
  if (!ids.ok) return { kind: 'invalid', code: ids.code, reason: `${m.slug}: ${ids.reason}` };
  const tokens = mapTokens(m.outcomes, ids.ids);
  if (!tokens)
    return {
      kind: 'invalid',
      code: 'unmatched_outcomes',
      reason: `${m.slug}: outcomes and ${ids.version === 'v2' ? 'positionIds' : 'clobTokenIds'} are not one Up and one Down id`,
    };
  const resolution = detectResolution(m);
  if (!resolution) return { kind: 'invalid', code: 'unknown_rule', reason: `${m.slug}: unknown resolution rule` };
  const fee = mapFee(m);
  if (!fee) return { kind: 'invalid', code: 'unknown_fee', reason: `${m.slug}: unknown fee schedule` };
  // Polymarket's own numbers (Gamma `eventMetadata`): they win over our own reading (core/resolution.ts).
  const ptb = event?.eventMetadata?.priceToBeat ?? null;
  const finalPx = event?.eventMetadata?.finalPrice ?? null;
  const info = MarketInfoSchema.safeParse({
    market_id: m.conditionId,
    slug: m.slug,
    question: m.question,
    family,
    window_start_ms: startMs,
    window_end_ms: m.endDate,
    tokens,
    tick_size: m.orderPriceMinTickSize,
    min_size: m.orderMinSize,
    fee,
    resolution,
    price_to_beat: ptb,
    price_to_beat_estimated: false,
    ...(ptb !== null ? { price_to_beat_official: true } : {}),
    ...(finalPx !== null ? { final_price: finalPx } : {}),
  });
  if (!info.success)
    return { kind: 'invalid', code: 'malformed', reason: `${m.slug}: ${info.error.issues[0]?.message ?? 'bad market info'}` };
  return { kind: 'market', market: info.data, closed: false, version: ids.version, dropped: clean.dropped.map((k) => `${m.slug}: ${k}`) };
}

/** A /markets item carries its events inline; use the first as the parent. */
function embeddedEvent(raw: unknown): GammaEvent | null {
  if (typeof raw !== 'object' || raw === null || !('events' in raw) || !Array.isArray(raw.events)) return null;
  const ev = GammaEventSchema.safeParse(dropMalformed(raw.events[0], OPTIONAL_EVENT_FIELDS).value);
  return ev.success ? ev.data : null;
}

export interface EventsMapResult {
  markets: MarketInfo[];
  /** Market ids Gamma reports closed (they leave the active set). */
  closedIds: string[];
  /** Rejected markets: code and reason. */
  invalid: { code: RejectCode; reason: string }[];
  /** Optional fields dropped as malformed (`slug: field`), the market or event kept. */
  dropped: string[];
  /** Market ids mapped from Protocol V2 (`positionIds`). */
  v2Ids: string[];
}

/** Maps every market of every event in a Gamma `/events` array. Pure. */
export function mapEvents(events: readonly unknown[]): EventsMapResult {
  const out: EventsMapResult = { markets: [], closedIds: [], invalid: [], dropped: [], v2Ids: [] };
  for (const rawEvent of events) {
    const clean = dropMalformed(rawEvent, OPTIONAL_EVENT_FIELDS);
    const ev = GammaEventSchema.safeParse(clean.value);
    if (!ev.success) {
      out.invalid.push({ code: 'malformed', reason: 'event: malformed' });
      continue;
    }
    for (const k of clean.dropped) out.dropped.push(`event ${ev.data.slug ?? ev.data.id ?? '?'}: ${k}`);
    for (const rawMarket of ev.data.markets ?? []) {
      const r = mapGammaMarket(rawMarket, ev.data);
      if (r.kind === 'market') {
        out.markets.push(r.market);
        out.dropped.push(...r.dropped);
        if (r.version === 'v2') out.v2Ids.push(r.market.market_id);
      } else if (r.kind === 'invalid') out.invalid.push({ code: r.code, reason: r.reason });
      else if (r.closed && r.marketId) out.closedIds.push(r.marketId);
    }
  }
  return out;
}

/**
 * Per family, the first `perFamily` windows still open at `nowMs` (current + next by
 * default), one market per window — not every future window Gamma lists. Pure.
 */
export function selectWindows(
  markets: readonly MarketInfo[],
  families: readonly MarketFamily[],
  nowMs: number,
  perFamily = 2,
): MarketInfo[] {
  const byId = new Map<string, MarketInfo>();
  for (const m of markets) byId.set(m.market_id, m);
  const out: MarketInfo[] = [];
  for (const family of families) {
    const open = [...byId.values()]
      .filter((m) => m.family === family && m.window_end_ms > nowMs)
      .sort((a, b) => a.window_start_ms - b.window_start_ms || a.market_id.localeCompare(b.market_id));
    const seenStarts = new Set<number>();
    for (const m of open) {
      if (seenStarts.size >= perFamily) break;
      if (seenStarts.has(m.window_start_ms)) continue;
      seenStarts.add(m.window_start_ms);
      out.push(m);
    }
  }
  return out;
}

export interface PassOptions {
  seriesIds?: Partial<Record<MarketFamily, string>>;
  /** How many of each series' soonest-ending open events to ask for. */
  seriesLimit?: number;
}

export interface PassResult {
  markets: MarketInfo[];
  closedIds: string[];
  /** Requests that failed in this pass (0 = clean pass). */
  failures: number;
  rateLimited: boolean;
  retryAfterMs: number | null;
  /** Markets rejected, and optional fields dropped, for the first time in this client's life (to log once). */
  newRejects: { code: RejectCode; reason: string }[];
  newDropped: string[];
}

/** The requests of one pass: the computed slugs of current + next windows, then each series. */
export function passRequests(families: readonly MarketFamily[], nowMs: number, opts: PassOptions = {}): Record<string, string>[] {
  const reqs: Record<string, string>[] = [];
  for (const family of families) {
    for (const start of currentAndNextStarts(family, nowMs)) for (const slug of candidateSlugs(family, start)) reqs.push({ slug });
  }
  for (const family of families) {
    const seriesId = opts.seriesIds?.[family] ?? BTC_SERIES_IDS[family];
    // The series query catches windows whose slug format changed. Ordered by end date from
    // now on, so the soonest windows come first (docs.polymarket.com gamma "get-markets":
    // `order` takes end_date, `ascending`, `active`, `closed`, `limit`; `end_date_min` is a
    // Gamma list filter as used by public clients — if Gamma ignored it, selectWindows
    // still picks by window, only the series query would then add nothing).
    reqs.push({
      series_id: seriesId,
      active: 'true',
      closed: 'false',
      end_date_min: new Date(nowMs).toISOString(),
      order: 'end_date',
      ascending: 'true',
      limit: String(opts.seriesLimit ?? 4),
    });
  }
  return reqs;
}

/** One discovery pass against Gamma. Stops early on HTTP 429. Never throws. */
export async function runDiscoveryPass(
  client: GammaClient,
  families: readonly MarketFamily[],
  nowMs: number,
  opts: PassOptions = {},
): Promise<PassResult> {
  const found: MarketInfo[] = [];
  const closedIds: string[] = [];
  const invalid: { code: RejectCode; reason: string }[] = [];
  const dropped: string[] = [];
  const v2 = new Set<string>();
  let failures = 0;
  let retryAfterMs: number | null = null;
  for (const params of passRequests(families, nowMs, opts)) {
    const res = await client.events(params);
    if (!res.ok) {
      failures++;
      if (res.retryAfterMs !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, res.retryAfterMs);
      if (res.kind === 'rate_limited' || res.kind === 'aborted')
        return finishPass(client, families, nowMs, {
          found,
          closedIds,
          invalid,
          dropped,
          v2,
          failures,
          rateLimited: res.kind === 'rate_limited',
          retryAfterMs,
        });
      continue;
    }
    const mapped = mapEvents(res.data);
    found.push(...mapped.markets);
    closedIds.push(...mapped.closedIds);
    invalid.push(...mapped.invalid);
    dropped.push(...mapped.dropped);
    for (const id of mapped.v2Ids) v2.add(id);
  }
  return finishPass(client, families, nowMs, { found, closedIds, invalid, dropped, v2, failures, rateLimited: false, retryAfterMs });
}

interface PassState {
  found: MarketInfo[];
  closedIds: string[];
  invalid: { code: RejectCode; reason: string }[];
  dropped: string[];
  v2: Set<string>;
  failures: number;
  rateLimited: boolean;
  retryAfterMs: number | null;
}

/**
 * Counts what the pass saw. A rejected market (or dropped field) comes back from its slug
 * and its series query and on every pass: each is counted once, the first time this client
 * sees it, so the counters say how many distinct markets were refused.
 */
function finishPass(client: GammaClient, families: readonly MarketFamily[], nowMs: number, s: PassState): PassResult {
  const c = client.counters;
  const newRejects = s.invalid.filter((r) => client.firstSighting(`reject ${r.reason}`));
  const newDropped = s.dropped.filter((d) => client.firstSighting(`dropped ${d}`));
  c.invalid_markets += newRejects.length;
  for (const r of newRejects) c.rejected_by[r.code] = (c.rejected_by[r.code] ?? 0) + 1;
  c.optional_dropped += newDropped.length;
  for (const id of s.v2) if (client.firstSighting(`v2 ${id}`)) c.v2_markets += 1;
  if (s.invalid[0]) c.last_rejected = s.invalid[0].reason;
  if (newRejects[0]) c.last_error = `invalid market: ${newRejects[0].reason}`;
  return {
    markets: selectWindows(s.found, families, nowMs),
    closedIds: s.closedIds,
    failures: s.failures,
    rateLimited: s.rateLimited,
    retryAfterMs: s.retryAfterMs,
    newRejects,
    newDropped,
  };
}

/** One-shot discovery (for `polylab markets`): the current + next window of each family. */
export async function discoverOnce(
  baseUrl: string,
  families: readonly MarketFamily[],
  nowMs: number | (() => number),
  opts: PassOptions & { timeoutMs?: number } = {},
): Promise<{ markets: MarketInfo[]; counters: GammaCounters }> {
  const clock = typeof nowMs === 'function' ? nowMs : () => nowMs;
  const client = new GammaClient({ baseUrl, nowMs: clock, timeoutMs: opts.timeoutMs, counters: newCounters() });
  const pass = await runDiscoveryPass(client, families, clock(), opts);
  return { markets: pass.markets, counters: client.counters };
}
