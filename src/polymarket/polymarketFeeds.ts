/**
 * `startPolymarketFeeds`: wires the Polymarket edges together for `polylab run` —
 * the CLOB market channel (sharded) through the book keeper (REST resync on gaps and
 * inconsistencies), the real-time data socket (Chainlink spot and TWAP / Binance reference
 * prices) and the resolution watcher — and emits their InputEvents plus periodic
 * `venue_status` inputs (`polymarket_ws`, `rtds`, `clob_rest`). Discovery calls
 * `setMarkets` with the active markets; everything else follows from it.
 *
 * Ended windows stay subscribed until their official result arrives (or
 * `keepSubscribedAfterEndMs` passes), so `market_resolved` is seen on the socket rather
 * than only by REST polling.
 */
import type { FeedState, InputEvent, MarketInfo, TwapLookback } from '../core/events.ts';
import { BurstLog } from '../net/burstLog.ts';
import { BookKeeper, type BookKeeperCounters, type TokenBookStats } from './bookKeeper.ts';
import { ClobRest, type ClobRestStats } from './clobRest.ts';
import { ClobWsPool, type ClobWsStats } from './clobWs.ts';
import type { ClobMessage } from './wire/clobWsMessages.ts';
import { polymarketStatuses } from './feedStatus.ts';
import { ResolutionWatcher, type Disagreement, type GammaOfficialResult } from './resolutionWatcher.ts';
import { Resyncer } from './resync.ts';
import { RtdsFeed, type RtdsStats } from './rtds.ts';
import { PolyBoltFeed, type PolyBoltStats } from './polybolt.ts';
import type { PolyBoltCredentials } from './wire/polyboltAuth.ts';
import type { RawTap } from '../net/tap.ts';

export interface FeedLogger {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  debug?: (obj: object, msg: string) => void;
}

/** How long an ended window stays subscribed while its official result has not arrived. */
export const KEEP_SUBSCRIBED_AFTER_END_MS = 30 * 60_000;

export interface PolymarketFeedsOptions {
  clobWsUrl: string;
  clobUrl: string;
  rtdsUrl: string;
  /**
   * PolyBolt (Polymarket's current live data socket): used instead of RTDS for the reference
   * prices when credentials are configured; null or absent: RTDS.
   */
  polybolt?: { url: string; credentials: PolyBoltCredentials } | null;
  emit: (e: InputEvent) => void;
  log?: FeedLogger;
  now?: () => number;
  maxAssetsPerConnection?: number;
  statusIntervalMs?: number;
  /** Timing knobs, mostly for tests. */
  clobPingIntervalMs?: number;
  rtdsPingIntervalMs?: number;
  staleAfterMs?: number;
  /** A market-socket shard carrying only PONGs this long is stale and reconnected. */
  bookStaleAfterMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  restTimeoutMs?: number;
  /** How long a new token may wait for its first WS book before REST is asked. */
  snapshotWaitMs?: number;
  /** Period of the resolution / snapshot-wait checks. */
  tickMs?: number;
  resolution?: { settleDelayMs?: number; pollIntervalMs?: number; giveUpAfterMs?: number; gammaPollIntervalMs?: number };
  /** The ended market's Gamma event (its official result and final price); absent: not asked. */
  fetchGamma?: (m: MarketInfo) => Promise<GammaOfficialResult>;
  keepSubscribedAfterEndMs?: number;
  twap?: { silenceMs?: number; retryMs?: number };
  /** Book resync pacing (resync.ts defaults otherwise). */
  resync?: { minIntervalMs?: number; tokenBurst?: number; tokenRefillMs?: number; globalBurst?: number; globalPerMinute?: number };
  /** Repeated warnings of one kind: the first, then one summary per interval. */
  logIntervalMs?: number;
  /** Sees every raw frame and REST body (capture). */
  tap?: RawTap;
}

export interface TokenHealth extends TokenBookStats {
  /** Receive-time age of the last consistent update (null: never had a book). */
  book_age_ms: number | null;
}

