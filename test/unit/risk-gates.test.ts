// Goal: every risk gate rejects with its stable reason and the numbers behind it, gates run in the documented order, and the kill switch holds for the rest of the UTC day.
import { describe, expect, it } from 'vitest';
import { exposureFor } from '../../src/strategy/exposure.ts';
import { GATE_ORDER, RiskState, utcDayStartMs, type OrderRequest, type RiskContext, type RiskLimits } from '../../src/strategy/risk.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 12);

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

const BUY: OrderRequest = { market_id: 'm1', side: 'buy', qty: 20, limit_px: 0.5 };
const SELL: OrderRequest = { market_id: 'm1', side: 'sell', qty: 20, limit_px: 0.5 };

function ctx(over: Partial<RiskContext> = {}): RiskContext {
  return {
    ts_unix_ms: T0,
    equity_usd: 10_000,
    market_exposure_usd: 0,
    total_exposure_usd: 0,
    open_market_ids: new Set(),
    median_age_ms: 0,
    median_venues: 6,
    book_age_ms: 500,
    best_bid: 0.49,
    best_ask: 0.5,
    time_left_ms: 600_000,
    ...over,
  };
}

const fresh = (limits: Partial<RiskLimits> = LIMITS) => new RiskState(10_000, 0.02, limits);

describe('risk gates, one by one', () => {
  it('accepts an ordinary buy and an ordinary sell', () => {
    expect(fresh().check(BUY, ctx())).toEqual({ ok: true });
    expect(fresh().check(SELL, ctx())).toEqual({ ok: true });
  });

  const cases: Array<[string, OrderRequest, Partial<RiskContext>, unknown]> = [
    ['stale_reference', BUY, { median_age_ms: 5_001 }, { median_age_ms: 5_001, max_median_age_ms: 5_000 }],
    ['stale_reference', SELL, { median_age_ms: null }, { median_age_ms: null, max_median_age_ms: 5_000 }],
    ['too_few_venues', BUY, { median_venues: 2 }, { venues: 2, min_venues: 3 }],
    ['stale_book', BUY, { book_age_ms: 10_001 }, { book_age_ms: 10_001, max_book_age_ms: 10_000 }],
    ['stale_book', BUY, { book_age_ms: null }, { book_age_ms: null, max_book_age_ms: 10_000 }],
    ['spread_too_wide', BUY, { best_bid: 0.4, best_ask: 0.5 }, { spread: 0.09999999999999998, bid: 0.4, ask: 0.5, max_spread: 0.05 }],
    ['spread_too_wide', SELL, { best_bid: 0.4, best_ask: null }, { spread: null, bid: 0.4, ask: null, max_spread: 0.05 }],
    ['too_close_to_end', BUY, { time_left_ms: 29_999 }, { time_left_ms: 29_999, no_new_risk_before_end_ms: 30_000 }],
    ['max_order_qty', { ...BUY, qty: 501, limit_px: 0.01 }, {}, { qty: 501, max_qty: 500 }],
    ['max_order_notional', { ...BUY, qty: 400, limit_px: 0.7 }, {}, { notional: 280, qty: 400, limit_px: 0.7, max_notional: 250 }],
    ['max_open_markets', BUY, { open_market_ids: new Set(['a', 'b']) }, { open_markets: 2, max_open_markets: 2 }],
    ['market_exposure_cap', BUY, { market_exposure_usd: 195 }, { current: 195, incoming: 10, limit: 200 }],
    ['total_exposure_cap', BUY, { market_exposure_usd: 0, total_exposure_usd: 995 }, { current: 995, incoming: 10, limit: 1_000 }],
  ];

  it.each(cases)('rejects with %s and its numbers', (reason, order, over, numbers) => {
    expect(fresh().check(order, ctx(over))).toEqual({ ok: false, reason, numbers });
  });

  it('rejects an order inside the cooldown of the last accepted order on the same market and direction only', () => {
    const r = fresh();
    r.recordAccepted('m1', 'buy', T0);
    expect(r.check(BUY, ctx({ ts_unix_ms: T0 + 4_999 }))).toEqual({
      ok: false,
      reason: 'cooldown',
      numbers: { since_last_order_ms: 4_999, cooldown_ms: 5_000 },
    });
    expect(r.check({ ...BUY, market_id: 'm2' }, ctx({ ts_unix_ms: T0 + 1 }))).toEqual({ ok: true });
    expect(r.check(BUY, ctx({ ts_unix_ms: T0 + 5_000 }))).toEqual({ ok: true });
  });

  it('never holds up an exit because of an entry: a sell waits only on an earlier sell of the market', () => {
    const r = fresh();
    r.recordAccepted('m1', 'buy', T0);
    expect(r.check(SELL, ctx({ ts_unix_ms: T0 + 1 }))).toEqual({ ok: true });
    r.recordAccepted('m1', 'sell', T0 + 1);
    expect(r.check(SELL, ctx({ ts_unix_ms: T0 + 2 }))).toMatchObject({
      ok: false,
      reason: 'cooldown',
      numbers: { since_last_order_ms: 1 },
    });
    expect(r.check(BUY, ctx({ ts_unix_ms: T0 + 5_000 }))).toEqual({ ok: true });
  });

  it('lets risk-reducing sells through the halts, the size caps and the exposure limits', () => {
    const over: Partial<RiskContext> = {
      time_left_ms: 1,
      open_market_ids: new Set(['a', 'b']),
      market_exposure_usd: 1e6,
      total_exposure_usd: 1e6,
    };
    expect(fresh().check({ ...SELL, qty: 1_000 }, ctx(over))).toEqual({ ok: true });
    expect(fresh().check({ ...BUY, qty: 1_000 }, ctx(over))).toMatchObject({ ok: false, reason: 'too_close_to_end' });
  });

  it('counts a buy in a market already open against the open-markets limit only once', () => {
    expect(fresh().check(BUY, ctx({ open_market_ids: new Set(['m1', 'b']) }))).toEqual({ ok: true });
  });

  it('the production per-market exposure cap (gate market_exposure_cap, what the engine runs — not the seed helper of risk.test.ts): held + pending + order ≤ fraction × equity, exactly at the cap passes', () => {
    expect(fresh().check(BUY, ctx({ market_exposure_usd: 190 }))).toEqual({ ok: true });
    expect(fresh().check(BUY, ctx({ market_exposure_usd: 190.01 }))).toEqual({
      ok: false,
      reason: 'market_exposure_cap',
      numbers: { current: 190.01, incoming: 10, limit: 200 },
    });
    // Another market's exposure does not count against this one; it counts only in the total.
    expect(fresh().check(BUY, ctx({ market_exposure_usd: 0, total_exposure_usd: 500 }))).toEqual({ ok: true });
  });

  it('uses the equity of the moment for the exposure caps', () => {
    expect(fresh().check(BUY, ctx({ equity_usd: 5_000, market_exposure_usd: 95 }))).toEqual({
      ok: false,
      reason: 'market_exposure_cap',
      numbers: { current: 95, incoming: 10, limit: 100 },
    });
  });
});

