// Goal: LabState turns the engine's output events into bounded API views (rings, positions, markets, readiness, runs).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { LabState, Ring } from '../../src/api/state.ts';

const market: MarketInfo = {
  market_id: 'm1',
  slug: 'btc-updown-15m',
  question: 'BTC up or down?',
  family: '15m',
  window_start_ms: 0,
  window_end_ms: 900_000,
  tokens: [
    { token_id: 'up', outcome: 'Up' },
    { token_id: 'down', outcome: 'Down' },
  ],
  tick_size: 0.01,
  min_size: 5,
  fee: { rate: 0, exponent: 1, taker_only: true },
  resolution: { rule: 'end_gte_start', source: 'sim' },
  price_to_beat: null,
  price_to_beat_estimated: false,
};
const fill = (i: number, marketId = 'm1'): OutputEvent => ({
  event_type: 'paper_fill',
  fill_id: `f${i}`,
  intent_id: `i${i}`,
  market_id: marketId,
  token_id: 'up',
  outcome: 'Up',
  side: 'buy',
  qty: 1,
  fill_px: 0.5,
  fee: 0,
  liquidity: 'taker',
  requested_qty: 1,
  levels_consumed: 1,
  ts_unix_ms: 1000 + i,
});

describe('Ring', () => {
  it('keeps only the newest items up to its capacity, newest first', () => {
    const r = new Ring<number>(3);
    expect(r.newest(10)).toEqual([]);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.newest(10)).toEqual([7, 6, 5]);
    expect(r.newest(2)).toEqual([7, 6]);
    expect(r.newest(10, (x) => x % 2 === 1)).toEqual([7, 5]);
    expect(r.total).toBe(7);
  });
});

