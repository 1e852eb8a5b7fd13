/**
 * paper-live's venue side: one VenueFeed per configured venue, all emitting into one
 * callback. A venue without an adapter, or one that cannot be reached, never stops the
 * others; when no venue at all can be reached we say once how to run offline.
 */
import type { Logger } from 'pino';
import type { InputEvent, VenueStatus } from '../core/events.ts';
import { VenueFeed, type VenueFeedStats, type VenueFeedTuning } from './venueFeed.ts';
import { ADAPTERS, type VenueEndpoint, type VenueName } from './index.ts';
import type { VenueAdapter } from './types.ts';
import type { RawTap } from '../net/tap.ts';
import { OFFLINE_HINT } from '../views/liveness.ts';

export { OFFLINE_HINT };

export interface StartVenueFeedsOptions {
  /** The configured venues, in order. */
  venues: readonly VenueEndpoint[];
  emit: (e: InputEvent) => void;
  log: Logger;
  now?: () => number;
  /** Short timeouts for tests; production defaults otherwise. */
  tuning?: Partial<VenueFeedTuning>;
  /** Defaults to the registry; tests may pass their own. */
  adapters?: Partial<Record<VenueName, VenueAdapter>>;
  /** Called once when every venue has failed and none has ever been live. */
  onOffline?: (hint: string) => void;
  /** Sees every raw frame (capture). */
  tap?: RawTap;
}

export interface VenueFeeds {
  stop(): Promise<void>;
  stats(): VenueFeedStats[];
}

export function startVenueFeeds(o: StartVenueFeedsOptions): VenueFeeds {
  const now = o.now ?? Date.now;
  const adapters = o.adapters ?? ADAPTERS;
  const feeds: VenueFeed[] = [];
  const missing: VenueFeedStats[] = [];
  let hinted = false;

  const checkOffline = () => {
    if (hinted || feeds.length === 0) return;
    const all = feeds.map((f) => f.stats());
    if (all.every((s) => s.state !== 'live' && !s.ever_live && s.last_error !== null)) {
      hinted = true;
      o.log.warn({ venues: all.map((s) => ({ venue: s.venue, error: s.last_error })) }, OFFLINE_HINT);
      o.onOffline?.(OFFLINE_HINT);
    }
  };
  const emit = (e: InputEvent) => {
    o.emit(e);
    if (e.event_type === 'venue_status') checkOffline();
  };

  for (const { venue, url, symbol } of o.venues) {
    const adapter = adapters[venue];
    if (!adapter) {
      const reason = `no adapter for ${venue} in this build`;
      // Reported like any dead venue, so feed health shows why it never contributes.
      const status: VenueStatus = {
        event_type: 'venue_status',
        source: venue,
        state: 'down',
        reason,
        messages: 0,
        trades: 0,
        parse_errors: 0,
        rejected: 0,
        reconnects: 0,
        last_message_ts_ms: null,
        seq_gaps: 0,
        last_error: reason,
        ts_unix_ms: now(),
      };
      const extras = { seq_missing: 0, ever_live: false, last_trade_ms: null, trade_stalls: 0 };
      missing.push({ ...status, venue, url, seq_gaps: 0, last_error: reason, ...extras });
      o.log.warn({ venue }, `${venue}: down — ${reason}`);
      o.emit(status);
      continue;
    }
    feeds.push(
      new VenueFeed({
        adapter,
        url,
        symbol,
        emit,
        log: o.log.child({ venue }),
        now,
        tap: o.tap,
        ...(o.tuning ? { tuning: o.tuning } : {}),
      }),
    );
  }
  o.log.info({ venues: feeds.map((f) => f.venue) }, `connecting to ${feeds.length} venue(s): ${feeds.map((f) => f.venue).join(', ')}`);
  for (const f of feeds) f.start();

  return {
    stop: async () => {
      await Promise.all(feeds.map((f) => f.stop()));
    },
    stats: () => [...feeds.map((f) => f.stats()), ...missing],
  };
}
