// Goal: discovery and rollover against a real loopback Gamma find every family's current + next window, roll them, and survive Gamma failures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputEvent, MarketFamily } from '../../src/core/events.ts';
import { InputEventSchema } from '../../src/core/events.ts';
import { discoverOnce } from '../../src/polymarket/discovery.ts';
import { GammaClient, newCounters } from '../../src/polymarket/gamma.ts';
import { GammaRollover } from '../../src/polymarket/rollover.ts';
import type { RolloverOptions } from '../../src/polymarket/rollover.ts';
import { currentAndNextStarts, windowEndMs } from '../../src/polymarket/windows.ts';
import { FakeGamma, fixture, gammaEvent } from './gammaFake.ts';

const FAMILIES: MarketFamily[] = ['5m', '15m', '1h', '4h', '1d'];
const NOW = Date.parse('2026-11-25T11:48:35Z');

let gamma: FakeGamma;
let rollovers: GammaRollover[] = [];
beforeEach(async () => {
  gamma = new FakeGamma();
  await gamma.start();
});
afterEach(async () => {
  await Promise.all(rollovers.map((r) => r.stop()));
  rollovers = [];
  await gamma.close();
});

/** Lists current, next and the window after for each family (Gamma lists a day ahead). */
function listThreeWindows(families: MarketFamily[], nowMs: number): void {
  for (const f of families) {
    const [cur, next] = currentAndNextStarts(f, nowMs);
    for (const start of [cur, next, windowEndMs(f, next)]) gamma.listed.push(gammaEvent(f, start));
  }
}

function rollover(clock: { t: number }, emitted: InputEvent[], over: Partial<RolloverOptions> = {}): GammaRollover {
  const r = new GammaRollover({
    baseUrl: gamma.url,
    families: ['5m'],
    nowMs: () => clock.t,
    emit: (e) => emitted.push(e),
    pollIntervalMs: 1_000,
    timeoutMs: 2_000,
    random: () => 0.5,
    ...over,
  });
  rollovers.push(r);
  return r;
}

describe('discoverOnce against a loopback Gamma', () => {
  it('finds the current and next window of every family with its own rule, and only those', async () => {
    listThreeWindows(FAMILIES, NOW);
    const { markets, counters } = await discoverOnce(gamma.url, FAMILIES, NOW);
    expect(markets).toHaveLength(10);
    for (const f of FAMILIES) {
      const [cur, next] = currentAndNextStarts(f, NOW);
      expect(markets.filter((m) => m.family === f).map((m) => m.window_start_ms)).toEqual([cur, next]);
    }
    const rules = Object.fromEntries(markets.map((m) => [m.family, `${m.resolution.rule}/${m.resolution.source}`]));
    expect(rules).toEqual({
      '5m': 'end_gte_start/chainlink',
      '15m': 'end_gte_start/chainlink',
      '4h': 'end_gte_start/chainlink',
      '1h': 'candle_close_gte_open/binance',
      '1d': 'minute_close_vs_close/binance',
    });
    expect(counters).toMatchObject({ errors: 0, rate_limited: 0, invalid_markets: 0 });
    // Gamma's current list route; the legacy /events is only the fallback.
    expect(gamma.requests.every((r) => r.method === 'GET' && r.path === '/events/keyset')).toBe(true);
    expect(gamma.requests.some((r) => r.params.get('slug') === 'bitcoin-up-or-down-november-25-2026-6am-et')).toBe(true);
    expect(gamma.requests.some((r) => r.params.get('series_id') === '10684' && r.params.get('closed') === 'false')).toBe(true);
  });

  it('falls back to the legacy /events when Gamma has no keyset route, and stays there for a while', async () => {
    gamma.keyset = false;
    const [cur] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', cur));
    const counters = newCounters();
    const client = new GammaClient({ baseUrl: gamma.url, nowMs: () => NOW, counters });
    const first = await client.events({ slug: gamma.listed[0]!.slug as string });
    const second = await client.events({ slug: gamma.listed[0]!.slug as string });
    expect(first).toMatchObject({ ok: true, data: [expect.objectContaining({ slug: gamma.listed[0]!.slug })] });
    expect(second.ok).toBe(true);
    expect(gamma.requests.map((r) => r.path)).toEqual(['/events/keyset', '/events', '/events']);
    expect(counters).toMatchObject({ keyset_fallbacks: 1, errors: 0 });
  });

  it('does not fall back on a server error: a 500 from the keyset route is the answer of this pass', async () => {
    gamma.failNext = ['500'];
    const counters = newCounters();
    const client = new GammaClient({ baseUrl: gamma.url, nowMs: () => NOW, counters });
    expect(await client.events({ slug: 'x' })).toMatchObject({ ok: false, kind: 'http' });
    expect(gamma.requests.map((r) => r.path)).toEqual(['/events/keyset']);
    expect(counters).toMatchObject({ keyset_fallbacks: 0, errors: 1 });
  });

  it('finds a window through its series when its slug follows no known format', async () => {
    const [cur] = currentAndNextStarts('15m', NOW);
    gamma.listed.push(gammaEvent('15m', cur, { slug: 'btc-up-or-down-15m-new-style' }));
    const { markets } = await discoverOnce(gamma.url, ['15m'], NOW);
    expect(markets.map((m) => [m.slug, m.family])).toEqual([['btc-up-or-down-15m-new-style', '15m']]);
  });

  it('parses JSON-string fields and maps tokens by outcome when Gamma lists ["Down","Up"]', async () => {
    const [cur] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', cur, { market: { outcomes: '["Down", "Up"]', clobTokenIds: '["2002", "1001"]' } }));
    const { markets } = await discoverOnce(gamma.url, ['5m'], NOW);
    expect(markets[0]!.tokens).toEqual([
      { token_id: '1001', outcome: 'Up' },
      { token_id: '2002', outcome: 'Down' },
    ]);
  });

  it('drops non-BTC, closed, not-accepting and no-orderbook markets and counts malformed ones', async () => {
    const [cur, next] = currentAndNextStarts('5m', NOW);
    const [c15, n15] = currentAndNextStarts('15m', NOW);
    const negRisk = (fixture('gamma_events_list_negrisk_truncated.json') as unknown as Record<string, unknown>[])[0]!;
    gamma.listed.push(
      { ...negRisk, slug: 'btc-updown-5m-' + cur / 1000 }, // answers the 5m slug with a non-BTC event
      gammaEvent('5m', next, { market: { closed: true } }),
      gammaEvent('15m', c15, { market: { acceptingOrders: false } }),
      gammaEvent('15m', n15, { market: { enableOrderBook: false } }),
      gammaEvent('15m', windowEndMs('15m', n15), { market: { clobTokenIds: undefined } }),
    );
    const { markets, counters } = await discoverOnce(gamma.url, ['5m', '15m'], NOW);
    expect(markets).toEqual([]);
    expect(counters.invalid_markets).toBe(1); // the market without clobTokenIds, once
    expect(counters.errors).toBe(0);
  });
});

