// Goal: every limit is tested on both sides of its edge — exactly at the limit, and one unit past it — so turning a `<=` into `<` (or `<` into `<=`) anywhere fails a test.
import { describe, expect, it } from 'vitest';
import type { VenueTrade } from '../../src/core/events.ts';
import {
  AVG_MIN_PRINTS,
  AVG_WINDOW_MS,
  closingValue,
  decidedAt,
  openingValue,
  PRINT_TOLERANCE_MS,
  trailingAverage,
} from '../../src/core/resolution.ts';
import { OrderBook } from '../../src/core/book.ts';
import { MedianAggregator } from '../../src/pricing/median.ts';
import { TradeFilter, DEFAULT_TRADE_FILTER } from '../../src/pricing/tradeFilter.ts';
import { RiskState, type OrderRequest, type RiskContext, type RiskLimits } from '../../src/strategy/risk.ts';
import { MarketRegistry } from '../../src/engine/markets.ts';
import { Harness, T0, WINDOW_MS, market } from './paper-harness.ts';

const NOW = 1_000_000;

describe('median: staleness and outlier band', () => {
  it('keeps a venue whose last print is exactly stalenessMs old, drops it one millisecond later', () => {
    const m = new MedianAggregator(2_000, 200);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW });
    m.update({ venue: 'b', px: 64_010, ts_unix_ms: NOW - 2_000 });
    expect(m.compute(NOW)).toMatchObject({ venue_count: 2, venues: ['a', 'b'] });
    expect(m.compute(NOW + 1)).toMatchObject({ venue_count: 1, venues: ['a'] });
  });

  it('accepts a print exactly outlierBps from the provisional median, drops one a dollar farther', () => {
    // 100 bps of 100 000 is exactly 1 000 in binary floating point, so the edge is exact.
    const at = new MedianAggregator(10_000, 100);
    for (const [v, px] of [
      ['a', 100_000],
      ['b', 100_000],
      ['c', 101_000],
    ] as const)
      at.update({ venue: v, px, ts_unix_ms: NOW });
    expect(at.compute(NOW)).toMatchObject({ venue_count: 3, px_median: 100_000 });
    const past = new MedianAggregator(10_000, 100);
    for (const [v, px] of [
      ['a', 100_000],
      ['b', 100_000],
      ['c', 101_001],
    ] as const)
      past.update({ venue: v, px, ts_unix_ms: NOW });
    expect(past.compute(NOW)).toMatchObject({ venue_count: 2, venues: ['a', 'b'] });
  });

  it('publishes with exactly minVenues accepted venues, not with one fewer', () => {
    const m = new MedianAggregator(2_000, 200, 2);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toBeNull();
    m.update({ venue: 'b', px: 64_000, ts_unix_ms: NOW });
    expect(m.compute(NOW)).toMatchObject({ venue_count: 2 });
  });

  it('takes a print stamped at the same time as the one held (only older ones are ignored)', () => {
    const m = new MedianAggregator(2_000, 200);
    m.update({ venue: 'a', px: 64_000, ts_unix_ms: NOW });
    expect(m.update({ venue: 'a', px: 64_500, ts_unix_ms: NOW })).toBe(true);
    expect(m.compute(NOW)!.px_median).toBe(64_500);
  });
});

const LIMITS: RiskLimits = {
  maxMarketFraction: 0.02,
  maxTotalFraction: 0.1,
  maxOrderQtyShares: 500,
  maxOrderNotionalUsd: 250,
  minOrderQtyShares: 5,
  maxOpenMarkets: 2,
  dailyLossLimitUsd: 500,
  maxMedianAgeMs: 5_000,
  minVenues: 3,
  maxBookAgeMs: 10_000,
  maxSpread: 0.05,
  noNewRiskBeforeEndMs: 30_000,
  cooldownMs: 5_000,
};
const T = Date.UTC(2026, 0, 1, 12);
const BUY: OrderRequest = { market_id: 'm1', side: 'buy', qty: 20, limit_px: 0.5 };
const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({
  ts_unix_ms: T,
  equity_usd: 10_000,
  market_exposure_usd: 0,
  total_exposure_usd: 0,
  open_market_ids: new Set(),
  median_age_ms: 0,
  median_venues: 6,
  book_age_ms: 0,
  best_bid: 0.5,
  best_ask: 0.5,
  time_left_ms: 600_000,
  ...over,
});
const check = (order: OrderRequest, over: Partial<RiskContext>, state = new RiskState(10_000, 0.02, LIMITS)) =>
  state.check(order, ctx(over));

