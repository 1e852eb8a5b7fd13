// Goal: every registered venue feed, against a loopback fake speaking that venue's protocol, streams validated trades and survives drops, silence, garbage, refusals and bad prints.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig, type VenueName } from '../../src/app/config.ts';
import { VenueTradeSchema, type InputEvent, type VenueStatus, type VenueTrade } from '../../src/core/events.ts';
import { VenueFeed } from '../../src/venues/venueFeed.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { ADAPTERS } from '../../src/venues/index.ts';
import { FAST, until } from './fakes/kit.ts';
import { GARBAGE_FRAMES, startFakeVenue, type FakeVenue } from './fakes/venueServers.ts';

const defaults = loadConfig({});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fakeFor(v: VenueName, opts?: { reject?: boolean }): Promise<FakeVenue> {
  const fake = await startFakeVenue(v, opts);
  cleanups.push(() => fake.close());
  return fake;
}

function harness(v: VenueName, fake: FakeVenue) {
  const events: InputEvent[] = [];
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const feed = new VenueFeed({
    adapter: ADAPTERS[v]!,
    url: fake.url,
    symbol: defaults.venueSymbol(v),
    emit: (e) => events.push(e),
    log: log.child({ venue: v }),
    tuning: FAST,
  });
  cleanups.push(() => feed.stop());
  feed.start();
  return {
    feed,
    events,
    lines,
    trades: () => events.filter((e): e is VenueTrade => e.event_type === 'venue_trade'),
    statuses: () => events.filter((e): e is VenueStatus => e.event_type === 'venue_status'),
  };
}

/** Sends a trade every `everyMs` with increasing ids until stopped. */
function streamer(fake: FakeVenue, everyMs = 30, px = 64_000) {
  let id = 1;
  const t = setInterval(() => fake.sendTrade({ px: px + (id % 5), id: id++ }), everyMs);
  cleanups.push(() => clearInterval(t));
}

const venues = Object.keys(ADAPTERS) as VenueName[];

describe.each(venues)('%s feed against its fake venue', (v) => {
  it('streams trades as validated venue_trade events and goes live', async () => {
    const fake = await fakeFor(v);
    const h = harness(v, fake);
    await until(() => fake.subscribedConnections === 1 && h.feed.stats().state === 'live');
    [64_000, 64_001.5, 64_002].forEach((px, i) => fake.sendTrade({ px, id: i + 1, side: i === 1 ? 'sell' : 'buy' }));
    await until(() => h.trades().length === 3);
    const trades = h.trades();
    expect(trades.map((t) => t.px)).toEqual([64_000, 64_001.5, 64_002]);
    for (const t of trades) expect(VenueTradeSchema.parse(t)).toEqual(t);
    expect(trades.map((t) => t.venue)).toEqual([v, v, v]);
    expect(trades.map((t) => t.side)).toEqual(['buy', 'sell', 'buy']);
    expect(h.statuses().some((s) => s.state === 'live')).toBe(true);
    expect(h.lines.some((l) => l.includes(`"msg":"${v}: live"`))).toBe(true);
  });

  it('reconnects and resubscribes after the server closes mid-stream', async () => {
    const fake = await fakeFor(v);
    const h = harness(v, fake);
    await until(() => fake.subscribedConnections === 1);
    streamer(fake);
    await until(() => h.trades().length >= 2);
    fake.closeAll(1011, 'restart');
    await until(() => h.statuses().some((s) => s.state === 'down'));
    const atDrop = h.trades().length;
    await until(() => fake.subscriptions >= 2 && h.trades().length >= atDrop + 2);
    expect(fake.connections).toBe(2);
    expect(h.feed.stats().reconnects).toBe(1);
    expect(h.statuses().find((s) => s.state === 'down')!.reason).toMatch(/closed by server \(1011 restart\)/);
    expect(h.feed.stats().state).toBe('live');
  });

  it('replaces a silent connection once the staleness limit passes', async () => {
    const fake = await fakeFor(v);
    const h = harness(v, fake);
    await until(() => fake.subscribedConnections === 1);
    streamer(fake);
    await until(() => h.trades().length >= 2);
    fake.silence();
    await until(() => fake.connections >= 2 && fake.subscribedConnections >= 1);
    const stale = h.statuses().find((s) => s.state === 'stale');
    expect(stale?.reason).toMatch(/no message for \d+ ms/);
    const after = h.trades().length;
    await until(() => h.trades().length >= after + 2);
    expect(h.feed.stats().last_error).toMatch(/stale/);
  });

  it('counts garbage frames, logs the burst once, and keeps streaming', async () => {
    const fake = await fakeFor(v);
    const h = harness(v, fake);
    await until(() => h.feed.stats().state === 'live');
    for (const g of GARBAGE_FRAMES) fake.sendRaw(g);
    fake.sendTrade({ px: Number.NaN, id: 1 });
    fake.sendTrade({ px: 64_000, id: 2 });
    await until(() => h.trades().length === 1);
    const s = h.feed.stats();
    expect(s.parse_errors).toBe(GARBAGE_FRAMES.length + 1);
    expect(s.state).toBe('live');
    expect(h.trades()[0]!.px).toBe(64_000);
    expect(h.lines.filter((l) => l.includes(`${v}: bad frame`))).toHaveLength(1);
    await until(() => h.statuses().some((st) => st.parse_errors === GARBAGE_FRAMES.length + 1));
  });

  it('surfaces a refused subscription in its status and never goes live', async () => {
    const fake = await fakeFor(v, { reject: true });
    const h = harness(v, fake);
    await until(() => h.statuses().some((s) => (s.last_error ?? '').includes(fake.rejectHint)));
    const refused = h.statuses().find((s) => (s.last_error ?? '').includes(fake.rejectHint))!;
    expect(refused.state).toBe('down');
    expect(refused.reason).toMatch(/subscription refused/);
    await until(() => fake.connections >= 2); // it keeps retrying, with backoff
    expect(h.statuses().some((s) => s.state === 'live')).toBe(false);
    expect(h.trades()).toHaveLength(0);
  });

  it('duplicates, out-of-order prints and absurd prices reach the engine and are refused there, before the median, and shown in feed health', async () => {
    const fake = await fakeFor(v);
    const h = harness(v, fake);
    await until(() => h.feed.stats().state === 'live');
    // The engine's trade filter judges absurd prices against its own median; give it one.
    const engine = buildEngine(loadConfig({ POLYLAB_MEDIAN_MIN_VENUES: '1' }), 'paper-live', 'filter', null);
    const t0 = Date.now();
    engine.step({
      event_type: 'venue_trade',
      venue: 'other',
      symbol: 'BTC-USD',
      px: 64_000,
      qty: 1,
      side: 'buy',
      trade_id: 'x',
      ts_exchange_ms: t0,
      ts_unix_ms: t0,
    });
    expect(engine.step({ event_type: 'timer', ts_unix_ms: t0 }).some((o) => o.event_type === 'btc_median')).toBe(true);
    fake.sendTrade({ px: 64_000, id: 1, tsMs: t0 });
    fake.sendTrade({ px: 64_010, id: 2, tsMs: t0 + 10 });
    fake.sendTrade({ px: 64_010, id: 2, tsMs: t0 + 10 }); // duplicate
    fake.sendTrade({ px: 64_020, id: 3, tsMs: t0 - 5_000 }); // out of order
    fake.sendTrade({ px: 80_000, id: 4, tsMs: t0 + 20 }); // 25 % from the reference
    fake.sendTrade({ px: 500, id: 5, tsMs: t0 + 30 }); // outside the hard band
    fake.sendTrade({ px: 64_030, id: 6, tsMs: t0 + 40 });
    await until(() => h.trades().length === 7);
    const outs = [...h.trades(), h.feed.status()].flatMap((e) => engine.step({ ...e, ts_unix_ms: Math.max(e.ts_unix_ms, t0) }));
    const health = outs.find((o) => o.event_type === 'feed_health');
    expect(health).toMatchObject({ source: v, trades: 7, rejected: 4, rejected_by: { duplicate: 1, out_of_order: 1, absurd_px: 2 } });
  });
});