describe('risk state', () => {
  it('refuses a start without equity or with a market fraction outside [0, 1], and says so', () => {
    expect(() => new RiskState(0, 0.02)).toThrow(/equity > 0/);
    expect(() => new RiskState(10_000, -0.01)).toThrow(RangeError);
    expect(() => new RiskState(10_000, 1.01)).toThrow(RangeError);
    expect(() => new RiskState(10_000, 0)).not.toThrow();
    expect(() => new RiskState(10_000, 1)).not.toThrow();
  });

  it('is not halted before it has seen a day', () => {
    expect(fresh().halted()).toBe(false);
  });

  it('a one-sided book has no spread, whichever side is missing', () => {
    expect(fresh().check(BUY, ctx({ best_bid: null, best_ask: 0.5 }))).toEqual({
      ok: false,
      reason: 'spread_too_wide',
      numbers: { spread: null, bid: null, ask: 0.5, max_spread: 0.05 },
    });
  });

  it('a deeper loss after the kill switch tripped keeps the time it tripped', () => {
    const r = fresh();
    r.dayState(T0, 10_000);
    r.dayState(T0 + 1_000, 9_400);
    expect(r.dayState(T0 + 2_000, 9_000)).toMatchObject({ haltedAtMs: T0 + 1_000 });
  });
});

describe('gate order', () => {
  it('is fixed and documented', () => {
    expect(GATE_ORDER).toEqual([
      'daily_loss_limit',
      'stale_reference',
      'too_few_venues',
      'stale_book',
      'spread_too_wide',
      'too_close_to_end',
      'cooldown',
      'max_order_qty',
      'max_order_notional',
      'max_open_markets',
      'market_exposure_cap',
      'total_exposure_cap',
    ]);
  });

  it('reports the first failing gate when several fail', () => {
    const all: Partial<RiskContext> = {
      median_age_ms: 9_999,
      median_venues: 1,
      book_age_ms: 99_999,
      time_left_ms: 0,
      market_exposure_usd: 1e6,
    };
    expect(fresh().check(BUY, ctx(all))).toMatchObject({ reason: 'stale_reference' });
    expect(fresh().check(BUY, ctx({ ...all, median_age_ms: 0 }))).toMatchObject({ reason: 'too_few_venues' });
    expect(fresh().check(BUY, ctx({ ...all, median_age_ms: 0, median_venues: 6 }))).toMatchObject({ reason: 'stale_book' });
  });
});