export interface PolymarketFeedStats {
  ws: Omit<ClobWsStats, 'perShard'>;
  /** The legacy data socket's stats; null when PolyBolt is used instead. */
  rtds: RtdsStats | null;
  polybolt: PolyBoltStats | null;
  rest: ClobRestStats;
  /**
   * `mirrored`: token mirrors consistent with the socket (the keeper's own state). Whether a
   * book is live is the read model's to say (views/liveness.ts), not counted here.
   */
  books: BookKeeperCounters & { tracked: number; mirrored: number; resyncs_queued: number; resyncs_throttled: number };
  tokens: TokenHealth[];
  resolution: ResolutionWatcher['counters'] & {
    pending: number;
    subscribed_after_end: number;
    refused_by: Record<string, number>;
    recent_disagreements: Disagreement[];
  };
}

export interface PolymarketFeeds {
  setMarkets: (markets: readonly MarketInfo[]) => void;
  /** The venue median at input time: our own reading's last fallback at an edge no print covers. */
  observeMedian: (px: number, tsMs: number) => void;
  stats: () => PolymarketFeedStats;
  close: () => Promise<void>;
}

export function startPolymarketFeeds(o: PolymarketFeedsOptions): PolymarketFeeds {
  const feeds = new PolymarketFeedSet(o);
  feeds.start();
  return feeds;
}

class PolymarketFeedSet implements PolymarketFeeds {
  private readonly now: () => number;
  private readonly rest: ClobRest;
  private readonly resyncer: Resyncer;
  private readonly keeper: BookKeeper;
  private readonly watcher: ResolutionWatcher;
  private readonly pool: ClobWsPool;
  private readonly rtds: RtdsFeed | null;
  private readonly polybolt: PolyBoltFeed | null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly resyncLog: BurstLog;
  private readonly droppedLog: BurstLog;
  private droppedSeen = 0;
  private readonly refusedLogs = new Map<string, BurstLog>();
  private active: readonly MarketInfo[] = [];
  private subscribedKey = '';
  private trades = 0;

  constructor(private readonly o: PolymarketFeedsOptions) {
    const now = (this.now = o.now ?? Date.now);
    const logEveryMs = o.logIntervalMs ?? 10_000;
    const warnLog = { warn: (obj: object, msg: string) => o.log?.warn(obj, msg) };
    this.resyncLog = new BurstLog(warnLog, 'polymarket book resync', logEveryMs, now);
    this.droppedLog = new BurstLog(warnLog, 'polymarket_ws: malformed optional field dropped, message kept', logEveryMs, now);
    const rest = (this.rest = new ClobRest({ baseUrl: o.clobUrl, timeoutMs: o.restTimeoutMs, now, tap: o.tap }));
    this.resyncer = new Resyncer({ rest, keeper: () => this.keeper, now, ...o.resync });
    this.keeper = new BookKeeper({
      emit: o.emit,
      requestResync: (tokenId, reason) => {
        // Rate-limited like the venue warnings: a misbehaving socket gives one line per burst.
        this.resyncLog.note(reason, { token_id: tokenId });
        this.resyncer.request(tokenId);
      },
    });
    this.watcher = new ResolutionWatcher({
      emit: o.emit,
      now,
      fetchMarket: (id) => rest.market(id),
      ...(o.fetchGamma ? { fetchGamma: o.fetchGamma } : {}),
      ...o.resolution,
      onDisagreement: (d) => o.log?.warn({ ...d }, 'official resolution disagrees with our own reading'),
      onRefused: (r) =>
        this.refusedLog(r.reason, logEveryMs).note(`${r.reason} (${r.via}: market ${r.market_id}, winner ${r.winning_token_id})`, { ...r }),
    });
    this.pool = this.buildPool();
    this.polybolt = o.polybolt ? this.buildPolyBolt(o.polybolt) : null;
    this.rtds = this.polybolt ? null : this.buildRtds();
  }

  private buildPool(): ClobWsPool {
    const o = this.o;
    const wsLog = stateLogger(o.log, 'polymarket_ws');
    return new ClobWsPool({
      url: o.clobWsUrl,
      maxAssetsPerConnection: o.maxAssetsPerConnection,
      pingIntervalMs: o.clobPingIntervalMs,
      staleAfterMs: o.staleAfterMs,
      bookStaleAfterMs: o.bookStaleAfterMs,
      backoff: o.backoff,
      now: this.now,
      onMessages: (msgs, recvMs) => this.onMessages(msgs, recvMs),
      tap: o.tap,
      onReconnect: (tokens) => this.keeper.invalidate(tokens, 'reconnected: possible gap'),
      onState: (shard, state, reason) => wsLog(state, reason, { shard }),
    });
  }

