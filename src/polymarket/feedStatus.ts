/**
 * The Polymarket sources' health as `venue_status` inputs (`polymarket_ws`, `rtds`,
 * `clob_rest`), built from the components' stats. Pure: time is passed in. The sockets'
 * part comes from `socketHealth` (net/health.ts), the same as every venue's.
 */
import type { FeedState, VenueStatus } from '../core/events.ts';
import type { BookKeeperCounters, TokenBookStats } from './bookKeeper.ts';
import type { ClobRestStats } from './clobRest.ts';
import type { ClobWsStats } from './clobWs.ts';
import { socketHealth } from '../net/health.ts';
import type { RtdsStats } from './rtds.ts';

export interface StatusInputs {
  ws: Omit<ClobWsStats, 'perShard'>;
  /** Null when PolyBolt is the reference socket instead (polybolt.ts reports itself). */
  rtds: RtdsStats | null;
  rtdsTwapSummary: string | null;
  polybolt: VenueStatus | null;
  rest: ClobRestStats;
  restWaitMs: number;
  keeper: BookKeeperCounters;
  tokens: readonly TokenBookStats[];
  trades: number;
  resyncs: { requested: number; throttled: number };
  resolution: {
    refused: number;
    official: number;
    /** Official results that said 50-50 (no token won). */
    official_split: number;
    /** Markets whose Gamma `finalPrice` arrived after their window ended. */
    gamma_final_prices: number;
    own: number;
    own_estimated: number;
    awaiting: number;
    refusedBy: Record<string, number>;
  };
}

function wsStatus(i: StatusInputs, ts: number): VenueStatus {
  const ws = i.ws;
  const h = socketHealth(ws, ts);
  const c = i.keeper;
  const refused: Record<string, number> = {};
  for (const [k, v] of Object.entries(i.resolution.refusedBy)) refused[`official_refused_${k}`] = v;
  return {
    event_type: 'venue_status',
    source: 'polymarket_ws',
    state: h.state,
    // No book line here: whether a book is live is the read model's to say (views/liveness.ts
    // bookRows), and the line shown beside the list of books is counted from that list.
    reason: h.reason,
    messages: h.messages,
    trades: i.trades,
    parse_errors: ws.invalid,
    rejected: c.crossed + c.offGrid + c.bestMismatch + i.resolution.refused,
    reconnects: h.reconnects,
    last_message_ts_ms: h.last_message_ts_ms,
    next_retry_ms: h.next_retry_ms,
    counts: {
      books_tracked: i.tokens.length,
      pong_only_stalls: ws.dataStalls,
      optional_fields_dropped: ws.optionalDropped,
      resyncs_requested: i.resyncs.requested,
      resyncs_throttled: i.resyncs.throttled,
      official_results: i.resolution.official,
      official_results_split: i.resolution.official_split,
      gamma_final_prices: i.resolution.gamma_final_prices,
      official_refused: i.resolution.refused,
      ...refused,
      own_results: i.resolution.own,
      own_results_estimated: i.resolution.own_estimated,
      ended_awaiting_result: i.resolution.awaiting,
    },
    ts_unix_ms: ts,
  };
}

function rtdsStatus(i: StatusInputs, r: RtdsStats, ts: number): VenueStatus {
  const h = socketHealth(r.socket, ts);
  const counts: Record<string, number> = {
    chainlink_prices: r.bySource.chainlink ?? 0,
    binance_prices: r.bySource.binance ?? 0,
    price_stalls: r.priceStalls,
  };
  for (const t of r.twap) {
    counts[`twap${t.lookback_s}_prices`] = t.prices;
    counts[`twap${t.lookback_s}_topic_not_found`] = t.topic_not_found;
    counts[`twap${t.lookback_s}_unavailable`] = t.unavailable === null ? 0 : 1;
  }
  // A degraded TWAP is said in the reason even while the socket itself is live.
  const reason = h.reason ?? i.rtdsTwapSummary;
  return {
    event_type: 'venue_status',
    source: 'rtds',
    state: h.state,
    reason,
    messages: h.messages,
    trades: r.prices,
    parse_errors: r.invalid,
    rejected: r.duplicates,
    reconnects: h.reconnects,
    last_message_ts_ms: h.last_message_ts_ms,
    next_retry_ms: h.next_retry_ms,
    counts,
    ts_unix_ms: ts,
  };
}

function restStatus(i: StatusInputs, ts: number): VenueStatus {
  const rest = i.rest;
  // REST is asked on demand: idle before its first request, down when the latest failed.
  const state: FeedState =
    i.restWaitMs > 0 ? 'rate_limited' : rest.lastError !== null ? 'down' : rest.requests === 0 ? 'connecting' : 'live';
  const reason =
    state === 'rate_limited'
      ? `HTTP 429: next request in ${(i.restWaitMs / 1_000).toFixed(1)} s`
      : state === 'down'
        ? rest.lastError
        : state === 'connecting'
          ? 'no request needed yet'
          : null;
  return {
    event_type: 'venue_status',
    source: 'clob_rest',
    state,
    reason,
    messages: rest.requests,
    trades: 0,
    parse_errors: rest.badBodies,
    rejected: rest.rateLimited,
    reconnects: 0,
    last_message_ts_ms: rest.lastOkMs,
    next_retry_ms: state === 'rate_limited' ? i.restWaitMs : null,
    counts: { requests: rest.requests, failures: rest.failures, rate_limited: rest.rateLimited, bad_bodies: rest.badBodies },
    ts_unix_ms: ts,
  };
}

export function polymarketStatuses(i: StatusInputs, ts: number): VenueStatus[] {
  const reference = i.rtds !== null ? rtdsStatus(i, i.rtds, ts) : i.polybolt;
  return [wsStatus(i, ts), ...(reference ? [reference] : []), restStatus(i, ts)];
}
