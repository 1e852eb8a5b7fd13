/**
 * paper-live composition: venue trade feeds, Polymarket discovery (Gamma), books (CLOB
 * market socket + REST resync), reference prices and resolution (data socket + CLOB REST),
 * and a 1 s timer — all emitting typed inputs into one engine on the one JS thread. Every
 * edge reconnects by itself; nothing here throws on bad input or a dead network.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { InputEvent } from '../core/events.ts';
import type { OutputEvent } from '../core/outputs.ts';
import type { Engine } from '../engine/engine.ts';
import { afterMs, type Observe } from './pacing.ts';
import type { Session } from './session.ts';
import type { RawTap } from '../capture/format.ts';
import { startVenueFeeds, type VenueFeeds } from '../venues/venueFeeds.ts';
import { BurstLog } from '../net/burstLog.ts';
import { GammaRollover } from '../polymarket/rollover.ts';
import { ClobRest } from '../polymarket/clobRest.ts';
import { startPolymarketFeeds, type PolymarketFeeds, type PolymarketFeedsOptions } from '../polymarket/polymarketFeeds.ts';

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
  /** Sees each input with the engine's outputs for it (the trust analytics). */
  observe?: (input: InputEvent, outs: readonly OutputEvent[]) => void;
  /** Polymarket feed timing (tests use short ones). */
  polymarketTuning?: Partial<Omit<PolymarketFeedsOptions, 'clobWsUrl' | 'clobUrl' | 'rtdsUrl' | 'emit' | 'log' | 'now'>>;
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

/** How often a source's refused trades are logged at most (the first, then a summary). */
const REJECT_LOG_INTERVAL_MS = 10_000;

