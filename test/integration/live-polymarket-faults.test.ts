// Goal: in paper-live against loopback fakes, a TWAP market takes its price to beat and our own outcome from the Chainlink TWAP topic (and from Chainlink spot, flagged estimated, when the topic is missing), forged or early official results are refused and counted while the real one settles after the window, and a market socket that only answers PONG is stale and never makes /readyz ready.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketInfo, TwapLookback } from '../../src/core/events.ts';
import type { OutputOf } from '../../src/core/outputs.ts';
import { TWAP_TOPICS } from '../../src/polymarket/wire/rtdsMessages.ts';
import { closedPortUrl, startFakeVenue } from './fakes/venueServers.ts';
import { fakeClobRest, fakeWsServer, type FakeWs } from './fakes/polymarket.ts';
import { eventually, startLiveLab, type LiveLab } from './liveLab.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const UP = '1111111111111111111111111111111111111111111111111111111111111111111111111111';
const DOWN = '2222222222222222222222222222222222222222222222222222222222222222222222222222';
const COND = '0x2eea28aa905ace2f5cace17ea2b9e0e7b85a27f32ee14ed292f02fa104956bc4';

function market(startMs: number, endMs: number, lookback: TwapLookback): MarketInfo {
  return {
    market_id: COND,
    slug: `btc-updown-5m-${startMs / 1000}`,
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: startMs,
    window_end_ms: endMs,
    tokens: [
      { token_id: UP, outcome: 'Up' },
      { token_id: DOWN, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule: 'twap_gte_start', source: 'chainlink', lookback_s: lookback },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}

/** A TWAP update: the fixture for `lookback` with another time and price. */
function twap(lookback: TwapLookback, tsMs: number, px: number): string {
  const o = JSON.parse(fx(`rtds_${TWAP_TOPICS[lookback]}_update.json`)) as { payload: Record<string, unknown>; timestamp: number };
  Object.assign(o.payload, { timestamp: tsMs, value: px, full_accuracy_value: `${BigInt(Math.round(px * 1e6)) * 1_000_000_000_000n}` });
  o.timestamp = tsMs + 1_500;
  return JSON.stringify(o);
}

/** A Chainlink spot frame: the live fixture with another time and price. */
function spot(tsMs: number, px: number): string {
  const o = JSON.parse(fx('rtds_chainlink_update_live.json')) as { payload: Record<string, unknown> };
  Object.assign(o.payload, { timestamp: tsMs, value: px });
  return JSON.stringify(o);
}

const resolvedFrame = (marketId: string, assets: string[], winner: string, outcome: string) =>
  JSON.stringify({
    ...(JSON.parse(fx('ws_market_market_resolved.json')) as object),
    market: marketId,
    assets_ids: assets,
    winning_asset_id: winner,
    winning_outcome: outcome,
    timestamp: String(Date.now()),
  });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function lab(
  clob: FakeWs,
  rtds: FakeWs,
  extraEnv: Record<string, string> = {},
  tuning: Parameters<typeof startLiveLab>[1] = {},
): Promise<LiveLab> {
  const dead = await closedPortUrl();
  const rest = await fakeClobRest();
  cleanups.push(rest.close);
  const env: Record<string, string> = {
    POLYLAB_VENUES: 'coinbase',
    POLYLAB_COINBASE_WS_URL: dead,
    POLYLAB_GAMMA_URL: dead.replace('ws://', 'http://'),
    POLYLAB_CLOB_URL: rest.url,
    POLYLAB_CLOB_WS_URL: clob.url,
    POLYLAB_RTDS_URL: rtds.url,
    ...extraEnv,
  };
  const l = await startLiveLab(env, { ...tuning, polymarketTuning: { tickMs: 50, statusIntervalMs: 100, ...tuning.polymarketTuning } });
  cleanups.push(() => l.close());
  return l;
}

async function servers(
  onRtds: (ws: import('ws').WebSocket, text: string) => void,
  onClob?: (ws: import('ws').WebSocket, text: string) => void,
) {
  const rtds = await fakeWsServer(onRtds);
  const clob = await fakeWsServer(onClob);
  cleanups.push(rtds.close, clob.close);
  return { rtds, clob };
}

const settlements = (l: LiveLab) => l.outputs.filter((e): e is OutputOf<'settlement'> => e.event_type === 'settlement');
const sleepUntil = (tMs: number) => new Promise((r) => setTimeout(r, Math.max(0, tMs - Date.now())));
type Discovered = { markets: { market: MarketInfo }[] };

describe('a market resolving on the Chainlink 60 s TWAP', () => {
  it('reads the TWAP topic, refuses forged and early official results, and stays subscribed after its window until the official one', async () => {
    const start = Date.now() - 3_000;
    const { rtds, clob } = await servers((ws, text) => {
      if (text.includes(TWAP_TOPICS[60])) ws.send(twap(60, start, 65_000));
    });
    const labAt = Date.now();
    const l = await lab(clob, rtds, {}, { polymarketTuning: { resolution: { settleDelayMs: 2_000, pollIntervalMs: 60_000 } } });
    // The mid-window refusals below must come more than the 5 s tolerance before the end. They
    // take a few lab start-ups' worth of work: the window ends 7 s from now on an idle machine,
    // later on a busy one (this machine's speed right now is the lab's own start-up).
    const labStartMs = Date.now() - labAt;
    const end = Date.now() + 5_000 + Math.max(2_000, 10 * labStartMs);
    const m = market(start, end, 60);
    l.inject({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    l.live.polymarket.setMarkets([m]);

    const view = await eventually(async () =>
      ((await l.get('/markets/discovered')) as Discovered).markets.find((x) => x.market.price_to_beat !== null),
    );
    expect(view.market).toMatchObject({ price_to_beat: 65_000, price_to_beat_estimated: false });
    await eventually(async () => clob.received[0]?.some((f) => f.includes(UP)));

    // A wrong market field, a foreign token, and the right message mid-window: all refused.
    clob.sendTo(0, resolvedFrame('0x' + 'f'.repeat(64), [UP, DOWN], UP, 'Up'));
    clob.sendTo(0, resolvedFrame(COND, [UP, '999'], UP, 'Up'));
    clob.sendTo(0, resolvedFrame(COND, [UP, DOWN], UP, 'Up'));
    const ws = await eventually(async () => {
      const s = await l.source('polymarket_ws');
      return s?.counts?.official_refused === 3 ? s : null;
    });
    expect(ws.counts).toMatchObject({
      official_refused_unknown_market: 1,
      official_refused_token_mismatch: 1,
      official_refused_window_not_ended: 1,
      official_results: 0,
    });
    expect(settlements(l)).toEqual([]);
    expect(l.logs.filter((x) => x.msg.startsWith('official result ignored')).map((x) => x.msg.split(' (')[0])).toEqual([
      'official result ignored: unknown_market',
      'official result ignored: token_mismatch',
      'official result ignored: window_not_ended',
    ]);

    await sleepUntil(end + 100);
    rtds.broadcast(twap(60, end, 65_100));
    // Discovery drops the ended window from its active set; its tokens stay subscribed.
    l.live.polymarket.setMarkets([]);
    expect(l.live.polymarket.stats().resolution.subscribed_after_end).toBe(1);
    expect(l.live.polymarket.stats().ws.assets).toBe(2);
    expect(clob.received[0]!.some((f) => f.includes('unsubscribe'))).toBe(false);
    await eventually(async () => (await l.source('polymarket_ws'))?.counts?.ended_awaiting_result === 1);

    clob.sendTo(0, resolvedFrame(COND, [UP, DOWN], UP, 'Up'));
    await eventually(async () => settlements(l).length === 1);
    expect(settlements(l)[0]).toMatchObject({ market_id: COND, winning_token_id: UP, winning_outcome: 'Up', source: 'official' });
    // Once the result is in, the window's tokens leave the socket (its only shard closes).
    await eventually(async () => l.live.polymarket.stats().ws.assets === 0 && clob.open().length === 0);
    // Our own reading of the TWAP (65,100 ≥ 65,000: Up) agrees: one settlement, no disagreement.
    await eventually(async () => l.live.polymarket.stats().resolution.own === 1, 15_000);
    expect(l.live.polymarket.stats().resolution).toMatchObject({ disagreements: 0, own_estimated: 0 });
    expect(settlements(l)).toHaveLength(1);
  }, 60_000);
});

describe('a 30 s TWAP market whose topic is missing', () => {
  it('falls back to Chainlink spot, flags the price to beat and our settlement as estimated, and says so in /feed/health', async () => {
    const start = Date.now() - 6_000;
    const snapshot = JSON.stringify({
      topic: 'crypto_prices_chainlink',
      type: 'subscribe',
      timestamp: Date.now(),
      payload: {
        symbol: 'btc/usd',
        data: Array.from({ length: 30 }, (_, k) => ({ timestamp: start - 29_000 + k * 1_000, value: 65_000 + k })),
      },
    });
    const { rtds, clob } = await servers((ws, text) => {
      if (text.includes(TWAP_TOPICS[30])) ws.send(JSON.stringify({ topic: TWAP_TOPICS[30], type: 'error', message: 'topic not found' }));
      if (text.includes('crypto_prices_chainlink')) ws.send(snapshot);
    });
    const ticker = setInterval(() => rtds.broadcast(spot(Date.now(), 65_500)), 250);
    cleanups.push(async () => clearInterval(ticker));
    const l = await lab(
      clob,
      rtds,
      {},
      { polymarketTuning: { resolution: { settleDelayMs: 300, pollIntervalMs: 60_000 }, twap: { silenceMs: 500 } } },
    );
    // The window ends a second after the lab is up, however long a busy machine took to start it.
    const m = market(start, Date.now() + 1_000, 30);
    l.inject({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    l.live.polymarket.setMarkets([m]);

    const view = await eventually(async () =>
      ((await l.get('/markets/discovered')) as Discovered).markets.find((x) => x.market.price_to_beat !== null),
    );
    // The mean of the 30 spot prints in the 30 s before the start (65,000 … 65,029).
    expect(view.market).toMatchObject({ price_to_beat: 65_014.5, price_to_beat_estimated: true });
    const r = await eventually(async () => {
      const s = await l.source('rtds');
      return s?.reason?.includes('TWAP 60 s unavailable') ? s : null;
    });
    expect(r.state).toBe('live');
    expect(r.reason).toContain('TWAP 30 s unavailable (topic not found)');
    expect(r.reason).toMatch(/TWAP 60 s unavailable \(no crypto_prices_twap_sixty message for \d+ s\)/);
    expect(r.counts).toMatchObject({ twap30_topic_not_found: 1, twap30_unavailable: 1, twap60_unavailable: 1, twap30_prices: 0 });

    const settled = await eventually(async () => settlements(l)[0], 10_000);
    expect(settled).toMatchObject({ source: 'own', estimated: true, winning_outcome: 'Up' });
    await eventually(async () => (await l.source('polymarket_ws'))?.counts?.own_results_estimated === 1);
    expect((await l.source('polymarket_ws'))?.counts).toMatchObject({ own_results: 1, official_results: 0 });
    expect(l.logs.filter((x) => x.msg.startsWith('rtds: TWAP 30 s unavailable'))).toHaveLength(1);
  }, 20_000);
});

describe('a market socket that answers PONG but sends no book change', () => {
  it('is stale, reconnected, and keeps /readyz at 503 once its book is older than the age limit', async () => {
    const start = Date.now() - 1_000;
    const m = market(start, start + 300_000, 60);
    const book = JSON.parse(fx('ws_market_book.json')) as Record<string, unknown>;
    let booksSent = 0;
    // One book on the first connection, then nothing but PONGs (fakeWsServer answers PING).
    const { rtds, clob } = await servers(
      () => undefined,
      (ws, text) => {
        if (text.startsWith('{') && booksSent++ === 0) ws.send(JSON.stringify({ ...book, asset_id: UP, timestamp: String(Date.now()) }));
      },
    );
    const venues = await Promise.all([startFakeVenue('coinbase'), startFakeVenue('kraken')]);
    cleanups.push(async () => {
      await Promise.all(venues.map((v) => v.close()));
    });
    let id = 1;
    const t = setInterval(() => {
      for (const v of venues) v.sendTrade({ px: 64_000, id: id++ });
    }, 100);
    cleanups.push(async () => clearInterval(t));
    const l = await lab(
      clob,
      rtds,
      {
        POLYLAB_VENUES: 'coinbase,kraken',
        POLYLAB_COINBASE_WS_URL: venues[0]!.url,
        POLYLAB_KRAKEN_WS_URL: venues[1]!.url,
        POLYLAB_RISK_MAX_BOOK_AGE_MS: '1000',
      },
      { polymarketTuning: { clobPingIntervalMs: 100, bookStaleAfterMs: 1_500 } },
    );
    l.inject({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    l.live.polymarket.setMarkets([m]);

    const ready = await eventually(async () => {
      const r = await l.readyz();
      return r.status === 200 ? r : null;
    });
    expect(ready.body.books_live).toBe(1);
    // Past the 1 s book age limit: the quote is history, although the socket still PONGs.
    const notReady = await eventually(async () => {
      const r = await l.readyz();
      return r.status === 503 ? r : null;
    });
    expect(notReady.body.reason).toMatch(/^no live market book/);
    const stale = await eventually(async () => {
      const s = await l.source('polymarket_ws');
      return s?.state === 'stale' && s.reconnects >= 1 ? s : null;
    }, 8_000);
    expect(stale.reason).toMatch(/^no book change for \d+ s \(PONG only\)$/);
    expect(stale.counts!.pong_only_stalls).toBeGreaterThanOrEqual(1);
    // A reconnect is counted when it starts; the fake sees it once the handshake arrives (later on a loaded machine).
    await eventually(async () => clob.connections.length >= 2, 15_000);
    const h = await l.health();
    expect(h.books.find((b) => b.token_id === UP)).toMatchObject({ live: false });
    expect(h.books_live).toBe(0);
    expect((await l.readyz()).body.reason).toMatch(/polymarket_ws is stale|newest book change/);
  }, 20_000);
});
