/**
 * Rollover: keeps the active set of BTC up/down markets as windows roll. It polls Gamma
 * discovery, emits `market_discovered` for each new (or changed) market and
 * `market_closed` when a window ends or Gamma reports the market closed.
 *
 * - The next window of each family is found long before the current one ends: every
 *   pass asks for current + next, and the poll interval is far below the shortest window.
 * - Expiry runs on the clock at each window end, even while Gamma is failing, so a dead
 *   API never leaves a finished market active.
 * - Failures (HTTP errors, timeouts, bad JSON, 429) are counted in `GammaCounters`; the
 *   next poll waits an exponential backoff with jitter, at least `Retry-After`.
 * - Bounded: the active set holds at most `maxActive` markets and only open windows.
 *
 * Edge component: time comes from `nowMs`, the only timer is the one in `start()`.
 */
import type { FeedState, InputEvent, MarketFamily, MarketInfo, VenueStatus } from '../core/events.ts';
import { GammaClient, newCounters } from './gamma.ts';
import type { RawTap } from '../net/tap.ts';
import { backoffDelayMs } from '../net/backoff.ts';
import type { GammaCounters } from './gamma.ts';
import { runDiscoveryPass } from './discovery.ts';
import type { PassOptions } from './discovery.ts';
import { keptPriceToBeat } from '../core/resolution.ts';
import { fetchGammaOfficial } from './gammaOfficial.ts';
import type { GammaOfficialResult } from './resolutionWatcher.ts';

export interface RolloverOptions extends PassOptions {
  baseUrl: string;
  families: readonly MarketFamily[];
  nowMs: () => number;
  emit: (e: InputEvent) => void;
  pollIntervalMs?: number;
  /** Sees every Gamma response body (capture). */
  tap?: RawTap;
  timeoutMs?: number;
  /** Backoff ceiling after repeated failures. */
  backoffMaxMs?: number;
  maxActive?: number;
  /** Jitter source in [0, 1); injectable so tests are exact. */
  random?: () => number;
  /** Where rejected markets and dropped fields are reported (each once). */
  log?: { warn: (obj: object, msg: string) => void };
  /**
   * A new market's taker delay from its CLOB market info (clobRest.ts `takerDelayMs`), or
   * null when it could not be read (the configured default then applies). Asked once per
   * market; a known delay re-announces the market with `taker_delay_ms`.
   */
  takerDelayOf?: (conditionId: string) => Promise<number | null>;
}

export interface RolloverStats extends GammaCounters {
  active: number;
  polls: number;
  /** Polls made after a failed one (Gamma's "reconnects"). */
  retries: number;
  consecutive_failures: number;
  next_poll_ms: number;
  overflow: number;
  /** The latest pass stopped on HTTP 429: the wait is Gamma's. */
  rate_limited_now: boolean;
  retry_after_ms: number | null;
}

export interface PollOutcome {
  ok: boolean;
  delayMs: number;
  discovered: number;
  closed: number;
}

const DEFAULT_POLL_MS = 15_000;
const DEFAULT_BACKOFF_MAX_MS = 300_000;
const DEFAULT_MAX_ACTIVE = 64;
/** Wake a little after a window end so the clock is surely past it. */
const EXPIRY_SLACK_MS = 5;

export class GammaRollover {
  readonly counters: GammaCounters = newCounters();
  private readonly active = new Map<string, MarketInfo>();
  private readonly client: GammaClient;
  private readonly stopper = new AbortController();
  private readonly pollMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxActive: number;
  private readonly random: () => number;
  private polls = 0;
  private retries = 0;
  private rateLimitedNow = false;
  private retryAfterMs: number | null = null;
  private failuresInRow = 0;
  private overflow = 0;
  private nextPollAtMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private inFlight: Promise<unknown> | null = null;
  /** Taker delays read from the markets' CLOB market info, and the reads that failed. */
  private readonly takerDelays = { known: 0, unknown: 0 };

  constructor(private readonly opts: RolloverOptions) {
    this.pollMs = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.backoffMaxMs = opts.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    this.maxActive = opts.maxActive ?? DEFAULT_MAX_ACTIVE;
    this.random = opts.random ?? Math.random;
    this.client = new GammaClient({
      baseUrl: opts.baseUrl,
      nowMs: opts.nowMs,
      timeoutMs: opts.timeoutMs,
      signal: this.stopper.signal,
      counters: this.counters,
      tap: opts.tap,
    });
  }

