/**
 * paper-live composition: venue trade feeds, Polymarket discovery (Gamma), books (CLOB
 * market socket + REST resync), reference prices and resolution (data socket + CLOB REST),
 * and a 1 s timer — all emitting typed inputs into one engine on the one JS thread. Every
 * edge reconnects by itself; nothing here throws on bad input or a dead network.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { InputEvent } from './core/events.ts';
import type { OutputEvent } from './core/outputs.ts';
import type { Engine } from './core/engine.ts';
import type { RawTap } from './feeds/tap.ts';
import { startVenueFeeds, type VenueFeeds } from './feeds/live.ts';
import { GammaRollover } from './feeds/polymarket/rollover.ts';
import { startPolymarketFeeds, type PolymarketFeeds } from './feeds/polymarket/feeds.ts';

export interface LiveOptions {
  cfg: Config;
  engine: Engine;
  sink: (e: OutputEvent) => void;
  log: Logger;
  now?: () => number;
  /** Printed once when nothing at all can be reached. */
  onOffline?: (hint: string) => void;
  timerMs?: number;
  statusIntervalMs?: number;
  /** Venue feed timing (tests use short ones). */
  venueTuning?: Parameters<typeof startVenueFeeds>[0]['tuning'];
  gammaPollMs?: number;
  /** Sees every input just before the engine does (capture). */
  onInput?: (input: InputEvent) => void;
  /** Sees every raw frame and HTTP body the edges receive (capture). */
  tap?: RawTap;
}

export interface LiveRun {
  stop(): Promise<number>;
  /** Inputs the engine failed on (a bug, logged, never fatal). */
  readonly engineErrors: () => number;
  venues: VenueFeeds;
  polymarket: PolymarketFeeds;
  rollover: GammaRollover;
}

/** A median older than this is not used to judge absurd venue prints. */
const REFERENCE_FRESH_MS = 10_000;

export function startLive(o: LiveOptions): LiveRun {
  const now = o.now ?? Date.now;
  const log = o.log;
  let engineErrors = 0;
  let lastMedian: { px: number; ts: number } | null = null;
  const emit = (input: InputEvent): void => {
    let outs: OutputEvent[];
    o.onInput?.(input);
    try {
      outs = o.engine.step(input);
    } catch (err) {
      // The core is pure and tested; if it still throws, log and drop this input, never die.
      engineErrors += 1;
      if (engineErrors === 1 || engineErrors % 1000 === 0) log.error({ err, input_type: input.event_type, count: engineErrors }, 'engine failed on an input');
      return;
    }
    for (const out of outs) {
      if (out.event_type === 'btc_median') lastMedian = { px: out.px_median, ts: out.ts_unix_ms };
      o.sink(out);
    }
  };

  const venues = startVenueFeeds({
    cfg: o.cfg, emit, log: log.child({ component: 'venues' }), now, tuning: o.venueTuning, onOffline: o.onOffline, tap: o.tap,
    referencePx: () => (lastMedian && now() - lastMedian.ts <= REFERENCE_FRESH_MS ? lastMedian.px : null),
  });
  const polyLog = log.child({ component: 'polymarket' });
  const polymarket = startPolymarketFeeds({ clobWsUrl: o.cfg.clobWsUrl, clobUrl: o.cfg.clobUrl, rtdsUrl: o.cfg.rtdsUrl, emit, log: polyLog, now, tap: o.tap });
  let knownMarkets = '';
  const rollover = new GammaRollover({
    baseUrl: o.cfg.gammaUrl, families: o.cfg.markets, nowMs: now, pollIntervalMs: o.gammaPollMs, tap: o.tap,
    emit: (e) => {
      emit(e);
      // Books and resolution follow the active set as windows roll.
      const markets = rollover.markets();
      const key = markets.map((m) => m.market_id).sort().join(',');
      if (key !== knownMarkets) {
        knownMarkets = key;
        polymarket.setMarkets(markets);
        polyLog.info({ markets: markets.map((m) => m.slug) }, `following ${markets.length} BTC up/down markets`);
      }
    },
  });
  rollover.start();

  const timer = setInterval(() => emit({ event_type: 'timer', ts_unix_ms: now() }), o.timerMs ?? 1_000);
  let gammaState = '';
  const status = setInterval(() => {
    const s = rollover.stats();
    const failing = s.consecutive_failures > 0 || s.last_success_ms === null;
    const state = s.last_success_ms === null ? (s.errors > 0 ? 'down' : 'connecting') : failing ? 'stale' : 'live';
    const reason = failing ? s.last_error : `${s.active} markets active`;
    if (state !== gammaState) log.info({ source: 'gamma', state, reason }, `gamma ${state}${reason ? `: ${reason}` : ''}`);
    gammaState = state;
    emit({
      event_type: 'venue_status', source: 'gamma', state, reason, messages: s.requests, trades: 0, parse_errors: s.invalid_markets,
      rejected: s.rate_limited, reconnects: 0, last_message_ts_ms: s.last_success_ms, ts_unix_ms: now(),
    });
  }, o.statusIntervalMs ?? 5_000);

  return {
    venues, polymarket, rollover,
    engineErrors: () => engineErrors,
    async stop(): Promise<number> {
      clearInterval(timer);
      clearInterval(status);
      await Promise.all([venues.stop(), polymarket.close(), rollover.stop()]);
      return now();
    },
  };
}
