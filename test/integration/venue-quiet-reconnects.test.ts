// Goal: a venue that stops trading while its server keeps accepting subscriptions and drops the connection again and again never reads `live` after a reconnect once it is past the trade limit — its feed health and the median agree that it does not count — and reads `live` again with its first fresh trade.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { BtcMedian, FeedHealth, OutputEvent } from '../../src/core/outputs.ts';
import { startVenueFeeds } from '../../src/venues/venueFeeds.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { startFakeVenue, type FakeVenue } from './fakes/venueServers.ts';
import { FAST, until } from './fakes/kit.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The trade limit (POLYLAB_VENUE_TRADE_STALE_MS) and the median's staleness, equal so both leave at the same time. */
const TRADE_STALE_MS = 700;
/** The quiet venue's server drops every connection this often: well inside the trade limit. */
const DROP_EVERY_MS = 200;

async function fake(v: 'coinbase' | 'kraken' | 'bitstamp'): Promise<FakeVenue> {
  const f = await startFakeVenue(v);
  cleanups.push(() => f.close());
  return f;
}

/** Trades every 40 ms while `on()` says so. */
function stream(f: FakeVenue, px: number, on: () => boolean = () => true): void {
  let id = 1;
  const t = setInterval(() => {
    if (on()) f.sendTrade({ px, id: id++ });
  }, 40);
  cleanups.push(() => clearInterval(t));
}

describe('a venue that goes quiet and is dropped again and again', () => {
  it('reads stale, not live, after every reconnect past the trade limit, out of the median, and live with its next trade', async () => {
    const [cb, bs, kr] = [await fake('coinbase'), await fake('bitstamp'), await fake('kraken')];
    const cfg = loadConfig({
      POLYLAB_VENUES: 'coinbase,bitstamp,kraken',
      POLYLAB_COINBASE_WS_URL: cb.url,
      POLYLAB_BITSTAMP_WS_URL: bs.url,
      POLYLAB_KRAKEN_WS_URL: kr.url,
      POLYLAB_MEDIAN_STALENESS_MS: String(TRADE_STALE_MS),
    });
    const engine = buildEngine(cfg, 'paper-live', 'quiet', null);
    const out: OutputEvent[] = [...engine.start(Date.now())];
    const step = (e: InputEvent) => {
      for (const o of engine.step(e)) out.push(o);
    };
    const feeds = startVenueFeeds({
      venues: cfg.venueEndpoints(),
      emit: step,
      log: pino({ level: 'silent' }),
      tuning: { ...FAST, tradeStaleAfterMs: TRADE_STALE_MS },
    });
    cleanups.push(() => feeds.stop());
    const timer = setInterval(() => step({ event_type: 'timer', ts_unix_ms: Date.now() }), 50);
    cleanups.push(() => clearInterval(timer));
    let krakenTrades = true;
    stream(cb, 64_000);
    stream(bs, 64_010);
    stream(kr, 64_020, () => krakenTrades);
    const kraken = () => out.filter((o): o is FeedHealth => o.event_type === 'feed_health' && o.source === 'kraken');
    const medians = () => out.filter((o): o is BtcMedian => o.event_type === 'btc_median');
    await until(() => medians().some((m) => m.venue_count === 3) && kraken().some((h) => h.state === 'live' && h.trades > 0));

    // Kraken stops trading; its server keeps accepting subscriptions (and heartbeating) but drops every connection.
    krakenTrades = false;
    const quietFromMs = Date.now();
    const drops = setInterval(() => kr.closeAll(1011, 'restart'), DROP_EVERY_MS);
    cleanups.push(() => clearInterval(drops));
    const connectionsAtQuiet = kr.connections;
    // Past the trade limit (plus a status interval), then through several more reconnects.
    const judgedFromMs = quietFromMs + TRADE_STALE_MS + 2 * (FAST.statusIntervalMs ?? 100);
    await until(() => Date.now() > judgedFromMs && kr.connections >= connectionsAtQuiet + 3 && kr.subscribedConnections >= 1);
    const countedFromMs = Date.now();
    await until(() => kr.connections >= connectionsAtQuiet + 8 && kr.subscribedConnections >= 1, 10_000);
    const windowEndMs = Date.now();

    const judged = kraken().filter((h) => h.ts_unix_ms >= countedFromMs && h.ts_unix_ms <= windowEndMs);
    expect(judged.length).toBeGreaterThan(5);
    // Reconnected all along, but never `live`: each reconnect reads stale (or down while it is dropped).
    expect(judged.map((h) => h.state).filter((s) => s === 'live')).toEqual([]);
    expect(judged.filter((h) => h.state === 'stale').length).toBeGreaterThan(0);
    expect(judged.find((h) => h.state === 'stale')!.reason).toBe('no trade for over 1 s (heartbeats only): reconnecting');
    // The median agrees: Kraken is not among the venues it read, and the two others still make it.
    const inWindow = medians().filter((m) => m.ts_unix_ms >= countedFromMs && m.ts_unix_ms <= windowEndMs);
    expect(inWindow.length).toBeGreaterThan(0);
    for (const m of inWindow) {
      expect(Object.keys(m.venue_px ?? {}).sort()).toEqual(['bitstamp', 'coinbase']);
      expect(m.venue_count).toBe(2);
    }
    expect(judged.every((h) => h.venues_contributing === 2)).toBe(true);

    // The drops stop and trades come back: live again with its first fresh trade, and back in the median.
    clearInterval(drops);
    const backFromMs = Date.now();
    krakenTrades = true;
    await until(() => kraken().some((h) => h.ts_unix_ms >= backFromMs && h.state === 'live'));
    await until(() => medians().some((m) => m.ts_unix_ms >= backFromMs && m.venue_count === 3));
    const firstLive = kraken().find((h) => h.ts_unix_ms >= backFromMs && h.state === 'live')!;
    expect(firstLive.trades).toBeGreaterThan(kraken().find((h) => h.ts_unix_ms >= countedFromMs)!.trades);
  });
});