describe('venue-specific feed behaviour', () => {
  it('coinbase: counts a gap in trade ids and one announced by a heartbeat', async () => {
    const fake = await fakeFor('coinbase');
    const h = harness('coinbase', fake);
    await until(() => h.feed.stats().state === 'live');
    for (const id of [1, 2, 5]) fake.sendTrade({ px: 64_000 + id, id });
    await until(() => h.trades().length === 3);
    expect(h.feed.stats()).toMatchObject({ seq_gaps: 1, seq_missing: 2 });
    fake.sendRaw(
      JSON.stringify({ type: 'heartbeat', sequence: 99, last_trade_id: 9, product_id: 'BTC-USD', time: new Date().toISOString() }),
    );
    await until(() => h.feed.stats().seq_gaps === 2);
    expect(h.feed.stats().seq_missing).toBe(6);
    await until(() => h.statuses().some((s) => s.seq_gaps === 2));
  });

  it('kraken: counts a gap in trade ids', async () => {
    const fake = await fakeFor('kraken');
    const h = harness('kraken', fake);
    await until(() => h.feed.stats().state === 'live');
    for (const id of [1, 2, 4]) fake.sendTrade({ px: 64_000 + id, id });
    await until(() => h.trades().length === 3);
    expect(h.feed.stats()).toMatchObject({ seq_gaps: 1, seq_missing: 1 });
  });

  it('stops cleanly: closes the socket, reports down/stopped and never reconnects', async () => {
    const fake = await fakeFor('kraken');
    const h = harness('kraken', fake);
    await until(() => h.feed.stats().state === 'live');
    await h.feed.stop();
    expect(h.statuses().at(-1)).toMatchObject({ state: 'down', reason: 'stopped' });
    const seen = h.events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.connections).toBe(1);
    expect(fake.subscribedConnections).toBe(0);
    expect(h.events.length).toBe(seen);
  });

  it('bitstamp: sends heartbeats and reconnects when the venue requests it', async () => {
    const fake = await fakeFor('bitstamp');
    const h = harness('bitstamp', fake);
    await until(() => h.feed.stats().state === 'live' && fake.received.includes('{"event":"bts:heartbeat"}'));
    fake.sendRaw('{"event":"bts:request_reconnect","channel":"","data":""}');
    await until(() => fake.subscriptions === 2 && h.feed.stats().state === 'live');
    expect(h.feed.stats().last_error).toBe('venue requested reconnect: bts:request_reconnect');
    expect(h.feed.stats().reconnects).toBe(1);
  });
});
