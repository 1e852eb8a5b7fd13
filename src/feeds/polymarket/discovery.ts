/**
 * Market discovery: which Gamma markets are live BTC "Up or Down" windows, and how each
 * maps to the `MarketInfo` the core trades (family, window, tokens, tick, fees,
 * resolution rule, price to beat).
 *
 * Mapping is pure (`mapGammaMarket`, `selectWindows`); `runDiscoveryPass` is the one
 * function here that talks to Gamma, through `GammaClient`.
 */
import type { FeeSchedule, MarketFamily, MarketInfo, MarketToken, ResolutionRule } from '../../core/events.ts';
import { MarketInfoSchema } from '../../core/events.ts';
import { CRYPTO_FEES, FEE_FREE } from '../../core/fees.ts';
import { GammaClient, GammaEventSchema, GammaMarketFlagsSchema, GammaMarketSchema, newCounters } from './gamma.ts';
import type { GammaCounters, GammaEvent, GammaMarket } from './gamma.ts';
import { candidateSlugs, currentAndNextStarts, durationFits, familyFromRecurrence, familyFromSlug } from './windows.ts';

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

/**
 * BTC up/down by slug or title — the stricter check real discovery uses. The title
 * ("Bitcoin Up or Down - …", as in every fixture) lets a window found through its series
 * pass even when its slug follows a format we do not know yet.
 */
export function isBtcUpDown(slug: string, question: string | undefined): boolean {
  return slug.startsWith('btc-updown-') || slug.startsWith('bitcoin-up-or-down-') || /^bitcoin up or down\b/i.test(question ?? '');
}

/**
 * The resolution rule, read from the market's own words. Texts (fixtures and the public
 * rules on polymarket.com):
 * - 5m/15m/4h: "…price at the end … greater than or equal to the price at the beginning…
 *   Chainlink … BTC/USD data stream" → end ≥ start on Chainlink.
 * - newer 5m: `cryptoMarketConfig.twapEnabled` with a 60 s lookback, resolutionSource
 *   `…/btc-usd-twap-60s-streams` → 60-second Chainlink average.
 * - hourly: "close price … greater than or equal to the open price for the BTC/USDT 1 hour
 *   candle … Binance" → candle close ≥ open.
 * - daily: Binance BTCUSDT 1-minute candle close at noon ET vs the previous day's; the
 *   enum has no tie-split rule, so it maps to end ≥ start on Binance (an exact tie
 *   resolves 50-50 on Polymarket — see the report).
 * Anything else is unknown (null): the market is rejected, never given a guessed rule.
 */
export function detectResolution(m: Pick<GammaMarket, 'description' | 'resolutionSource' | 'cryptoMarketConfig'>): ResolutionRule | null {
  const text = `${m.description ?? ''}\n${m.resolutionSource ?? ''}`.toLowerCase();
  const cfg = m.cryptoMarketConfig;
  const twap = cfg?.twapEnabled === true || /twap|time-weighted|average/.test(text);
  // The TWAP fixture has no description, only `data.chain.link/streams/…` as source.
  if (text.includes('chainlink') || text.includes('data.chain.link')) {
    if (!twap) return { rule: 'end_gte_start', source: 'chainlink' };
    const lookback = cfg?.twapLookbackSeconds ?? (/twap-60s|60-second|60 second/.test(text) ? 60 : null);
    return lookback === 60 ? { rule: 'avg60_gte_start', source: 'chainlink' } : null;
  }
  if (text.includes('binance')) {
    if (/1 hour candle|1h candle|"1h"/.test(text)) return { rule: 'candle_close_gte_open', source: 'binance' };
    if (/1 minute candle|1m candle|"1m"/.test(text)) return { rule: 'end_gte_start', source: 'binance' };
  }
  return null;
}

/**
 * Fee schedule: `feeSchedule` when Gamma sends it (twap fixture: rate 0.07, exponent 1,
 * takerOnly); fee-free when `feesEnabled` is false; `feeType: "crypto_fees"` without a
 * schedule (older 5m fixture) is the documented crypto schedule (docs.polymarket.com
 * "Fees": rate 0.07, exponent 1, takers only). Otherwise unknown → null.
 */
