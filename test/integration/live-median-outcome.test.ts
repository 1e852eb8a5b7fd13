// Goal: in paper-live against loopback fakes, a market whose data socket never prints settles from the engine's venue median at both edges — our own result, flagged estimated, counted in /feed/health — and the official result that follows still wins.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../src/core/events.ts';
import type { OutputOf } from '../../src/core/outputs.ts';
import { closedPortUrl } from './fakes/venueServers.ts';
import { fakeClobRest, fakeWsServer } from './fakes/polymarket.ts';
import { eventually, startLiveLab } from './liveLab.ts';

const UP = '3333333333333333333333333333333333333333333333333333333333333333333333333333';
const DOWN = '4444444444444444444444444444444444444444444444444444444444444444444444444444';
const COND = '0x5eea28aa905ace2f5cace17ea2b9e0e7b85a27f32ee14ed292f02fa104956bc4';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a market whose data socket never prints', () => {
  it('settles from the venue median at both edges, flagged estimated, and the official result still wins', async () => {
    const start = Date.now() + 500;
    const end = start + 3_000;
    const m: MarketInfo = {
      market_id: COND,
      slug: `btc-updown-5m-${Math.floor(start / 1000)}`,
      question: 'Bitcoin Up or Down',
      family: '5m',
      window_start_ms: start,
      window_end_ms: end,
      tokens: [
        { token_id: UP, outcome: 'Up' },
        { token_id: DOWN, outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: null,
      price_to_beat_estimated: false,
    };
    const rtds = await fakeWsServer(() => undefined); // answers nothing: no reference print at all
    const clob = await fakeWsServer();
    const rest = await fakeClobRest();
    const dead = await closedPortUrl();
    cleanups.push(rtds.close, clob.close, rest.close);
    const l = await startLiveLab(
      {
        POLYLAB_VENUES: 'coinbase',
        POLYLAB_COINBASE_WS_URL: dead,
        POLYLAB_GAMMA_URL: dead.replace('ws://', 'http://'),
        POLYLAB_CLOB_URL: rest.url,
        POLYLAB_CLOB_WS_URL: clob.url,
        POLYLAB_RTDS_URL: rtds.url,
        POLYLAB_MEDIAN_MIN_VENUES: '1',
        POLYLAB_RISK_MIN_VENUES: '1',
      },
      { polymarketTuning: { tickMs: 50, statusIntervalMs: 100, resolution: { settleDelayMs: 300, pollIntervalMs: 60_000 } } },
    );
    cleanups.push(() => l.close());
    l.inject({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    l.live.polymarket.setMarkets([m]);

    // The venue prints 65,000 through the start and 64,900 from a second before the end: Down.
    let n = 0;
    const trades = setInterval(() => {
      const now = Date.now();
      const px = now < end - 1_000 ? 65_000 : 64_900;
      l.inject({
        event_type: 'venue_trade',
        venue: 'coinbase',
        symbol: 'BTC-USD',
        px,
        qty: 0.1,
        side: 'buy',
        trade_id: String(++n),
        ts_exchange_ms: now,
        ts_unix_ms: now,
      });
    }, 100);
    cleanups.push(async () => clearInterval(trades));

    const own = await eventually(async () => l.outputs.find((e): e is OutputOf<'settlement'> => e.event_type === 'settlement'), 15_000);
    expect(own).toMatchObject({ source: 'own', estimated: true, winning_outcome: 'Down', winning_token_id: DOWN });
    expect(own.ts_unix_ms).toBeGreaterThan(end);
    await eventually(async () => (await l.source('polymarket_ws'))?.counts?.own_results_estimated === 1);

    const resolved = JSON.parse(readFileSync('test/fixtures/polymarket/ws_market_market_resolved.json', 'utf8')) as object;
    clob.broadcast(
      JSON.stringify({
        ...resolved,
        market: COND,
        assets_ids: [UP, DOWN],
        winning_asset_id: UP,
        winning_outcome: 'Up',
        timestamp: String(Date.now()),
      }),
    );
    const official = await eventually(async () =>
      l.outputs.find((e): e is OutputOf<'settlement'> => e.event_type === 'settlement' && e.source === 'official'),
    );
    expect(official).toMatchObject({ winning_outcome: 'Up', corrects_outcome: 'Down' });
    expect(official.estimated).toBeUndefined();
  }, 30_000);
});