describe('LabState', () => {
  it('bounds recent fills and filters them by market', () => {
    const s = new LabState({ mode: 'sim', recentMax: 5 });
    for (let i = 0; i < 12; i++) s.apply(fill(i, i % 2 ? 'm1' : 'm2'));
    expect(s.recentFills(100).map((f) => f.fill_id)).toEqual(['f11', 'f10', 'f9', 'f8', 'f7']);
    expect(s.recentFills(100, 'm2').map((f) => f.fill_id)).toEqual(['f10', 'f8']);
    expect(s.fills.total).toBe(12);
  });

  it('tracks quotes per token, and forgets a market and its positions at settlement', () => {
    const s = new LabState({ mode: 'sim' });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 1 });
    s.apply({
      event_type: 'quote',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      best_bid: 0.48,
      best_ask: 0.5,
      mid: 0.49,
      bid_depth: 10,
      ask_depth: 10,
      ts_unix_ms: 2,
    });
    expect(s.marketList()[0]!.quotes.find((q) => q.token_id === 'up')).toMatchObject({ best_bid: 0.48, best_ask: 0.5 });
    expect(s.booksLive()).toBe(1);
    expect(s.feedHealth().books).toEqual([
      { market_id: 'm1', slug: market.slug, token_id: 'up', outcome: 'Up', last_update_ms: 2, age_ms: 0, live: true },
      { market_id: 'm1', slug: market.slug, token_id: 'down', outcome: 'Down', last_update_ms: null, age_ms: null, live: false },
    ]);
    s.apply({ event_type: 'position', market_id: 'm1', token_id: 'up', outcome: 'Up', qty: 20, avg_cost: 0.5, ts_unix_ms: 2 });
    s.apply({ event_type: 'position', market_id: 'm2', token_id: 'other', outcome: 'Up', qty: 5, avg_cost: 0.5, ts_unix_ms: 2 });
    s.apply({
      event_type: 'settlement',
      market_id: 'm1',
      winning_token_id: 'up',
      winning_outcome: 'Up',
      source: 'official',
      payout: 0,
      realized_pnl: 0,
      ts_unix_ms: 3,
    });
    expect(s.marketList()).toEqual([]);
    // The engine sends no qty-0 position at settlement: the payout closed them.
    expect(s.positionList().map((p) => p.token_id)).toEqual(['other']);
    expect(s.booksLive()).toBe(0);
  });

  it('updates a re-announced market (price to beat fixed) without losing its quotes', () => {
    const s = new LabState({ mode: 'sim' });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 1 });
    s.apply({
      event_type: 'quote',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      best_bid: 0.48,
      best_ask: 0.5,
      mid: 0.49,
      bid_depth: 10,
      ask_depth: 10,
      ts_unix_ms: 2,
    });
    s.apply({
      event_type: 'market_discovered',
      market: { ...market, price_to_beat: 64_000, price_to_beat_estimated: true },
      ts_unix_ms: 3,
    });
    const [view] = s.marketList();
    expect(view!.market).toMatchObject({ price_to_beat: 64_000, price_to_beat_estimated: true });
    expect(view!.discovered_ms).toBe(1);
    expect(view!.quotes.find((q) => q.token_id === 'up')).toMatchObject({ best_bid: 0.48, best_ask: 0.5 });
  });

  it('counts no book live while the Polymarket market socket reports it is not live', () => {
    const s = new LabState({ mode: 'paper-live' });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 1 });
    s.apply({
      event_type: 'quote',
      market_id: 'm1',
      token_id: 'up',
      outcome: 'Up',
      best_bid: 0.48,
      best_ask: 0.5,
      mid: 0.49,
      bid_depth: 10,
      ask_depth: 10,
      ts_unix_ms: 2,
    });
    const ws = (state: 'live' | 'down') =>
      ({
        event_type: 'feed_health',
        source: 'polymarket_ws',
        state,
        reason: null,
        messages: 1,
        trades: 0,
        parse_errors: 0,
        rejected: 0,
        reconnects: 0,
        last_message_age_ms: 0,
        venues_contributing: 0,
        ts_unix_ms: 3,
      }) as const;
    s.apply(ws('live'));
    expect(s.booksLive()).toBe(1);
    s.apply(ws('down'));
    expect(s.booksLive()).toBe(0);
    expect(s.readiness()).toMatchObject({ ready: false });
  });

  it('drops a position when its quantity reaches zero', () => {
    const s = new LabState({ mode: 'sim' });
    s.apply({ event_type: 'position', market_id: 'm1', token_id: 'up', outcome: 'Up', qty: 5, avg_cost: 0.5, ts_unix_ms: 1 });
    expect(s.positionList()).toHaveLength(1);
    s.apply({ event_type: 'position', market_id: 'm1', token_id: 'up', outcome: 'Up', qty: 0, avg_cost: 0, ts_unix_ms: 2 });
    expect(s.positionList()).toEqual([]);
  });

  it('is ready only with a fresh median and a live book, and not after a stand-down', () => {
    const s = new LabState({ mode: 'sim', referenceMaxAgeMs: 5_000 });
    expect(s.readiness()).toMatchObject({ ready: false, reason: 'no live reference price' });
    s.apply({ event_type: 'btc_median', px_median: 64_000, px_spread_bps: 1, venue_count: 5, ts_unix_ms: 10_000 });
    expect(s.readiness()).toMatchObject({ ready: false, reason: 'no live market book' });
    s.apply({ event_type: 'market_discovered', market, ts_unix_ms: 10_000 });
    s.apply({
      event_type: 'quote',
      market_id: 'm1',
      token_id: 'down',
      outcome: 'Down',
      best_bid: null,
      best_ask: 0.6,
      mid: null,
      bid_depth: 0,
      ask_depth: 3,
      ts_unix_ms: 10_000,
    });
    expect(s.readiness()).toMatchObject({ ready: true, reason: null, books_live: 1 });
    expect(s.feedHealth().venues_contributing).toBe(5);
    // Input time moves on without a new median: the reference goes stale.
    s.apply({ event_type: 'pnl', cash: 1, equity: 1, realized: 0, unrealized: 0, fees: 0, ts_unix_ms: 15_001 });
    expect(s.readiness().reference_live).toBe(false);
    expect(s.feedHealth().venues_contributing).toBe(0);
    s.apply({ event_type: 'btc_median', px_median: 64_000, px_spread_bps: 1, venue_count: 5, ts_unix_ms: 16_000 });
    s.apply({ event_type: 'risk_reject', reason: 'no_reference_price', market_id: null, intent_id: null, numbers: {}, ts_unix_ms: 16_500 });
    expect(s.readiness().reference_live).toBe(false);
  });

  it('counts reject episodes and their occurrences by reason', () => {
    const s = new LabState({ mode: 'sim' });
    s.apply({
      event_type: 'risk_reject',
      reason: 'cooldown',
      market_id: 'm1',
      intent_id: 'i2',
      numbers: {},
      episode_id: 'e1',
      ts_unix_ms: 1_000,
    });
    s.apply({
      event_type: 'risk_reject',
      reason: 'no_liquidity_within_limit',
      market_id: 'm1',
      intent_id: 'i3',
      numbers: {},
      ts_unix_ms: 1_250,
    });
    expect(s.rejectOccurrenceCounts()).toEqual({ cooldown: 1, no_liquidity_within_limit: 1 });
    s.apply({
      event_type: 'reject_episode_ended',
      episode_id: 'e1',
      reason: 'cooldown',
      market_id: 'm1',
      occurrences: 4,
      first_ts_ms: 1_000,
      last_ts_ms: 4_000,
      last_numbers: {},
      ts_unix_ms: 5_000,
    });
    expect(s.rejectCounts()).toEqual({ cooldown: 1, no_liquidity_within_limit: 1 });
    expect(s.rejectOccurrenceCounts()).toEqual({ cooldown: 4, no_liquidity_within_limit: 1 });
    expect([s.rejects.total, s.rejectOccurrences]).toEqual([2, 5]);
  });

  it('lists runs of this process, marks only the latest current, and takes final totals from run_stopped', () => {
    const s = new LabState({ mode: 'paper-live' });
    s.apply({ event_type: 'run_started', run_id: 'a', mode: 'sim', seed: 1, strategy: 'divergence', ts_unix_ms: 1 });
    s.apply(fill(1));
    s.apply({
      event_type: 'run_stopped',
      run_id: 'a',
      fills: 1,
      rejects: 0,
      settlements: 0,
      equity: 1,
      realized: 0,
      fees: 0,
      ts_unix_ms: 5,
    });
    s.apply({ event_type: 'run_started', run_id: 'b', mode: 'sim', seed: 2, strategy: 'divergence', ts_unix_ms: 6 });
    expect(s.mode).toBe('sim');
    expect(s.runList().map((r) => [r.run_id, r.current, r.stopped_ms, r.fills])).toEqual([
      ['a', false, 5, 1],
      ['b', true, null, 0],
    ]);
  });
});

describe('WS settings', () => {
  it('default to 4 Hz and 1 MiB and name the variable when invalid', () => {
    const cfg = loadConfig({});
    expect(cfg.wsMaxRateHz).toBe(4);
    expect(cfg.wsMaxBufferBytes).toBe(1 << 20);
    expect(loadConfig({ POLYLAB_WS_MAX_RATE_HZ: '20' }).wsMaxRateHz).toBe(20);
    expect(() => loadConfig({ POLYLAB_WS_MAX_RATE_HZ: '0' })).toThrow(/POLYLAB_WS_MAX_RATE_HZ/);
    expect(() => loadConfig({ POLYLAB_WS_MAX_BUFFER_BYTES: 'lots' })).toThrow(/POLYLAB_WS_MAX_BUFFER_BYTES/);
  });
});