describe('risk gates: at the limit passes, one unit past it rejects', () => {
  // [gate, order at the limit, context at the limit, order one past, context one past]
  const edges: Array<[string, OrderRequest, Partial<RiskContext>, OrderRequest, Partial<RiskContext>]> = [
    ['stale_reference', BUY, { median_age_ms: 5_000 }, BUY, { median_age_ms: 5_001 }],
    ['too_few_venues', BUY, { median_venues: 3 }, BUY, { median_venues: 2 }],
    ['stale_book', BUY, { book_age_ms: 10_000 }, BUY, { book_age_ms: 10_001 }],
    ['spread_too_wide', BUY, { best_bid: 0.45, best_ask: 0.5 }, BUY, { best_bid: 0.44, best_ask: 0.5 }],
    ['too_close_to_end', BUY, { time_left_ms: 30_000 }, BUY, { time_left_ms: 29_999 }],
    ['max_order_qty', { ...BUY, qty: 500, limit_px: 0.01 }, {}, { ...BUY, qty: 501, limit_px: 0.01 }, {}],
    [
      'max_order_notional',
      { ...BUY, qty: 500, limit_px: 0.5 },
      { equity_usd: 1e6 },
      { ...BUY, qty: 500, limit_px: 0.502 },
      { equity_usd: 1e6 },
    ],
    ['max_open_markets', BUY, { open_market_ids: new Set(['a']) }, BUY, { open_market_ids: new Set(['a', 'b']) }],
    ['market_exposure_cap', BUY, { market_exposure_usd: 190 }, BUY, { market_exposure_usd: 191 }],
    ['total_exposure_cap', BUY, { total_exposure_usd: 990 }, BUY, { total_exposure_usd: 991 }],
  ];

  it.each(edges)('%s', (reason, atOrder, atCtx, pastOrder, pastCtx) => {
    expect(check(atOrder, atCtx)).toEqual({ ok: true });
    expect(check(pastOrder, pastCtx)).toMatchObject({ ok: false, reason });
  });

  it('cooldown: an order exactly cooldownMs after the last one passes, one millisecond earlier is refused', () => {
    const r = new RiskState(10_000, 0.02, LIMITS);
    r.recordAccepted('m1', 'buy', T);
    expect(r.check(BUY, ctx({ ts_unix_ms: T + 4_999 }))).toMatchObject({ ok: false, reason: 'cooldown' });
    expect(r.check(BUY, ctx({ ts_unix_ms: T + 5_000 }))).toEqual({ ok: true });
  });

  it('daily loss: a loss of exactly the limit trips the kill switch, a cent less does not', () => {
    const at = new RiskState(10_000, 0.02, LIMITS);
    at.dayState(T, 10_000);
    expect(at.check(BUY, ctx({ equity_usd: 9_500.01 }))).toEqual({ ok: true });
    expect(at.check(BUY, ctx({ equity_usd: 9_500 }))).toMatchObject({ ok: false, reason: 'daily_loss_limit' });
  });
});

describe('trade filter edges', () => {
  const trade = (id: string, px: number, tsMs: number): VenueTrade => ({
    event_type: 'venue_trade',
    venue: 'kraken',
    symbol: 'BTC/USD',
    px,
    qty: 0.01,
    side: 'sell',
    trade_id: id,
    ts_exchange_ms: tsMs,
    ts_unix_ms: tsMs,
  });

  it('accepts a print exactly outOfOrderToleranceMs behind the newest, refuses one a millisecond older', () => {
    const f = new TradeFilter();
    expect(f.check(trade('1', 64_000, 10_000), null)).toBeNull();
    expect(f.check(trade('2', 64_000, 9_000), null)).toBeNull();
    expect(f.check(trade('3', 64_000, 8_999), null)?.reason).toBe('out_of_order');
  });

  it('accepts a price exactly maxDeviationFrac from the reference, refuses one a dollar beyond', () => {
    // 72 000 / 64 000 − 1 = 0.125 exactly in binary floating point.
    const f = new TradeFilter({ ...DEFAULT_TRADE_FILTER, maxDeviationFrac: 0.125 });
    expect(f.check(trade('1', 72_000, 1_000), 64_000)).toBeNull();
    expect(f.check(trade('2', 72_001, 1_001), 64_000)?.reason).toBe('absurd_px');
  });

  it('accepts prices exactly at the hard band edges', () => {
    const f = new TradeFilter({ ...DEFAULT_TRADE_FILTER, minPx: 1_000, maxPx: 200_000 });
    expect(f.check(trade('1', 1_000, 1_000), null)).toBeNull();
    expect(f.check(trade('2', 200_000, 1_001), null)).toBeNull();
    expect(f.check(trade('3', 999.99, 1_002), null)?.reason).toBe('absurd_px');
    expect(f.check(trade('4', 200_000.01, 1_003), null)?.reason).toBe('absurd_px');
  });
});