export function startLive(o: LiveOptions): LiveRun {
  const now = o.now ?? Date.now;
  const log = o.log;
  let engineErrors = 0;
  const logRejects = rejectLogger(log, now);
  let medianSink: ((px: number, tsMs: number) => void) | null = null;
  const emit = (input: InputEvent): void => {
    let outs: OutputEvent[];
    o.onInput?.(input);
    try {
      outs = o.engine.step(input);
    } catch (err) {
      // The core is pure and tested; if it still throws, log and drop this input, never die.
      engineErrors += 1;
      if (engineErrors === 1 || engineErrors % 1000 === 0)
        log.error({ err, input_type: input.event_type, count: engineErrors }, 'engine failed on an input');
      return;
    }
    o.observe?.(input, outs);
    for (const out of outs) {
      if (out.event_type === 'feed_health') logRejects(out);
      // The one venue median (the engine's) is the own reading's last fallback at an edge
      // no reference print covers; it flows one way (median → estimated result), no loop.
      else if (out.event_type === 'btc_median') medianSink?.(out.px_median, out.ts_unix_ms);
      o.sink(out);
    }
  };

  const venues = startVenueFeeds({
    venues: o.cfg.venueEndpoints(),
    emit,
    log: log.child({ component: 'venues' }),
    now,
    onOffline: o.onOffline,
    tap: o.tap,
    tuning: { tradeStaleAfterMs: o.cfg.venueTradeStaleMs, blockedRetryMs: o.cfg.blockedRetryMs, ...o.venueTuning },
  });
  const polyLog = log.child({ component: 'polymarket' });
  const polymarket = startPolymarketFeeds({
    bookStaleAfterMs: o.cfg.marketSocketStaleMs,
    ...o.polymarketTuning,
    resolution: { settleDelayMs: o.cfg.ownReadingDelayMs, ...o.polymarketTuning?.resolution },
    clobWsUrl: o.cfg.clobWsUrl,
    clobUrl: o.cfg.clobUrl,
    rtdsUrl: o.cfg.rtdsUrl,
    // PolyBolt when its credentials are configured, RTDS otherwise.
    polybolt: o.cfg.polyboltCredentials ? { url: o.cfg.polyboltUrl, credentials: o.cfg.polyboltCredentials } : null,
    // Ended markets' Gamma events (official result, final price) through the rollover's client.
    fetchGamma: (m) => rollover.official(m),
    emit,
    log: polyLog,
    now,
    tap: o.tap,
  });
  medianSink = (px, tsMs) => polymarket.observeMedian(px, tsMs);
  let knownMarkets = '';
  // Each market's taker delay from its CLOB market info (`itode`); a client of its own so a
  // CLOB without that route never marks the books' REST client down.
  const marketInfo = new ClobRest({ baseUrl: o.cfg.clobUrl, now, tap: o.tap });
  const rollover = new GammaRollover({
    takerDelayOf: async (conditionId) => {
      const r = await marketInfo.takerDelayMs(conditionId);
      return r.ok ? r.value : null;
    },
    baseUrl: o.cfg.gammaUrl,
    families: o.cfg.markets,
    nowMs: now,
    pollIntervalMs: o.gammaPollMs,
    log: log.child({ component: 'gamma' }),
    tap: o.tap,
    emit: (e) => {
      emit(e);
      // Books and resolution follow the active set as windows roll.
      const markets = rollover.markets();
      const key = markets
        .map((m) => m.market_id)
        .sort()
        .join(',');
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
    const s = rollover.status(now());
    if (s.state !== gammaState)
      log.info({ source: 'gamma', state: s.state, reason: s.reason }, `gamma ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
    gammaState = s.state;
    emit(s);
  }, o.statusIntervalMs ?? 5_000);

  return {
    venues,
    polymarket,
    rollover,
    engineErrors: () => engineErrors,
    async stop(): Promise<number> {
      clearInterval(timer);
      clearInterval(status);
      await Promise.all([venues.stop(), polymarket.close(), rollover.stop()]);
      return now();
    },
  };
}

/** Logs trades the engine's filter refused, per source: the first of a burst, then a summary per interval. */
function rejectLogger(log: Logger, now: () => number): (h: Extract<OutputEvent, { event_type: 'feed_health' }>) => void {
  const seen = new Map<string, { count: number; burst: BurstLog }>();
  return (h) => {
    if (!h.rejected_by) return;
    const total = h.rejected_by.duplicate + h.rejected_by.out_of_order + h.rejected_by.absurd_px;
    let s = seen.get(h.source);
    if (!s)
      seen.set(
        h.source,
        (s = {
          count: 0,
          burst: new BurstLog(log.child({ venue: h.source }), `${h.source}: trades refused by the filter`, REJECT_LOG_INTERVAL_MS, now),
        }),
      );
    if (total > s.count)
      s.burst.note(`duplicate=${h.rejected_by.duplicate} out_of_order=${h.rejected_by.out_of_order} absurd_px=${h.rejected_by.absurd_px}`);
    s.count = total;
  };
}

/** Live public data until Ctrl-C / SIGTERM or `--duration` of wall time. */
export async function runPaperLive(
  cfg: Config,
  engine: Engine,
  sink: (e: OutputEvent) => void,
  observe: Observe,
  log: Logger,
  signal: AbortSignal,
  session: Session,
  startMs: number,
): Promise<number> {
  for (const e of engine.start(startMs)) sink(e);
  process.stderr.write(
    `paper-live: ${cfg.venues.length} venues (${cfg.venues.join(', ')}) and Polymarket BTC up/down markets (${cfg.markets.join(', ')}); paper trading only, Ctrl-C to stop\n`,
  );
  const live = startLive({
    cfg,
    engine,
    sink,
    log,
    observe,
    onInput: session.onInput,
    tap: session.rawTap,
    onOffline: (hint) => process.stderr.write(`polylab: ${hint}\n`),
  });
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    // Stepped: a single timer past 2^31 ms (24.8 days) would fire at once and end the run.
    if (cfg.durationMs !== null) afterMs(cfg.durationMs, resolve);
  });
  return live.stop();
}