  private buildRtds(): RtdsFeed {
    const o = this.o;
    const rtdsLog = stateLogger(o.log, 'rtds');
    return new RtdsFeed({
      url: o.rtdsUrl,
      pingIntervalMs: o.rtdsPingIntervalMs,
      staleAfterMs: o.staleAfterMs,
      backoff: o.backoff,
      now: this.now,
      tap: o.tap,
      twapSilenceMs: o.twap?.silenceMs,
      twapRetryMs: o.twap?.retryMs,
      emit: (p) => {
        this.watcher.observeReference(p);
        o.emit(p);
      },
      onState: (state, reason) => rtdsLog(state, reason, {}),
      onTwap: (lookback: TwapLookback, unavailable) => {
        if (unavailable === null) o.log?.info({ lookback_s: lookback }, `rtds: TWAP ${lookback} s available`);
        else
          o.log?.warn(
            { lookback_s: lookback, reason: unavailable },
            `rtds: TWAP ${lookback} s unavailable (${unavailable}): TWAP markets read Chainlink spot, flagged estimated`,
          );
      },
    });
  }

  private buildPolyBolt(p: { url: string; credentials: PolyBoltCredentials }): PolyBoltFeed {
    const o = this.o;
    const log = stateLogger(o.log, 'polybolt');
    return new PolyBoltFeed({
      url: p.url,
      credentials: p.credentials,
      staleAfterMs: o.staleAfterMs,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      now: this.now,
      tap: o.tap,
      emit: (price) => {
        this.watcher.observeReference(price);
        o.emit(price);
      },
      onState: (state, reason) => log(state, reason, {}),
    });
  }

  private refusedLog(reason: string, intervalMs: number): BurstLog {
    let b = this.refusedLogs.get(reason);
    if (!b)
      this.refusedLogs.set(
        reason,
        (b = new BurstLog(
          { warn: (obj: object, msg: string) => this.o.log?.warn(obj, msg) },
          'official result ignored',
          intervalMs,
          this.now,
        )),
      );
    return b;
  }

  start(): void {
    this.rtds?.start();
    this.polybolt?.start();
    this.timers.push(
      setInterval(() => {
        this.watcher.tick();
        this.applySubscriptions();
        // The WS normally sends a book right after subscribing; fetch it over REST if not.
        this.keeper.invalidate(this.keeper.overdue(this.now(), this.o.snapshotWaitMs ?? 5_000), 'no snapshot after subscribing');
      }, this.o.tickMs ?? 1_000),
    );
    this.timers.push(
      setInterval(() => {
        this.resyncLog.flush();
        this.droppedLog.flush();
        const dropped = this.pool.stats().optionalDropped;
        if (dropped > this.droppedSeen)
          this.droppedLog.note(
            `${dropped - this.droppedSeen} more (${dropped} in all): an empty or malformed optional decimal (tick_size, best_bid/best_ask, size, old_tick_size) or a missing timestamp`,
          );
        this.droppedSeen = dropped;
        for (const b of this.refusedLogs.values()) b.flush();
        for (const s of this.statuses()) this.o.emit(s);
      }, this.o.statusIntervalMs ?? 5_000),
    );
  }

  private onMessages(msgs: ClobMessage[], recvMs: number): void {
    for (const m of msgs) {
      if (m.kind === 'market_resolved') {
        const split = m.winningAssetId === null;
        this.watcher.onOfficial(
          {
            market_id: m.market,
            token_ids: m.assetIds,
            winning_token_id: m.winningAssetId ?? '',
            winning_outcome: m.winningOutcome || null,
            ...(split ? { split } : {}),
          },
          'socket',
        );
        this.applySubscriptions();
      } else if (m.kind === 'last_trade_price') {
        this.trades += 1;
        // The print feeds tape confirmation (src/analytics); a size-0 print carries no volume.
        if (m.size !== null && m.size > 0)
          this.o.emit({
            event_type: 'market_trade',
            market_id: m.market,
            token_id: m.assetId,
            px: m.px,
            qty: m.size,
            side: m.side,
            ts_exchange_ms: m.tsMs,
            ts_unix_ms: recvMs,
          });
      } else this.keeper.onMessage(m, recvMs);
    }
  }

  observeMedian(px: number, tsMs: number): void {
    this.watcher.observeMedian(px, tsMs);
  }