  /**
   * Polymarket's own numbers on an ended market's event (gammaOfficial.ts), asked through
   * this rollover's client so its requests count in the one set of Gamma counters.
   */
  official(m: MarketInfo): Promise<GammaOfficialResult> {
    return fetchGammaOfficial(this.client, m);
  }

  /** Markets currently in the active set (a copy). */
  markets(): MarketInfo[] {
    return [...this.active.values()];
  }

  stats(): RolloverStats {
    return {
      ...this.counters,
      rejected_by: { ...this.counters.rejected_by },
      active: this.active.size,
      polls: this.polls,
      retries: this.retries,
      consecutive_failures: this.failuresInRow,
      next_poll_ms: this.nextPollAtMs,
      overflow: this.overflow,
      rate_limited_now: this.rateLimitedNow,
      retry_after_ms: this.retryAfterMs,
    };
  }

  /**
   * Gamma's health as a `venue_status`: `rate_limited` while it waits out an HTTP 429 (with
   * the retry time), `down` before any success when requests fail, `stale` while polls fail
   * after a success, else `live`. `counts` has the rejected markets by reason.
   */
  status(nowMs: number): VenueStatus {
    const s = this.stats();
    const waitMs = Math.max(0, Math.round(s.next_poll_ms - nowMs));
    const failing = s.consecutive_failures > 0 || s.last_success_ms === null;
    const state: FeedState = s.rate_limited_now
      ? 'rate_limited'
      : s.last_success_ms === null
        ? s.errors > 0
          ? 'down'
          : 'connecting'
        : failing
          ? 'stale'
          : 'live';
    const reason =
      state === 'rate_limited'
        ? `HTTP 429: next poll in ${(waitMs / 1_000).toFixed(1)} s${s.retry_after_ms !== null ? ` (Retry-After ${(s.retry_after_ms / 1_000).toFixed(0)} s)` : ''}`
        : failing
          ? s.last_error
          : `${s.active} markets active`;
    const counts: Record<string, number> = {
      active: s.active,
      polls: s.polls,
      errors: s.errors,
      rate_limited: s.rate_limited,
      rejected_markets: s.invalid_markets,
      optional_fields_dropped: s.optional_dropped,
      v2_markets: s.v2_markets,
      too_large: s.too_large,
      keyset_fallbacks: s.keyset_fallbacks,
      taker_delay_known: this.takerDelays.known,
      taker_delay_unknown: this.takerDelays.unknown,
    };
    for (const [code, n] of Object.entries(s.rejected_by)) counts[`rejected_${code}`] = n;
    return {
      event_type: 'venue_status',
      source: 'gamma',
      state,
      reason,
      messages: s.requests,
      trades: 0,
      parse_errors: s.invalid_markets,
      rejected: s.rate_limited,
      reconnects: s.retries,
      last_message_ts_ms: s.last_success_ms,
      next_retry_ms: state === 'live' || state === 'connecting' ? null : waitMs,
      last_error: s.last_error,
      counts,
      ts_unix_ms: Math.floor(nowMs),
    };
  }

  /** One discovery pass + reconciliation of the active set. Never throws. */
  async pollOnce(): Promise<PollOutcome> {
    this.polls++;
    if (this.failuresInRow > 0) this.retries++;
    const startedMs = this.opts.nowMs();
    const pass = await runDiscoveryPass(this.client, this.opts.families, startedMs, this.opts);
    for (const r of pass.newRejects)
      this.opts.log?.warn({ code: r.code, reason: r.reason }, `gamma: market rejected (${r.code}): ${r.reason}`);
    for (const d of pass.newDropped) this.opts.log?.warn({ field: d }, `gamma: malformed optional field dropped, market kept: ${d}`);
    this.rateLimitedNow = pass.rateLimited;
    this.retryAfterMs = pass.retryAfterMs;
    const nowMs = this.opts.nowMs();
    const closed = this.expire(nowMs, pass.closedIds);
    let discovered = 0;
    for (const m of pass.markets) if (this.upsert(m, nowMs)) discovered++;
    const ok = pass.failures === 0;
    this.failuresInRow = ok ? 0 : this.failuresInRow + 1;
    const delayMs = ok ? this.pollMs : this.backoffMs(pass.retryAfterMs);
    this.nextPollAtMs = nowMs + delayMs;
    return { ok, delayMs, discovered, closed };
  }