describe('GTC time to live and the window end', () => {
  it('a resting GTC is still working one millisecond before its deadline and expires exactly at it', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 5_000, latencyMs: 0 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0);
    h.tick(T0 + 4_999);
    expect(h.exec.openOrders).toBe(1);
    h.tick(T0 + 5_000);
    expect(h.exec.openOrders).toBe(0);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ reason: 'deadline', ts_unix_ms: T0 + 5_000 })]);
  });

  it('an order whose latency ends exactly at its GTC deadline does not rest', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 250, latencyMs: 250 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0);
    h.tick(T0 + 250);
    expect(h.exec.openOrders).toBe(0);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ reason: 'deadline', remaining_qty: 10 })]);
  });

  it('a deadline that falls exactly on the window end is reported as the window end, one earlier as the deadline', () => {
    const at = new Harness({ tif: 'GTC', gtcTtlMs: 10_000 });
    at.book('up', T0, [[0.6, 100]]);
    at.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 10_000);
    expect(at.events('paper_intent')[0]).toMatchObject({ expires_at_ms: T0 + WINDOW_MS });
    at.tick(T0 + WINDOW_MS);
    expect(at.events('order_expired')[0]).toMatchObject({ reason: 'window_end' });
    const before = new Harness({ tif: 'GTC', gtcTtlMs: 9_999 });
    before.book('up', T0, [[0.6, 100]]);
    before.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 10_000);
    before.tick(T0 + WINDOW_MS - 1);
    expect(before.events('order_expired')[0]).toMatchObject({ reason: 'deadline', ts_unix_ms: T0 + WINDOW_MS - 1 });
  });

  it('an order due one millisecond before the window end is matched; one due exactly at it is refused', () => {
    const inside = new Harness({ latencyMs: 250 });
    inside.book('up', T0, [[0.5, 100]]);
    inside.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 251);
    inside.tick(T0 + WINDOW_MS - 1);
    expect(inside.events('paper_fill')).toHaveLength(1);
    const atEnd = new Harness({ latencyMs: 250 });
    atEnd.book('up', T0, [[0.5, 100]]);
    atEnd.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + WINDOW_MS - 250);
    atEnd.tick(T0 + WINDOW_MS);
    expect(atEnd.events('risk_reject')).toEqual([
      expect.objectContaining({ reason: 'window_ended', numbers: { match_after_ms: T0 + WINDOW_MS, window_end_ms: T0 + WINDOW_MS } }),
    ]);
  });
});

