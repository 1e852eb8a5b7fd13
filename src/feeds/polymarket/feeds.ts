/**
 * `startPolymarketFeeds`: wires the Polymarket edges together for `polylab run` —
 * the CLOB market channel (sharded) through the book keeper (REST resync on gaps and
 * inconsistencies), the real-time data socket (Chainlink / Binance reference prices) and
 * the resolution watcher — and emits their InputEvents plus periodic `venue_status`
 * inputs (`polymarket_ws`, `rtds`, `clob_rest`). Discovery calls `setMarkets` with the
 * active markets; everything else follows from it.
 */
import type { FeedState, InputEvent, MarketInfo, VenueStatus } from '../../core/events.ts';
import { BookKeeper, type BookKeeperCounters, type TokenBookStats } from './bookKeeper.ts';
import { ClobRest, type ClobRestStats } from './clobRest.ts';
import { ClobWsPool, type ClobWsStats } from './clobWs.ts';
import type { ClobMessage } from './clobWsMessages.ts';
import { ResolutionWatcher, type Disagreement } from './resolution.ts';
import { Resyncer } from './resync.ts';
import { RtdsFeed, type RtdsStats } from './rtds.ts';
import type { RawTap } from '../tap.ts';

export interface FeedLogger {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  debug?: (obj: object, msg: string) => void;
}

export interface PolymarketFeedsOptions {
  clobWsUrl: string;
  clobUrl: string;
  rtdsUrl: string;
  emit: (e: InputEvent) => void;
  log?: FeedLogger;
  now?: () => number;
  maxAssetsPerConnection?: number;
  statusIntervalMs?: number;
  /** Timing knobs, mostly for tests. */
  clobPingIntervalMs?: number;
  rtdsPingIntervalMs?: number;
  staleAfterMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  restTimeoutMs?: number;
  /** How long a new token may wait for its first WS book before REST is asked. */
  snapshotWaitMs?: number;
  /** Period of the resolution / snapshot-wait checks. */
  tickMs?: number;
  resolution?: { settleDelayMs?: number; pollIntervalMs?: number; giveUpAfterMs?: number };
  /** Sees every raw frame and REST body (capture). */
  tap?: RawTap;
}

export interface TokenHealth extends TokenBookStats {
  /** Receive-time age of the last consistent update (null: never had a book). */
  book_age_ms: number | null;
}

export interface PolymarketFeedStats {
  ws: Omit<ClobWsStats, 'perShard'>;
  rtds: RtdsStats;
  rest: ClobRestStats;
  books: BookKeeperCounters & { tracked: number; live: number; resyncs_queued: number };
  tokens: TokenHealth[];
  resolution: ResolutionWatcher['counters'] & { pending: number; recent_disagreements: Disagreement[] };
}

export interface PolymarketFeeds {
  setMarkets: (markets: readonly MarketInfo[]) => void;
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
  private readonly rtds: RtdsFeed;
  private readonly timers: NodeJS.Timeout[] = [];
  private trades = 0;

  constructor(private readonly o: PolymarketFeedsOptions) {
    const wsLog = stateLogger(o.log, 'polymarket_ws');
    const rtdsLog = stateLogger(o.log, 'rtds');
    const now = (this.now = o.now ?? Date.now);
    const rest = (this.rest = new ClobRest({ baseUrl: o.clobUrl, timeoutMs: o.restTimeoutMs, now, tap: o.tap }));
    this.resyncer = new Resyncer({ rest, keeper: () => this.keeper, now });
    this.keeper = new BookKeeper({
      emit: o.emit,
      requestResync: (tokenId, reason) => {
        o.log?.info({ token_id: tokenId, reason }, 'polymarket book resync');
        this.resyncer.request(tokenId);
      },
    });
    this.watcher = new ResolutionWatcher({
      emit: o.emit, now, fetchMarket: (id) => rest.market(id), ...o.resolution,
      onDisagreement: (d) => o.log?.warn({ ...d }, 'official resolution disagrees with our own reading'),
    });
    this.pool = new ClobWsPool({
      url: o.clobWsUrl, maxAssetsPerConnection: o.maxAssetsPerConnection, pingIntervalMs: o.clobPingIntervalMs, staleAfterMs: o.staleAfterMs,
      backoff: o.backoff, now, onMessages: (msgs, recvMs) => this.onMessages(msgs, recvMs), tap: o.tap,
      onReconnect: (tokens) => this.keeper.invalidate(tokens, 'reconnected: possible gap'),
      onState: (shard, state, reason) => wsLog(state, reason, { shard }),
    });
    this.rtds = new RtdsFeed({
      url: o.rtdsUrl, pingIntervalMs: o.rtdsPingIntervalMs, staleAfterMs: o.staleAfterMs, backoff: o.backoff, now, tap: o.tap,
      emit: (p) => {
        this.watcher.observeReference(p);
        o.emit(p);
      },
      onState: (state, reason) => rtdsLog(state, reason, {}),
    });
  }

