/**
 * A socket's counters (`SocketStats`, kept by ResilientSocket) and the one health shape
 * they leave net/ in: `socketHealth` gives them the names and units of the `venue_status`
 * input, which the engine turns into `feed_health`. Pure: time is passed in.
 */
import type { FeedState, VenueStatus } from '../core/events.ts';

export interface SocketStats {
  state: FeedState;
  reason: string | null;
  messages: number;
  /** Connection attempts after the first one, successful or not. */
  reconnects: number;
  connects: number;
  refusals: number;
  lastMessageMs: number | null;
  /** When the current (or last) connection opened. */
  lastConnectMs: number | null;
  lastError: string | null;
  /** When the next connection attempt is due (absolute ms), null while connected or connecting. */
  nextRetryMs: number | null;
  /** HTTP status of the latest refused upgrade (429, 451, 403, …), null once a connection opened. */
  refusedStatus: number | null;
}

/**
 * A socket's part of a source's health, already in the names and units of the
 * `venue_status` input it becomes (and of `feed_health` after it): one shape from the
 * socket to the page. The feed adds its own counters (trades, parse errors, gaps).
 */
export type SocketHealth = Pick<VenueStatus, 'state' | 'reason' | 'messages' | 'reconnects' | 'last_message_ts_ms' | 'next_retry_ms'>;

/** States in which a source waits for its next attempt: the only ones with a `next_retry_ms`. */
const WAITING: readonly FeedState[] = ['down', 'stale', 'blocked', 'rate_limited'];

/** `stats` (one socket's, or shards' folded the same way) as the health it reports at `nowMs`. */
export function socketHealth(
  stats: Pick<SocketStats, 'state' | 'reason' | 'messages' | 'reconnects' | 'lastMessageMs' | 'nextRetryMs'>,
  nowMs: number,
): SocketHealth {
  const waiting = WAITING.includes(stats.state) && stats.nextRetryMs !== null;
  return {
    state: stats.state,
    reason: stats.reason,
    messages: stats.messages,
    reconnects: stats.reconnects,
    last_message_ts_ms: stats.lastMessageMs,
    next_retry_ms: waiting ? Math.max(0, Math.round(stats.nextRetryMs! - nowMs)) : null,
  };
}