  /** Emits `market_closed` for ended windows and for ids Gamma reports closed. */
  expire(nowMs: number, closedIds: readonly string[] = []): number {
    const closedSet = new Set(closedIds);
    let n = 0;
    for (const [id, m] of this.active) {
      if (m.window_end_ms > nowMs && !closedSet.has(id)) continue;
      this.active.delete(id);
      this.opts.emit({ event_type: 'market_closed', market_id: id, ts_unix_ms: Math.floor(nowMs) });
      n++;
    }
    return n;
  }

  private upsert(found: MarketInfo, nowMs: number): boolean {
    if (found.window_end_ms <= nowMs) return false;
    const cur = this.active.get(found.market_id);
    // A known price to beat (or taker delay, which Gamma never carries) is never forgotten because one response lacked it.
    const ptb = cur && cur.price_to_beat !== null && found.price_to_beat === null ? keptPriceToBeat(cur) : {};
    const delay = cur?.taker_delay_ms !== undefined && found.taker_delay_ms === undefined ? { taker_delay_ms: cur.taker_delay_ms } : {};
    const m = { ...found, ...ptb, ...delay };
    if (cur && JSON.stringify(cur) === JSON.stringify(m)) return false;
    if (!cur && this.active.size >= this.maxActive) {
      this.overflow++;
      return false;
    }
    // A changed market (price to beat now known, new tick size) is re-announced; the
    // core's registry refreshes an existing market in place.
    this.active.set(m.market_id, m);
    this.opts.emit({ event_type: 'market_discovered', market: m, ts_unix_ms: Math.floor(nowMs) });
    if (!cur && this.opts.takerDelayOf) this.askTakerDelay(m.market_id);
    return !cur;
  }

  /** Reads a new market's taker delay once; a known one re-announces the market with it. */
  private askTakerDelay(marketId: string): void {
    void this.opts.takerDelayOf!(marketId)
      .catch(() => null)
      .then((ms) => {
        if (ms === null) this.takerDelays.unknown++;
        else this.takerDelays.known++;
        const cur = this.active.get(marketId);
        if (ms === null || !cur || cur.taker_delay_ms === ms || this.stopper.signal.aborted) return;
        const m = { ...cur, taker_delay_ms: ms };
        this.active.set(marketId, m);
        this.opts.emit({ event_type: 'market_discovered', market: m, ts_unix_ms: Math.floor(this.opts.nowMs()) });
      });
  }

  /** Exponential in the failure streak, full-range jitter on the upper half, ≥ Retry-After. */
  private backoffMs(retryAfterMs: number | null): number {
    const policy = { initialMs: this.pollMs, maxMs: this.backoffMaxMs, factor: 2, jitter: 0.5, jitterMode: 'below' } as const;
    return Math.max(backoffDelayMs(this.failuresInRow - 1, policy, this.random), retryAfterMs ?? 0);
  }

  /** Starts polling now; the next wake-up is the earlier of the next poll and the next window end. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextPollAtMs = this.opts.nowMs();
    this.schedule(0);
  }

  /** Stops the timer and aborts an in-flight request; resolves once the loop is idle. Single use: build a new rollover to poll again. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopper.abort();
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.inFlight = this.tick().finally(() => (this.inFlight = null));
      },
      Math.max(0, delayMs),
    );
  }

  private async tick(): Promise<void> {
    try {
      const nowMs = this.opts.nowMs();
      this.expire(nowMs);
      if (nowMs >= this.nextPollAtMs) await this.pollOnce();
    } catch (err) {
      // pollOnce never throws by design; a throwing `emit` callback is the caller's bug,
      // counted here so the loop survives it.
      this.counters.errors++;
      this.counters.last_error = `rollover: ${err instanceof Error ? err.message : String(err)}`;
      this.nextPollAtMs = this.opts.nowMs() + this.pollMs;
    }
    const nowMs = this.opts.nowMs();
    let wakeMs = this.nextPollAtMs;
    for (const m of this.active.values()) wakeMs = Math.min(wakeMs, m.window_end_ms + EXPIRY_SLACK_MS);
    this.schedule(wakeMs - nowMs);
  }
}
