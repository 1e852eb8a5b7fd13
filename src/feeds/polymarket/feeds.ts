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

export interface FeedLogger {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
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
  const now = o.now ?? Date.now;
  const rest = new ClobRest({ baseUrl: o.clobUrl, timeoutMs: o.restTimeoutMs, now });
  let trades = 0;
  const resyncer = new Resyncer({ rest, keeper: () => keeper, now });
  const keeper: BookKeeper = new BookKeeper({
    emit: o.emit,
    requestResync: (tokenId, reason) => {
      o.log?.info({ token_id: tokenId, reason }, 'polymarket book resync');
      resyncer.request(tokenId);
    },
  });
  const watcher = new ResolutionWatcher({
    emit: o.emit, now, fetchMarket: (id) => rest.market(id), ...o.resolution,
    onDisagreement: (d) => o.log?.warn({ ...d }, 'official resolution disagrees with our own reading'),
  });
  const onMessages = (msgs: ClobMessage[], recvMs: number): void => {
    for (const m of msgs) {
      if (m.kind === 'market_resolved') watcher.onOfficialToken(m.winningAssetId);
      else if (m.kind === 'last_trade_price') trades += 1;
      else keeper.onMessage(m, recvMs);
    }
  };
  const pool = new ClobWsPool({
    url: o.clobWsUrl, maxAssetsPerConnection: o.maxAssetsPerConnection, pingIntervalMs: o.clobPingIntervalMs, staleAfterMs: o.staleAfterMs,
    backoff: o.backoff, now, onMessages,
    onReconnect: (tokens) => keeper.invalidate(tokens, 'reconnected: possible gap'),
    onState: (shard, state, reason) => o.log?.info({ shard, state, reason }, 'polymarket_ws state'),
  });
  const rtds = new RtdsFeed({
    url: o.rtdsUrl, pingIntervalMs: o.rtdsPingIntervalMs, staleAfterMs: o.staleAfterMs, backoff: o.backoff, now,
    emit: (p) => {
      watcher.observeReference(p);
      o.emit(p);
    },
    onState: (state, reason) => o.log?.info({ state, reason }, 'rtds state'),
  });
  rtds.start();

  const tick = setInterval(() => {
    watcher.tick();
    // The WS normally sends a book right after subscribing; fetch it over REST if not.
    keeper.invalidate(keeper.overdue(now(), o.snapshotWaitMs ?? 5_000), 'no snapshot after subscribing');
  }, o.tickMs ?? 1_000);
  const status = setInterval(() => {
    for (const s of statuses()) o.emit(s);
  }, o.statusIntervalMs ?? 5_000);

  function statuses(): VenueStatus[] {
    const ts = now();
    const ws = pool.stats();
    const r = rtds.stats();
    const c = keeper.counters;
    const restState: FeedState = rest.waitMs() > 0 ? 'stale' : 'live';
    return [
      { event_type: 'venue_status', source: 'polymarket_ws', state: ws.state, reason: ws.reason, messages: ws.messages, trades, parse_errors: ws.invalid, rejected: c.crossed + c.offGrid + c.bestMismatch, reconnects: ws.reconnects, last_message_ts_ms: ws.lastMessageMs, ts_unix_ms: ts },
      { event_type: 'venue_status', source: 'rtds', state: r.socket.state, reason: r.socket.reason, messages: r.socket.messages, trades: r.prices, parse_errors: r.invalid, rejected: r.duplicates, reconnects: r.socket.reconnects, last_message_ts_ms: r.socket.lastMessageMs, ts_unix_ms: ts },
      { event_type: 'venue_status', source: 'clob_rest', state: restState, reason: restState === 'stale' ? 'rate limited' : null, messages: rest.stats.requests, trades: 0, parse_errors: rest.stats.badBodies, rejected: rest.stats.rateLimited, reconnects: 0, last_message_ts_ms: null, ts_unix_ms: ts },
    ];
  }

  return {
    setMarkets(markets) {
      const want = new Set<string>();
      for (const m of markets) {
        for (const t of m.tokens) {
          want.add(t.token_id);
          keeper.track(m.market_id, t.token_id, m.tick_size, now());
        }
      }
      for (const s of keeper.stats()) {
        if (want.has(s.token_id)) continue;
        keeper.untrack(s.token_id);
        resyncer.forget(s.token_id);
      }
      pool.setAssets(want);
      watcher.setMarkets(markets);
    },
    stats() {
      const ts = now();
      const { perShard: _perShard, ...ws } = pool.stats();
      const tokens = keeper.stats().map((t) => ({ ...t, book_age_ms: t.last_update_ms === null ? null : Math.max(0, ts - t.last_update_ms) }));
      return {
        ws, rtds: rtds.stats(), rest: { ...rest.stats },
        books: { ...keeper.counters, tracked: tokens.length, live: keeper.liveCount(), resyncs_queued: resyncer.queued },
        tokens,
        resolution: { ...watcher.counters, pending: watcher.pending(), recent_disagreements: [...watcher.disagreements] },
      };
    },
    async close() {
      clearInterval(tick);
      clearInterval(status);
      resyncer.close();
      await Promise.all([pool.close(), rtds.close()]);
    },
  };
}