  start(): void {
    this.rtds.start();
    this.timers.push(setInterval(() => {
      this.watcher.tick();
      // The WS normally sends a book right after subscribing; fetch it over REST if not.
      this.keeper.invalidate(this.keeper.overdue(this.now(), this.o.snapshotWaitMs ?? 5_000), 'no snapshot after subscribing');
    }, this.o.tickMs ?? 1_000));
    this.timers.push(setInterval(() => {
      for (const s of this.statuses()) this.o.emit(s);
    }, this.o.statusIntervalMs ?? 5_000));
  }

  private onMessages(msgs: ClobMessage[], recvMs: number): void {
    for (const m of msgs) {
      if (m.kind === 'market_resolved') this.watcher.onOfficialToken(m.winningAssetId);
      else if (m.kind === 'last_trade_price') this.trades += 1;
      else this.keeper.onMessage(m, recvMs);
    }
  }

  setMarkets(markets: readonly MarketInfo[]): void {
    const want = new Set<string>();
    for (const m of markets) {
      for (const t of m.tokens) {
        want.add(t.token_id);
        this.keeper.track(m.market_id, t.token_id, m.tick_size, this.now());
      }
    }
    for (const s of this.keeper.stats()) {
      if (want.has(s.token_id)) continue;
      this.keeper.untrack(s.token_id);
      this.resyncer.forget(s.token_id);
    }
    this.pool.setAssets(want);
    this.watcher.setMarkets(markets);
  }

  private statuses(): VenueStatus[] {
    const ts = this.now();
    const ws = this.pool.stats();
    const r = this.rtds.stats();
    const c = this.keeper.counters;
    const rest = this.rest.stats;
    // REST is asked on demand: idle before its first request, down when the latest failed.
    const restState: FeedState = this.rest.waitMs() > 0 ? 'stale' : rest.lastError !== null ? 'down' : rest.requests === 0 ? 'connecting' : 'live';
    const restReason = restState === 'stale' ? 'rate limited' : restState === 'down' ? rest.lastError : restState === 'connecting' ? 'no request needed yet' : null;
    return [
      { event_type: 'venue_status', source: 'polymarket_ws', state: ws.state, reason: ws.reason ?? this.booksSummary(ts), messages: ws.messages, trades: this.trades, parse_errors: ws.invalid, rejected: c.crossed + c.offGrid + c.bestMismatch, reconnects: ws.reconnects, last_message_ts_ms: ws.lastMessageMs, ts_unix_ms: ts },
      { event_type: 'venue_status', source: 'rtds', state: r.socket.state, reason: r.socket.reason, messages: r.socket.messages, trades: r.prices, parse_errors: r.invalid, rejected: r.duplicates, reconnects: r.socket.reconnects, last_message_ts_ms: r.socket.lastMessageMs, ts_unix_ms: ts },
      { event_type: 'venue_status', source: 'clob_rest', state: restState, reason: restReason, messages: rest.requests, trades: 0, parse_errors: rest.badBodies, rejected: rest.rateLimited, reconnects: 0, last_message_ts_ms: rest.lastOkMs, ts_unix_ms: ts },
    ];
  }

  /** "3/4 books live, oldest update 2.1 s ago": book health inside the feed_health line. */
  private booksSummary(ts: number): string {
    const tokens = this.keeper.stats();
    let oldest: number | null = null;
    for (const t of tokens) if (t.state === 'live' && t.last_update_ms !== null) oldest = Math.max(oldest ?? 0, ts - t.last_update_ms);
    const age = oldest === null ? '' : `, oldest update ${(oldest / 1_000).toFixed(1)} s ago`;
    return `${this.keeper.liveCount()}/${tokens.length} books live${age}`;
  }

  stats(): PolymarketFeedStats {
    const ts = this.now();
    const { perShard: _perShard, ...ws } = this.pool.stats();
    const tokens = this.keeper.stats().map((t) => ({ ...t, book_age_ms: t.last_update_ms === null ? null : Math.max(0, ts - t.last_update_ms) }));
    return {
      ws, rtds: this.rtds.stats(), rest: { ...this.rest.stats },
      books: { ...this.keeper.counters, tracked: tokens.length, live: this.keeper.liveCount(), resyncs_queued: this.resyncer.queued },
      tokens,
      resolution: { ...this.watcher.counters, pending: this.watcher.pending(), recent_disagreements: [...this.watcher.disagreements] },
    };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.resyncer.close();
    await Promise.all([this.pool.close(), this.rtds.close()]);
  }
}

/**
 * Logs a feed's state changes: a new failure reason once at info, the same reason again
 * (every retry of a night without network) at debug.
 */
function stateLogger(log: FeedLogger | undefined, name: string): (state: FeedState, reason: string | null, extra: Record<string, unknown>) => void {
  let lastReason: string | null = null;
  return (state, reason, extra) => {
    if (!log) return;
    const repeat = state !== 'live' && (reason === null || reason === lastReason);
    if (state !== 'live' && reason !== null) lastReason = reason;
    if (state === 'live') lastReason = null;
    const line = `${name} ${state}${reason ? `: ${reason}` : ''}`;
    if (repeat) log.debug?.({ ...extra, state, reason }, line);
    else log.info({ ...extra, state, reason }, line);
  };
}