describe('daily loss limit (kill switch)', () => {
  it('halts new risk once the day loses the limit, keeps halting after a recovery, and resets on the next UTC day', () => {
    const r = fresh();
    const day0 = utcDayStartMs(T0);
    r.dayState(T0, 10_000);
    expect(r.check(BUY, ctx({ ts_unix_ms: T0 + 1_000, equity_usd: 9_501 }))).toEqual({ ok: true });
    expect(r.check(BUY, ctx({ ts_unix_ms: T0 + 2_000, equity_usd: 9_500 }))).toEqual({
      ok: false,
      reason: 'daily_loss_limit',
      numbers: { day_start_ms: day0, day_start_equity: 10_000, equity: 9_500, day_pnl: -500, limit: 500, halted_at_ms: T0 + 2_000 },
    });
    expect(r.halted()).toBe(true);
    // Equity recovers: still halted for the rest of this UTC day; sells still pass.
    expect(r.check(BUY, ctx({ ts_unix_ms: day0 + DAY - 1, equity_usd: 11_000 }))).toMatchObject({
      ok: false,
      reason: 'daily_loss_limit',
      numbers: { halted_at_ms: T0 + 2_000 },
    });
    expect(r.check(SELL, ctx({ ts_unix_ms: day0 + DAY - 1, equity_usd: 11_000 }))).toEqual({ ok: true });
    // Next UTC day: a fresh start from that day's first equity.
    expect(r.check(BUY, ctx({ ts_unix_ms: day0 + DAY, equity_usd: 9_000 }))).toEqual({ ok: true });
    expect(r.halted()).toBe(false);
    expect(r.dayState(day0 + DAY + 1, 8_600)).toMatchObject({ dayStartMs: day0 + DAY, startEquityUsd: 9_000, haltedAtMs: null });
    expect(r.dayState(day0 + DAY + 2, 8_500)).toMatchObject({ haltedAtMs: day0 + DAY + 2 });
  });

  it('computes UTC day starts from timestamps alone', () => {
    expect(utcDayStartMs(Date.UTC(2026, 2, 29, 23, 59, 59, 999))).toBe(Date.UTC(2026, 2, 29));
    expect(utcDayStartMs(Date.UTC(2026, 2, 30))).toBe(Date.UTC(2026, 2, 30));
  });
});

describe('RiskState seed contract', () => {
  it('keeps the seed helper checkMarketExposure on the starting equity (production uses the market_exposure_cap gate above)', () => {
    expect(new RiskState(100_000, 0.02).checkMarketExposure('btc-up', 10_000, 2_000)).toEqual({
      ok: false,
      reason: 'market_exposure_cap',
      numbers: { current: 10_000, incoming: 2_000, limit: 2_000 },
    });
  });

  it('with only the seed market fraction set, no other gate binds, even on missing data', () => {
    const over = { median_age_ms: null, book_age_ms: null, best_bid: null, median_venues: 0, time_left_ms: 0, total_exposure_usd: 1e9 };
    expect(new RiskState(10_000, 1).check({ ...BUY, qty: 1e6, limit_px: 0.001 }, ctx(over))).toEqual({ ok: true });
  });
});

describe('exposureFor', () => {
  it('counts holdings at cost and pending buys at their limit, and frees only shares no pending sell has promised', () => {
    const holdings = [
      { market_id: 'm1', token_id: 'm1-up', qty: 100, avg_cost: 0.4 },
      { market_id: 'm2', token_id: 'm2-up', qty: 50, avg_cost: 0.2 },
    ];
    const pending = [
      { market_id: 'm1', token_id: 'm1-down', side: 'buy' as const, qty: 20, limit_px: 0.5 },
      { market_id: 'm3', token_id: 'm3-up', side: 'buy' as const, qty: 10, limit_px: 0.3 },
      { market_id: 'm1', token_id: 'm1-up', side: 'sell' as const, qty: 30, limit_px: 0.45 },
    ];
    const x = exposureFor(holdings, pending, 'm1');
    expect(x.market_exposure_usd).toBeCloseTo(40 + 10, 12);
    expect(x.total_exposure_usd).toBeCloseTo(40 + 10 + 10 + 3, 12);
    expect([...x.open_market_ids].sort()).toEqual(['m1', 'm2', 'm3']);
    expect(exposureFor(holdings, pending, 'm9')).toMatchObject({ market_exposure_usd: 0 });
  });
});
