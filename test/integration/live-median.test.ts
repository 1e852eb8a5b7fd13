// Goal: paper-live's venue side end to end — fake venues plus a dead one feed the real Engine, which emits btc_median from the live venues and shows the dead one down with its reason.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent } from '../../src/core/events.ts';
import { OutputEventSchema, type OutputEvent } from '../../src/core/outputs.ts';
import { OFFLINE_HINT, startVenueFeeds } from '../../src/venues/venueFeeds.ts';
import { coinbase } from '../../src/venues/coinbase.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { closedPortUrl, startFakeVenue, type FakeVenue } from './fakes/venueServers.ts';
import { FAST, until } from './fakes/kit.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const silent = pino({ level: 'silent' });

async function fake(v: 'coinbase' | 'kraken' | 'bitstamp'): Promise<FakeVenue> {
  const f = await startFakeVenue(v);
  cleanups.push(() => f.close());
  return f;
}

function stream(f: FakeVenue, px: number, everyMs = 40): void {
  let id = 1;
  const t = setInterval(() => f.sendTrade({ px, id: id++ }), everyMs);
  cleanups.push(() => clearInterval(t));
}

describe('startVenueFeeds → Engine', () => {
  it('emits btc_median from the live venues while the dead one shows down with a reason', async () => {
    const [cb, kr] = [await fake('coinbase'), await fake('kraken')];
    const dead = await closedPortUrl();
    const cfg = loadConfig({
      POLYLAB_VENUES: 'coinbase,kraken,bitstamp',
      POLYLAB_COINBASE_WS_URL: cb.url,
      POLYLAB_KRAKEN_WS_URL: kr.url,
      POLYLAB_BITSTAMP_WS_URL: dead,
    });
    const engine = buildEngine(cfg, 'paper-live', 'e2e', null);
    const out: OutputEvent[] = [...engine.start(Date.now())];
    const step = (e: InputEvent) => {
      for (const o of engine.step(e)) out.push(o);
    };
    const feeds = startVenueFeeds({ venues: cfg.venueEndpoints(), emit: step, log: silent, tuning: FAST });
    cleanups.push(() => feeds.stop());
    const timer = setInterval(() => step({ event_type: 'timer', ts_unix_ms: Date.now() }), 50);
    cleanups.push(() => clearInterval(timer));
    stream(cb, 64_000);
    stream(kr, 64_010);

    await until(
      () =>
        out.some((o) => o.event_type === 'btc_median' && o.venue_count === 2) &&
        out.some((o) => o.event_type === 'feed_health' && o.source === 'bitstamp' && o.state === 'down') &&
        out.some((o) => o.event_type === 'feed_health' && o.venues_contributing === 2),
    );
    for (const o of out) OutputEventSchema.parse(o);
    const medians = out.filter((o): o is Extract<OutputEvent, { event_type: 'btc_median' }> => o.event_type === 'btc_median');
    expect(medians.every((m) => m.venue_count <= 2)).toBe(true);
    expect(medians.at(-1)).toMatchObject({ px_median: 64_005, venue_count: 2 });
    const deadHealth = out.find((o) => o.event_type === 'feed_health' && o.source === 'bitstamp' && o.state === 'down');
    expect(deadHealth).toMatchObject({ reason: expect.stringMatching(/ECONNREFUSED/), trades: 0 });
    const byVenue = new Map(feeds.stats().map((s) => [s.venue, s]));
    expect(byVenue.get('coinbase')!.state).toBe('live');
    expect(byVenue.get('kraken')!.state).toBe('live');
    expect(byVenue.get('bitstamp')!.last_error).toMatch(/ECONNREFUSED/);
  });

  it('with no venue reachable, stays up, keeps retrying and says once how to run the simulator', async () => {
    const urls = [await closedPortUrl(), await closedPortUrl()];
    const cfg = loadConfig({ POLYLAB_VENUES: 'coinbase,kraken', POLYLAB_COINBASE_WS_URL: urls[0], POLYLAB_KRAKEN_WS_URL: urls[1] });
    const statuses: InputEvent[] = [];
    const hints: string[] = [];
    const feeds = startVenueFeeds({
      venues: cfg.venueEndpoints(),
      emit: (e) => statuses.push(e),
      log: silent,
      tuning: FAST,
      onOffline: (h) => hints.push(h),
    });
    cleanups.push(() => feeds.stop());
    const connecting = (v: string) =>
      statuses.filter((s) => s.event_type === 'venue_status' && s.source === v && s.state === 'connecting').length;
    await until(() => connecting('coinbase') >= 3 && connecting('kraken') >= 3);
    expect(hints).toEqual([OFFLINE_HINT]);
    expect(OFFLINE_HINT).toMatch(/--mode sim/);
    for (const s of feeds.stats()) expect(s.last_error).toMatch(/ECONNREFUSED/);
  });

  it('reports a configured venue without an adapter as down instead of failing', async () => {
    const cb = await fake('coinbase');
    const cfg = loadConfig({ POLYLAB_VENUES: 'coinbase,okx', POLYLAB_COINBASE_WS_URL: cb.url });
    const statuses: InputEvent[] = [];
    const feeds = startVenueFeeds({
      venues: cfg.venueEndpoints(),
      emit: (e) => statuses.push(e),
      log: silent,
      tuning: FAST,
      adapters: { coinbase },
    });
    cleanups.push(() => feeds.stop());
    await until(() => feeds.stats().find((s) => s.venue === 'coinbase')!.state === 'live');
    expect(feeds.stats().find((s) => s.venue === 'okx')).toMatchObject({ state: 'down', reason: 'no adapter for okx in this build' });
    expect(statuses.find((s) => s.event_type === 'venue_status' && s.source === 'okx')).toMatchObject({ state: 'down' });
  });
});