describe('market lifecycle edges', () => {
  it('a market is tradable from its window start up to one millisecond before its end', () => {
    const r = new MarketRegistry();
    r.add(market());
    const tradable = (t: number) => [...r.tradable(t)].length;
    expect([tradable(T0 - 1), tradable(T0), tradable(T0 + WINDOW_MS - 1), tradable(T0 + WINDOW_MS)]).toEqual([0, 1, 1, 0]);
  });

  it('closes a market for good once a timer reaches its window end', () => {
    const r = new MarketRegistry();
    r.add(market());
    r.advance(T0 + WINDOW_MS - 1, null);
    expect(r.get('m1')!.closed).toBe(false);
    r.advance(T0 + WINDOW_MS, null);
    expect(r.get('m1')!.closed).toBe(true);
  });

  it('waits exactly PRINT_TOLERANCE_MS for the opening print, then estimates from the median', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null }));
    r.advance(T0 + PRINT_TOLERANCE_MS, 64_000);
    expect(r.get('m1')!.info.price_to_beat).toBeNull();
    expect(r.advance(T0 + PRINT_TOLERANCE_MS + 1, 64_000)).toEqual([
      expect.objectContaining({ price_to_beat: 64_000, price_to_beat_estimated: true }),
    ]);
  });

  it('never takes a print from before the start: waits the tolerance, then estimates from the median', () => {
    const r = new MarketRegistry();
    r.add(market({ price_to_beat: null }));
    r.observeReference({
      event_type: 'reference_price',
      source: 'sim',
      symbol: 'btc/usd',
      px: 64_100,
      ts_exchange_ms: T0 - 100,
      ts_unix_ms: T0 - 100,
    });
    expect(r.advance(T0 + PRINT_TOLERANCE_MS, 64_000)).toEqual([]);
    expect(r.advance(T0 + PRINT_TOLERANCE_MS + 1, 64_000)).toEqual([
      expect.objectContaining({ price_to_beat: 64_000, price_to_beat_estimated: true }),
    ]);
  });

  it('takes an opening print exactly PRINT_TOLERANCE_MS after the start, not one a millisecond later', () => {
    const info = market({ price_to_beat: null });
    const print = (ts: number) => [
      { event_type: 'reference_price' as const, source: 'sim' as const, symbol: 'btc/usd', px: 64_123, ts_exchange_ms: ts, ts_unix_ms: ts },
    ];
    expect(openingValue(info, print(T0 + PRINT_TOLERANCE_MS))).toBe(64_123);
    expect(openingValue(info, print(T0 + PRINT_TOLERANCE_MS + 1))).toBeNull();
    expect(decidedAt(print(T0), T0)).toBe(true);
    expect(decidedAt(print(T0 - 1), T0)).toBe(false);
  });
});

describe('resolution rules: the edges of each reading', () => {
  const p = (px: number, ts: number) => ({
    event_type: 'reference_price' as const,
    source: 'sim' as const,
    symbol: 'btc/usd',
    px,
    ts_exchange_ms: ts,
    ts_unix_ms: ts,
  });
  const S = T0;
  const E = T0 + WINDOW_MS;

  it('edge print: the one stamped at the edge, else the first after it within the tolerance, never one before', () => {
    const info = market();
    expect(openingValue(info, [p(1, S - 1)])).toBeNull();
    expect(openingValue(info, [p(1, S - 1), p(2, S)])).toBe(2);
    expect(openingValue(info, [p(1, S - 1), p(2, S + 1)])).toBe(2);
    expect(openingValue(info, [p(1, S - 300), p(2, S + 200), p(3, S + 900)])).toBe(2);
    expect(openingValue(info, [p(1, S - 1), p(2, S + PRINT_TOLERANCE_MS)])).toBe(2);
    expect(openingValue(info, [p(1, S - 1), p(2, S + PRINT_TOLERANCE_MS + 1)])).toBeNull();
    expect(closingValue(info, [p(1, E - 1), p(2, E)])).toBe(2);
    expect(closingValue(info, [p(1, E - 10), p(2, E + 20)])).toBe(2);
    expect(closingValue(info, [p(1, E - 10)])).toBeNull();
  });

  it('60-second average: prints in (t − 60 s, t], and at least AVG_MIN_PRINTS of them', () => {
    const prints = (n: number, from: number) => Array.from({ length: n }, (_, i) => p(100 + i, from + i));
    expect(trailingAverage(prints(AVG_MIN_PRINTS, S - 9), S)).toBeCloseTo(100 + (AVG_MIN_PRINTS - 1) / 2, 12);
    expect(trailingAverage(prints(AVG_MIN_PRINTS - 1, S - 8), S)).toBeNull();
    // One print exactly 60 s before t is outside the window; one exactly at t is inside.
    expect(trailingAverage([p(1_000, S - AVG_WINDOW_MS), ...prints(AVG_MIN_PRINTS, S - 9)], S)).toBeCloseTo(
      100 + (AVG_MIN_PRINTS - 1) / 2,
      12,
    );
    expect(trailingAverage([...prints(AVG_MIN_PRINTS - 1, S - 9), p(1_000, S + 1)], S)).toBeNull();
  });

  it('candle: the open is the first print from the start (within the tolerance), the close the last before the end (within it)', () => {
    const info = market({ resolution: { rule: 'candle_close_gte_open', source: 'sim' } });
    expect(openingValue(info, [p(1, S - 1), p(2, S + PRINT_TOLERANCE_MS), p(3, S + PRINT_TOLERANCE_MS + 1)])).toBe(2);
    expect(openingValue(info, [p(3, S + PRINT_TOLERANCE_MS + 1)])).toBeNull();
    expect(openingValue(info, [p(4, E)])).toBeNull();
    expect(closingValue(info, [p(1, E - PRINT_TOLERANCE_MS - 1), p(2, E - PRINT_TOLERANCE_MS), p(3, E)])).toBe(2);
    expect(closingValue(info, [p(1, E - PRINT_TOLERANCE_MS - 1), p(3, E)])).toBeNull();
    expect(closingValue(info, [p(1, S - 1)])).toBeNull();
  });
});