describe('GammaRollover', () => {
  it('announces current + next, then closes the ended window and discovers the one after', async () => {
    const clock = { t: NOW };
    const emitted: InputEvent[] = [];
    const r = rollover(clock, emitted);
    const [a, b] = currentAndNextStarts('5m', NOW);
    const c = windowEndMs('5m', b);
    for (const s of [a, b, c]) gamma.listed.push(gammaEvent('5m', s));

    const first = await r.pollOnce();
    expect(first).toMatchObject({ ok: true, discovered: 2, closed: 0, delayMs: 1_000 });
    expect(emitted.map((e) => e.event_type === 'market_discovered' && e.market.window_start_ms)).toEqual([a, b]);
    const idA = r.markets().find((m) => m.window_start_ms === a)!.market_id;

    clock.t = b + 1_000; // window A is over
    emitted.length = 0;
    const second = await r.pollOnce();
    expect(second).toMatchObject({ ok: true, discovered: 1, closed: 1 });
    expect(emitted[0]).toEqual({ event_type: 'market_closed', market_id: idA, ts_unix_ms: b + 1_000 });
    expect(emitted[1]!.event_type === 'market_discovered' && emitted[1]!.market.window_start_ms).toBe(c);
    expect(
      r
        .markets()
        .map((m) => m.window_start_ms)
        .sort(),
    ).toEqual([b, c]);
    for (const e of emitted) expect(InputEventSchema.safeParse(e).success).toBe(true);
  });

  it('re-announces a market when Gamma fills in its price to beat', async () => {
    const clock = { t: NOW };
    const emitted: InputEvent[] = [];
    const r = rollover(clock, emitted);
    const [a] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', a));
    await r.pollOnce();
    gamma.listed[0] = gammaEvent('5m', a, { event: { eventMetadata: { priceToBeat: 87_000.5 } } });
    emitted.length = 0;
    await r.pollOnce();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.event_type === 'market_discovered' && emitted[0]!.market.price_to_beat).toBe(87_000.5);
  });

  it('keeps a known price to beat when a later response lacks it', async () => {
    const clock = { t: NOW };
    const emitted: InputEvent[] = [];
    const r = rollover(clock, emitted);
    const [a] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', a, { event: { eventMetadata: { priceToBeat: 86_500 } } }));
    await r.pollOnce();
    gamma.listed[0] = gammaEvent('5m', a, { event: { eventMetadata: null } });
    emitted.length = 0;
    await r.pollOnce();
    expect(emitted).toEqual([]);
    expect(r.markets()[0]!.price_to_beat).toBe(86_500);
  });

  it('rolls eight hours of 5m and 4h windows without leaking: every discovered market is closed once', async () => {
    gamma.generate = true;
    const start = Date.parse('2026-11-24T00:01:00Z');
    const clock = { t: start };
    const emitted: InputEvent[] = [];
    const r = rollover(clock, emitted, { families: ['5m', '4h'] });
    let maxActive = 0;
    // Loopback HTTP costs a few ms per request here, so eight hours (≈100 windows, 600
    // requests) keeps the test quick; nothing in the loop depends on the span.
    for (clock.t = start; clock.t < start + 8 * 3_600_000; clock.t += 300_000) {
      await r.pollOnce();
      maxActive = Math.max(maxActive, r.stats().active);
    }
    const discovered = new Set(emitted.flatMap((e) => (e.event_type === 'market_discovered' ? [e.market.market_id] : [])));
    const closed = emitted.flatMap((e) => (e.event_type === 'market_closed' ? [e.market_id] : []));
    expect(discovered.size).toBeGreaterThanOrEqual(96 + 3);
    expect(new Set(closed).size).toBe(closed.length);
    expect(closed.length + r.stats().active).toBe(discovered.size);
    expect(maxActive).toBeLessThanOrEqual(4);
    expect(r.stats().errors).toBe(0);
  }, 30_000);

  it.each([
    ['HTTP 500', '500', 'errors', 'http'],
    ['bad JSON', 'badjson', 'errors', 'bad_json'],
  ] as const)('counts %s, backs off, keeps the active set, and recovers on the next poll', async (_name, mode, counter, kind) => {
    const clock = { t: NOW };
    const r = rollover(clock, []);
    const [a, b] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', a), gammaEvent('5m', b));
    await r.pollOnce();
    gamma.failAll = mode;
    const bad = await r.pollOnce();
    expect(bad.ok).toBe(false);
    expect(bad.delayMs).toBeGreaterThanOrEqual(750); // pollInterval × 2^0 × jitter 0.75
    expect(r.stats()[counter]).toBe(3);
    expect(r.stats().last_error).toMatch(kind);
    expect(r.markets()).toHaveLength(2);
    const worse = await r.pollOnce();
    expect(worse.delayMs).toBeGreaterThan(bad.delayMs); // exponential
    gamma.failAll = null;
    const good = await r.pollOnce();
    expect(good).toMatchObject({ ok: true, delayMs: 1_000 });
    expect(r.stats()).toMatchObject({ consecutive_failures: 0, active: 2 });
  });

  it('stops the pass on HTTP 429 and waits at least Retry-After before the next poll', async () => {
    const clock = { t: NOW };
    const r = rollover(clock, [], { families: FAMILIES });
    listThreeWindows(FAMILIES, NOW);
    gamma.failNext = ['429'];
    gamma.retryAfter = '7';
    const limited = await r.pollOnce();
    expect(gamma.requests).toHaveLength(1);
    expect(limited.ok).toBe(false);
    expect(limited.delayMs).toBeGreaterThanOrEqual(7_000);
    expect(r.stats()).toMatchObject({ rate_limited: 1, errors: 0, next_poll_ms: NOW + limited.delayMs });
    const recovered = await r.pollOnce();
    expect(recovered.ok).toBe(true);
    expect(r.stats().active).toBe(10);
  });

  it('times out on a stalled Gamma, counts it, and still closes ended windows by the clock', async () => {
    const clock = { t: NOW };
    const emitted: InputEvent[] = [];
    const r = rollover(clock, emitted, { timeoutMs: 100 });
    const [a, b] = currentAndNextStarts('5m', NOW);
    gamma.listed.push(gammaEvent('5m', a), gammaEvent('5m', b));
    await r.pollOnce();
    gamma.failAll = 'stall';
    clock.t = b + 1;
    const stalled = await r.pollOnce();
    expect(stalled.ok).toBe(false);
    expect(r.stats().errors).toBe(3);
    expect(r.stats().last_error).toMatch(/timeout/);
    expect(emitted.filter((e) => e.event_type === 'market_closed')).toHaveLength(1);
    expect(r.markets().map((m) => m.window_start_ms)).toEqual([b]);
  });

  it('polls on its own timer once started and goes quiet after stop', async () => {
    gamma.generate = true;
    const emitted: InputEvent[] = [];
    const r = rollover({ t: 0 }, emitted, { nowMs: () => Date.now(), pollIntervalMs: 20 });
    r.start();
    const deadline = Date.now() + 15_000;
    while (r.stats().polls < 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    await r.stop();
    // A request already on the wire when stop() aborted it may still reach the server.
    await new Promise((res) => setTimeout(res, 30));
    const seen = gamma.requests.length;
    await new Promise((res) => setTimeout(res, 100));
    expect(r.stats().polls).toBeGreaterThanOrEqual(3);
    expect(emitted.filter((e) => e.event_type === 'market_discovered')).toHaveLength(2);
    expect(gamma.requests.length).toBe(seen);
  });
});
