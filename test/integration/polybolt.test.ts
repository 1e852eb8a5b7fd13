// Goal: against a loopback PolyBolt speaking the documented protocol, the feed authenticates before it subscribes, seeds from the snapshot, counts seq gaps and drops, reconnects after a 4003 drain, and stops for good on 4001 and 4008 — and the lab picks PolyBolt over RTDS when credentials are configured.
import { afterEach, describe, expect, it } from 'vitest';
import type { InputEvent, ReferencePrice, VenueStatus } from '../../src/core/events.ts';
import { PolyBoltFeed } from '../../src/polymarket/polybolt.ts';
import { startPolymarketFeeds } from '../../src/polymarket/polymarketFeeds.ts';
import { PolyBoltCredentials } from '../../src/polymarket/wire/polyboltAuth.ts';
import { fakePolyBolt, type FakePolyBolt } from './fakes/polybolt.ts';
import { fakeClobRest, fakeWsServer } from './fakes/polymarket.ts';

const CREDS = { apiKey: 'key-0000', secret: 'sec-1111', passphrase: 'pp-2222' };
const T = 1_788_886_000_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(creds = CREDS): Promise<{ fake: FakePolyBolt; feed: PolyBoltFeed; prints: ReferencePrice[]; states: string[] }> {
  const fake = await fakePolyBolt(CREDS);
  fake.snapshot = [
    { timestamp: T - 2_000, px: 65_000 },
    { timestamp: T - 1_000, px: 65_001 },
  ];
  const prints: ReferencePrice[] = [];
  const states: string[] = [];
  const feed = new PolyBoltFeed({
    url: fake.ws.url,
    credentials: new PolyBoltCredentials(creds.apiKey, creds.secret, creds.passphrase),
    emit: (p) => prints.push(p),
    backoff: { initialMs: 20, maxMs: 100 },
    onState: (s, r) => states.push(`${s}: ${r ?? ''}`),
  });
  cleanups.push(
    () => fake.close(),
    () => feed.close(),
  );
  feed.start();
  return { fake, feed, prints, states };
}

describe('PolyBolt feed on a loopback PolyBolt', () => {
  it('authenticates first, subscribes only once authed, and seeds the buffer from the snapshot', async () => {
    const { fake, feed, prints } = await setup();
    await until(() => prints.length === 2, 'the snapshot prints');
    const [first, second] = fake.ws.received[0]!.map((t) => JSON.parse(t) as { op: string });
    expect(first).toEqual({ op: 'auth', rid: 'a1', auth: CREDS });
    expect(second).toMatchObject({ op: 'subscribe' });
    expect(prints.map((p) => [p.source, p.px, p.ts_exchange_ms])).toEqual([
      ['chainlink_twap60', 65_000, T - 2_000],
      ['chainlink_twap60', 65_001, T - 1_000],
    ]);
    fake.twap(0, { timestamp: T, px: 65_002 });
    await until(() => prints.length === 3, 'a live print');
    expect(feed.status(Date.now())).toMatchObject({
      source: 'polybolt',
      state: 'live',
      seq_gaps: 0,
      counts: { snapshots: 2, snapshot_prices: 2 },
    });
  });

  it('counts a seq gap and the server-reported drops in feed health', async () => {
    const { fake, feed, prints } = await setup();
    await until(() => prints.length === 2, 'the snapshot');
    fake.twap(0, { timestamp: T, px: 1 });
    fake.twap(0, { timestamp: T + 1_000, px: 2 }, { skip: 2, dropped: 2 });
    await until(() => prints.length === 4, 'the live prints');
    const s: VenueStatus = feed.status(Date.now());
    expect(s.seq_gaps).toBe(1);
    expect(s.counts).toMatchObject({ dropped: 2, twap60_prices: 4 });
  });

  it('reconnects after a 4003 drain: authenticates again, takes the new snapshot, skips what it already had', async () => {
    const { fake, feed, prints } = await setup();
    await until(() => prints.length === 2, 'the snapshot');
    fake.closeWith(0, 4003, 'draining');
    fake.snapshot.push({ timestamp: T, px: 65_010 });
    await until(() => fake.authed.has(1) && prints.length === 3, 'the second connection and its snapshot');
    expect(prints.at(-1)).toMatchObject({ px: 65_010, ts_exchange_ms: T });
    // seq restarts on the new connection: no gap is counted for it.
    fake.twap(1, { timestamp: T + 1_000, px: 65_011 });
    await until(() => prints.length === 4, 'a live print on the new connection');
    const s = feed.status(Date.now());
    expect(s).toMatchObject({ state: 'live', seq_gaps: 0, rejected: 2, counts: { closed_4003: 1 } });
    expect(fake.auths).toHaveLength(2);
  });

  it('stops for good on 4001 (wrong credentials) and says why, without reconnecting', async () => {
    const { fake, feed, states } = await setup({ ...CREDS, secret: 'wrong' });
    await until(() => feed.stats().fatal !== null, 'the fatal close');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.ws.connections).toHaveLength(1);
    expect(feed.status(Date.now())).toMatchObject({ state: 'down', counts: { closed_4001: 1 } });
    expect(feed.status(Date.now()).reason).toContain('4001');
    // What is shown never carries the values that were refused.
    expect(JSON.stringify(feed.status(Date.now())) + states.join('\n')).not.toContain('wrong');
  });

  it('stops for good on 4008 (policy violation)', async () => {
    const { fake, feed, prints } = await setup();
    await until(() => prints.length === 2, 'the snapshot');
    fake.closeWith(0, 4008, 'policy');
    await until(() => feed.stats().fatal !== null, 'the fatal close');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.ws.connections).toHaveLength(1);
    expect(feed.status(Date.now()).reason).toContain('4008');
  });
});

describe('choosing the reference socket', () => {
  it('uses PolyBolt when credentials are configured and never opens RTDS', async () => {
    const fake = await fakePolyBolt(CREDS);
    fake.snapshot = [{ timestamp: T, px: 65_000 }];
    const rtds = await fakeWsServer();
    const clobWs = await fakeWsServer();
    const rest = await fakeClobRest();
    const emitted: InputEvent[] = [];
    const feeds = startPolymarketFeeds({
      clobWsUrl: clobWs.url,
      clobUrl: rest.url,
      rtdsUrl: rtds.url,
      polybolt: { url: fake.ws.url, credentials: new PolyBoltCredentials(CREDS.apiKey, CREDS.secret, CREDS.passphrase) },
      emit: (e) => emitted.push(e),
      statusIntervalMs: 50,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(
      () => fake.close(),
      () => rtds.close(),
      () => clobWs.close(),
      () => rest.close(),
      () => feeds.close(),
    );
    await until(
      () => emitted.some((e) => e.event_type === 'venue_status' && e.source === 'polybolt' && e.state === 'live'),
      'a live polybolt status',
    );
    expect(emitted.some((e) => e.event_type === 'reference_price' && e.source === 'chainlink_twap60' && e.px === 65_000)).toBe(true);
    expect(rtds.connections).toHaveLength(0);
    expect(emitted.some((e) => e.event_type === 'venue_status' && e.source === 'rtds')).toBe(false);
    expect(feeds.stats().rtds).toBeNull();
  });
});
