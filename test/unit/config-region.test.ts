// Goal: POLYLAB_REGION=us is a documented profile that reads Binance.US instead of Binance and leaves out the venues that refuse the US, explicit settings still win, and the default venue minimums let such a four-venue run actually trade.
import { describe, expect, it } from 'vitest';
import { loadConfig, venueMinimumWarnings } from '../../src/app/config.ts';
import type { MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';

describe('POLYLAB_REGION', () => {
  it('defaults to the global venue list and endpoints', () => {
    const c = loadConfig({});
    expect(c.region).toBe('global');
    expect(c.venueUrl('binance')).toBe('wss://stream.binance.com:9443/ws');
    expect(c.venueSymbol('binance')).toBe('btcusdt');
  });

  it('us: Binance.US URL and BTCUSD, without Bybit and OKX', () => {
    const c = loadConfig({ POLYLAB_REGION: 'us' });
    expect(c.venues).toEqual(['coinbase', 'kraken', 'bitstamp', 'binance']);
    expect(c.venueEndpoints().find((e) => e.venue === 'binance')).toEqual({
      venue: 'binance',
      url: 'wss://stream.binance.us:9443/ws',
      symbol: 'btcusd',
    });
    expect(venueMinimumWarnings(c)).toEqual([]);
  });

  it('lets explicit settings win over the profile', () => {
    const c = loadConfig({
      POLYLAB_REGION: 'us',
      POLYLAB_VENUES: 'coinbase,kraken,okx',
      POLYLAB_BINANCE_WS_URL: 'wss://example.test/ws',
      POLYLAB_BINANCE_SYMBOL: 'btcusdt',
    });
    expect(c.venues).toEqual(['coinbase', 'kraken', 'okx']);
    expect(c.venueUrl('binance')).toBe('wss://example.test/ws');
    expect(c.venueSymbol('binance')).toBe('btcusdt');
  });

  it('rejects an unknown region naming the variable and the profiles', () => {
    expect(() => loadConfig({ POLYLAB_REGION: 'eu' })).toThrow(/POLYLAB_REGION.*global, us/);
  });

  it('warns when a venue minimum exceeds the configured venues (nothing could trade)', () => {
    expect(venueMinimumWarnings(loadConfig({ POLYLAB_VENUES: 'coinbase,kraken' }))).toEqual([
      'POLYLAB_RISK_MIN_VENUES=3 but only 2 venue(s) are configured (POLYLAB_VENUES): no order can be placed; lower it to 2 or add venues',
    ]);
    expect(venueMinimumWarnings(loadConfig({ POLYLAB_VENUES: 'coinbase,kraken', POLYLAB_RISK_MIN_VENUES: '2' }))).toEqual([]);
  });
});

describe('a four-venue run (POLYLAB_REGION=us) with the default minimums', () => {
  it('computes a median from four venues and places an order', () => {
    const cfg = loadConfig({ POLYLAB_REGION: 'us', POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS: '0' });
    const engine = buildEngine(cfg, 'paper-live', 'us', null);
    const T0 = Date.UTC(2026, 0, 1, 12);
    const m: MarketInfo = {
      market_id: 'm1',
      slug: 'btc-updown-15m-x',
      question: 'Bitcoin Up or Down',
      family: '15m',
      window_start_ms: T0 - 60_000,
      window_end_ms: T0 + 840_000,
      tokens: [
        { token_id: '1', outcome: 'Up' },
        { token_id: '2', outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: 60_000,
      price_to_beat_estimated: false,
    };
    const out: OutputEvent[] = [];
    out.push(...engine.step({ event_type: 'market_discovered', market: m, ts_unix_ms: T0 - 1_000 }));
    out.push(
      ...engine.step({
        event_type: 'book_snapshot',
        market_id: 'm1',
        token_id: '1',
        bids: [[0.5, 100]],
        asks: [[0.51, 100]],
        ts_exchange_ms: T0,
        ts_unix_ms: T0,
      }),
    );
    cfg.venues.forEach((venue, i) =>
      out.push(
        ...engine.step({
          event_type: 'venue_trade',
          venue,
          symbol: cfg.venueSymbol(venue),
          px: 70_000 + i,
          qty: 0.1,
          side: 'buy',
          trade_id: `t${i}`,
          ts_exchange_ms: T0,
          ts_unix_ms: T0,
        }),
      ),
    );
    out.push(...engine.step({ event_type: 'timer', ts_unix_ms: T0 }));
    expect(out.find((e) => e.event_type === 'btc_median')).toMatchObject({ venue_count: 4 });
    expect(out.filter((e) => e.event_type === 'risk_reject')).toEqual([]);
    expect(out.filter((e) => e.event_type === 'paper_intent')).toHaveLength(1);
  });
});