  setMarkets(markets: readonly MarketInfo[]): void {
    this.active = [...markets];
    this.watcher.setMarkets(markets);
    this.applySubscriptions();
  }

  /** Subscribes the active markets plus ended ones still waiting for their official result. */
  private applySubscriptions(): void {
    const byId = new Map<string, MarketInfo>();
    for (const m of this.watcher.awaitingOfficial(this.o.keepSubscribedAfterEndMs ?? KEEP_SUBSCRIBED_AFTER_END_MS))
      byId.set(m.market_id, m);
    for (const m of this.active) byId.set(m.market_id, m);
    const want = new Set<string>();
    for (const m of byId.values()) for (const t of m.tokens) want.add(t.token_id);
    const key = [...want].sort().join(',');
    if (key === this.subscribedKey) return;
    this.subscribedKey = key;
    for (const m of byId.values()) for (const t of m.tokens) this.keeper.track(m.market_id, t.token_id, m.tick_size, this.now());
    for (const s of this.keeper.stats()) {
      if (want.has(s.token_id)) continue;
      this.keeper.untrack(s.token_id);
      this.resyncer.forget(s.token_id);
    }
    this.pool.setAssets(want);
  }

  private statuses() {
    const { perShard: _perShard, ...ws } = this.pool.stats();
    const w = this.watcher.counters;
    return polymarketStatuses(
      {
        ws,
        rtds: this.rtds?.stats() ?? null,
        rtdsTwapSummary: this.rtds?.twapSummary() ?? null,
        polybolt: this.polybolt?.status(this.now()) ?? null,
        rest: this.rest.stats,
        restWaitMs: this.rest.waitMs(),
        keeper: this.keeper.counters,
        tokens: this.keeper.stats(),
        trades: this.trades,
        resyncs: this.resyncer.counters,
        resolution: {
          refused: w.refused,
          official: w.official,
          official_split: w.official_split,
          gamma_final_prices: w.gamma_final_prices,
          own: w.own,
          own_estimated: w.own_estimated,
          awaiting: this.awaitingCount(),
          refusedBy: { ...this.watcher.refusedBy },
        },
      },
      this.now(),
    );
  }

  private awaitingCount(): number {
    return this.watcher.awaitingOfficial(this.o.keepSubscribedAfterEndMs ?? KEEP_SUBSCRIBED_AFTER_END_MS).length;
  }

  stats(): PolymarketFeedStats {
    const ts = this.now();
    const { perShard: _perShard, ...ws } = this.pool.stats();
    const tokens = this.keeper
      .stats()
      .map((t) => ({ ...t, book_age_ms: t.last_update_ms === null ? null : Math.max(0, ts - t.last_update_ms) }));
    return {
      ws,
      rtds: this.rtds?.stats() ?? null,
      polybolt: this.polybolt?.stats() ?? null,
      rest: { ...this.rest.stats },
      books: {
        ...this.keeper.counters,
        tracked: tokens.length,
        mirrored: this.keeper.mirroredCount(),
        resyncs_queued: this.resyncer.queued,
        resyncs_throttled: this.resyncer.counters.throttled,
      },
      tokens,
      resolution: {
        ...this.watcher.counters,
        pending: this.watcher.pending(),
        subscribed_after_end: this.awaitingCount(),
        refused_by: { ...this.watcher.refusedBy },
        recent_disagreements: [...this.watcher.disagreements],
      },
    };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.resyncer.close();
    await Promise.all([this.pool.close(), this.rtds?.close(), this.polybolt?.close()]);
  }
}

/**
 * Logs a feed's state changes: a new failure reason once at info, the same reason again
 * (every retry of a night without network) at debug.
 */
function stateLogger(
  log: FeedLogger | undefined,
  name: string,
): (state: FeedState, reason: string | null, extra: Record<string, unknown>) => void {
  let lastReason: string | null = null;
  return (state, reason, extra) => {
    if (!log) return;
    const repeat = state !== 'live' && (reason === null || reason === lastReason);
    if (state !== 'live' && reason !== null) lastReason = reason;
    if (state === 'live') lastReason = null;
    const line = `${name} ${state}${reason ? `: ${reason}` : ''}`;
    if (repeat) log.debug?.({ ...extra, state, reason }, line);
    else if (state === 'blocked') log.warn({ ...extra, state, reason }, line);
    else log.info({ ...extra, state, reason }, line);
  };
}