describe('book edges', () => {
  it('a fresh book shows no level, no touch and no depth on either side', () => {
    const b = new OrderBook(0.01);
    for (const side of [b.bids, b.asks]) {
      expect(side.length).toBe(0);
      expect(side.bestPx()).toBeNull();
      expect(side.depth()).toBe(0);
      expect(side.levels()).toEqual([]);
    }
    b.change('bid', 0.4, 7, T0);
    expect(b.bids.levels()).toEqual([[0.4, 7]]);
    expect(b.bids.depth()).toBe(7);
  });

  it('an ask delta sets a level in place, and a zero size removes only the level it names', () => {
    const b = new OrderBook(0.01);
    b.snapshot(
      [],
      [
        [0.5, 10],
        [0.52, 5],
      ],
      T0,
    );
    b.change('ask', 0.5, 3, T0 + 1);
    expect(b.asks.levels()).toEqual([
      [0.5, 3],
      [0.52, 5],
    ]);
    expect(b.asks.length).toBe(2);
    b.change('ask', 0.51, 0, T0 + 2);
    expect(b.asks.levels()).toEqual([
      [0.5, 3],
      [0.52, 5],
    ]);
    b.change('ask', 0.5, 0, T0 + 3);
    expect(b.asks.levels()).toEqual([[0.52, 5]]);
    expect(b.bestAsk()).toBe(0.52);
  });

  it('a bid delta sets a level in place, and a zero size removes only the level it names', () => {
    const b = new OrderBook(0.01);
    b.snapshot(
      [
        [0.48, 10],
        [0.46, 5],
      ],
      [],
      T0,
    );
    b.change('bid', 0.48, 3, T0 + 1);
    b.change('bid', 0.46, 6, T0 + 1);
    expect(b.bids.levels()).toEqual([
      [0.48, 3],
      [0.46, 6],
    ]);
    expect(b.bids.length).toBe(2);
    b.change('bid', 0.47, 0, T0 + 2);
    expect(b.bids.levels()).toEqual([
      [0.48, 3],
      [0.46, 6],
    ]);
    b.change('bid', 0.48, 0, T0 + 3);
    expect(b.bids.levels()).toEqual([[0.46, 6]]);
    expect(b.bestBid()).toBe(0.46);
  });

  it('a snapshot keeps only the levels that show shares', () => {
    const b = new OrderBook(0.01);
    b.snapshot(
      [
        [0.45, 0],
        [0.44, -3],
        [0.43, 2],
      ],
      [[0.55, 4]],
      T0,
    );
    expect(b.bids.levels()).toEqual([[0.43, 2]]);
    expect(b.bids.depth()).toBe(2);
  });

  it('a mid only with both sides, halfway between the touches', () => {
    const b = new OrderBook(0.01);
    b.snapshot([[0.4, 1]], [], T0);
    expect(b.mid()).toBeNull();
    b.snapshot([], [[0.6, 1]], T0);
    expect(b.mid()).toBeNull();
    b.snapshot([[0.4, 1]], [[0.6, 1]], T0);
    expect(b.mid()).toBeCloseTo(0.5, 12);
    b.snapshot([[0.41, 1]], [[0.43, 1]], T0);
    expect(b.mid()).toBeCloseTo(0.42, 12);
  });

  it('crossed when the best bid reaches the best ask, not before, and never with a side missing', () => {
    const b = new OrderBook(0.01);
    b.snapshot([[0.5, 1]], [], T0);
    expect(b.isCrossed()).toBe(false);
    b.snapshot([[0.49, 1]], [[0.5, 1]], T0);
    expect(b.isCrossed()).toBe(false);
    b.snapshot([[0.5, 1]], [[0.5, 1]], T0);
    expect(b.isCrossed()).toBe(true);
  });
});