export function mapFee(m: Pick<GammaMarket, 'feesEnabled' | 'feeType' | 'feeSchedule'>): FeeSchedule | null {
  if (m.feeSchedule) return { rate: m.feeSchedule.rate, exponent: m.feeSchedule.exponent, taker_only: m.feeSchedule.takerOnly };
  if (m.feesEnabled === false) return { ...FEE_FREE };
  if (m.feeType === 'crypto_fees') return { ...CRYPTO_FEES };
  return null;
}

/** Tokens in [Up, Down] order, matched by the outcomes array (never by position). */
export function mapTokens(outcomes: readonly string[], tokenIds: readonly string[]): [MarketToken, MarketToken] | null {
  if (outcomes.length !== 2 || tokenIds.length !== 2) return null;
  const up = outcomes.findIndex((o) => o.trim().toLowerCase() === 'up');
  const down = outcomes.findIndex((o) => o.trim().toLowerCase() === 'down');
  if (up < 0 || down < 0 || up === down) return null;
  const upId = tokenIds[up];
  const downId = tokenIds[down];
  if (!upId || !downId || upId === downId) return null;
  return [{ token_id: upId, outcome: 'Up' }, { token_id: downId, outcome: 'Down' }];
}

export type MapResult =
  | { kind: 'market'; market: MarketInfo; closed: false }
  /** Not a live BTC up/down candidate (other topic, closed, not accepting, no book). */
  | { kind: 'dropped'; reason: string; marketId: string | null; closed: boolean }
  /** Looked like a BTC up/down market but a field was missing or malformed. */
  | { kind: 'invalid'; reason: string };

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
  if (!flags.success) return { kind: 'invalid', reason: 'market without a slug' };
  const f = flags.data;
  const id = f.conditionId ?? null;
  if (!isBtcUpDown(f.slug, f.question)) return { kind: 'dropped', reason: 'not a BTC up/down market', marketId: id, closed: false };
  if (f.closed !== false) return { kind: 'dropped', reason: 'closed', marketId: id, closed: f.closed === true };
  if (f.active !== true) return { kind: 'dropped', reason: 'not active', marketId: id, closed: false };
  if (f.enableOrderBook !== true) return { kind: 'dropped', reason: 'no order book', marketId: id, closed: false };
  if (f.acceptingOrders !== true) return { kind: 'dropped', reason: 'not accepting orders', marketId: id, closed: false };

  const parsed = GammaMarketSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: `${f.slug}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  const m = parsed.data;
  const event = parent ?? embeddedEvent(raw);
  const startMs = m.eventStartTime ?? event?.startTime ?? null;
  if (startMs === null) return { kind: 'invalid', reason: `${m.slug}: no eventStartTime` };
  if (!(m.endDate > startMs)) return { kind: 'invalid', reason: `${m.slug}: window end not after start` };
  const family = familyOf(m, event, m.endDate - startMs);
  if (family === null) return { kind: 'invalid', reason: `${m.slug}: unknown family or window length` };
  const tokens = mapTokens(m.outcomes, m.clobTokenIds);
  if (!tokens) return { kind: 'invalid', reason: `${m.slug}: outcomes/clobTokenIds are not one Up and one Down token` };
  const resolution = detectResolution(m);
  if (!resolution) return { kind: 'invalid', reason: `${m.slug}: unknown resolution rule` };
  const fee = mapFee(m);
  if (!fee) return { kind: 'invalid', reason: `${m.slug}: unknown fee schedule` };
  const ptb = event?.eventMetadata?.priceToBeat ?? null;
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
  });
  if (!info.success) return { kind: 'invalid', reason: `${m.slug}: ${info.error.issues[0]?.message ?? 'bad market info'}` };
  return { kind: 'market', market: info.data, closed: false };
}

/** A /markets item carries its events inline; use the first as the parent. */
function embeddedEvent(raw: unknown): GammaEvent | null {
  if (typeof raw !== 'object' || raw === null || !('events' in raw) || !Array.isArray(raw.events)) return null;
  const ev = GammaEventSchema.safeParse(raw.events[0]);
  return ev.success ? ev.data : null;
}

export interface EventsMapResult {
  markets: MarketInfo[];
  /** Market ids Gamma reports closed (they leave the active set). */
  closedIds: string[];
  invalid: string[];
}

/** Maps every market of every event in a Gamma `/events` array. Pure. */
export function mapEvents(events: readonly unknown[]): EventsMapResult {
  const out: EventsMapResult = { markets: [], closedIds: [], invalid: [] };
  for (const rawEvent of events) {
    const ev = GammaEventSchema.safeParse(rawEvent);
    if (!ev.success) {
      out.invalid.push('event: malformed');
      continue;
    }
    for (const rawMarket of ev.data.markets ?? []) {
      const r = mapGammaMarket(rawMarket, ev.data);
      if (r.kind === 'market') out.markets.push(r.market);
      else if (r.kind === 'invalid') out.invalid.push(r.reason);
      else if (r.closed && r.marketId) out.closedIds.push(r.marketId);
    }
  }
  return out;
}

/**
 * Per family, the first `perFamily` windows still open at `nowMs` (current + next by
 * default), one market per window — not every future window Gamma lists. Pure.
 */
export function selectWindows(markets: readonly MarketInfo[], families: readonly MarketFamily[], nowMs: number, perFamily = 2): MarketInfo[] {
  const byId = new Map<string, MarketInfo>();
  for (const m of markets) byId.set(m.market_id, m);
  const out: MarketInfo[] = [];
  for (const family of families) {
    const open = [...byId.values()].filter((m) => m.family === family && m.window_end_ms > nowMs).sort((a, b) => a.window_start_ms - b.window_start_ms || a.market_id.localeCompare(b.market_id));
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
    reqs.push({ series_id: seriesId, active: 'true', closed: 'false', end_date_min: new Date(nowMs).toISOString(), order: 'end_date', ascending: 'true', limit: String(opts.seriesLimit ?? 4) });
  }
  return reqs;
}

/** One discovery pass against Gamma. Stops early on HTTP 429. Never throws. */
export async function runDiscoveryPass(client: GammaClient, families: readonly MarketFamily[], nowMs: number, opts: PassOptions = {}): Promise<PassResult> {
  const found: MarketInfo[] = [];
  const closedIds: string[] = [];
  // The same malformed market can come back from its slug and its series query: count it once per pass.
  const invalid = new Set<string>();
  let failures = 0;
  let retryAfterMs: number | null = null;
  for (const params of passRequests(families, nowMs, opts)) {
    const res = await client.events(params);
    if (!res.ok) {
      failures++;
      if (res.retryAfterMs !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, res.retryAfterMs);
      if (res.kind === 'rate_limited' || res.kind === 'aborted') return finishPass(client, families, nowMs, { found, closedIds, invalid, failures, rateLimited: res.kind === 'rate_limited', retryAfterMs });
      continue;
    }
    const mapped = mapEvents(res.data);
    found.push(...mapped.markets);
    closedIds.push(...mapped.closedIds);
    for (const reason of mapped.invalid) invalid.add(reason);
  }
  return finishPass(client, families, nowMs, { found, closedIds, invalid, failures, rateLimited: false, retryAfterMs });
}

interface PassState {
  found: MarketInfo[];
  closedIds: string[];
  invalid: Set<string>;
  failures: number;
  rateLimited: boolean;
  retryAfterMs: number | null;
}

function finishPass(client: GammaClient, families: readonly MarketFamily[], nowMs: number, s: PassState): PassResult {
  client.counters.invalid_markets += s.invalid.size;
  const firstInvalid = s.invalid.values().next();
  if (!firstInvalid.done) client.counters.last_error = `invalid market: ${firstInvalid.value}`;
  return { markets: selectWindows(s.found, families, nowMs), closedIds: s.closedIds, failures: s.failures, rateLimited: s.rateLimited, retryAfterMs: s.retryAfterMs };
}

/** One-shot discovery (for `polylab markets`): the current + next window of each family. */
export async function discoverOnce(baseUrl: string, families: readonly MarketFamily[], nowMs: number | (() => number), opts: PassOptions & { timeoutMs?: number } = {}): Promise<{ markets: MarketInfo[]; counters: GammaCounters }> {
  const clock = typeof nowMs === 'function' ? nowMs : () => nowMs;
  const client = new GammaClient({ baseUrl, nowMs: clock, timeoutMs: opts.timeoutMs, counters: newCounters() });
  const pass = await runDiscoveryPass(client, families, clock(), opts);
  return { markets: pass.markets, counters: client.counters };
}
