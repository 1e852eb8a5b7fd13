// Goal: every limit that protects money binds at its documented default with nothing passed in — each POLYLAB_RISK_* default (README column = loadConfig({}) = what buildEngine hands the engine), each risk gate at that default exactly and one unit past it, and the paper execution's bound on working orders.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { buildEngine, riskLimitsFromConfig } from '../../src/app/engineFactory.ts';
import { PERMISSIVE_LIMITS, RiskState, type OrderRequest, type RiskContext, type RiskReason } from '../../src/strategy/risk.ts';
import { Harness, T0 } from './paper-harness.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const DEFAULTS = loadConfig({});
const LIMITS = riskLimitsFromConfig(DEFAULTS);
/** The risk state as the engine builds it from the default config (engine/engine.ts constructor). */
const fresh = () => new RiskState(DEFAULTS.equityUsd, DEFAULTS.riskMaxMarketFraction, LIMITS);

/** README's settings table: variable → its documented default. */
const readmeDefaults = new Map(
  [...readFileSync('README.md', 'utf8').matchAll(/^\| `(POLYLAB_[A-Z_]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, m[2]!]),
);

describe('risk limit defaults', () => {
  it.each([
    ['POLYLAB_EQUITY', 'equityUsd', 10_000],
    ['POLYLAB_RISK_MAX_MARKET_FRACTION', 'riskMaxMarketFraction', 0.02],
    ['POLYLAB_RISK_MAX_TOTAL_FRACTION', 'riskMaxTotalFraction', 0.1],
    ['POLYLAB_RISK_MAX_ORDER_QTY', 'riskMaxOrderQtyShares', 500],
    ['POLYLAB_RISK_MAX_ORDER_NOTIONAL', 'riskMaxOrderNotionalUsd', 250],
    ['POLYLAB_RISK_MIN_ORDER_QTY', 'riskMinOrderQtyShares', 5],
    ['POLYLAB_RISK_MAX_OPEN_MARKETS', 'riskMaxOpenMarkets', 5],
    ['POLYLAB_RISK_DAILY_LOSS_LIMIT', 'riskDailyLossLimitUsd', 500],
    ['POLYLAB_RISK_MAX_MEDIAN_AGE_MS', 'riskMaxMedianAgeMs', 5_000],
    ['POLYLAB_RISK_MIN_VENUES', 'riskMinVenues', 3],
    ['POLYLAB_RISK_MAX_BOOK_AGE_MS', 'riskMaxBookAgeMs', 10_000],
    ['POLYLAB_RISK_MAX_SPREAD', 'riskMaxSpread', 0.05],
    ['POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS', 'riskNoNewRiskBeforeEndMs', 30_000],
    ['POLYLAB_RISK_COOLDOWN_MS', 'riskCooldownMs', 5_000],
  ] as const)('%s defaults to the README value (%s = %s)', (env, key, value) => {
    expect(DEFAULTS[key]).toBe(value);
    expect(Number(readmeDefaults.get(env))).toBe(value);
  });

  it('the engine built from the default config gets those limits, not the permissive ones', () => {
    const engine = buildEngine(loadConfig({ POLYLAB_MODE: 'sim' }), 'sim', 'sim-1', 7);
    expect(engine.params.risk).toEqual(LIMITS);
    expect(engine.params.riskMaxMarketFraction).toBe(0.02);
    expect(engine.params.equityUsd).toBe(10_000);
    for (const k of Object.keys(PERMISSIVE_LIMITS) as Array<keyof typeof LIMITS>) expect(LIMITS[k], k).not.toBe(PERMISSIVE_LIMITS[k]);
  });
});

describe('each risk gate at its default: exactly at the limit passes, one unit past it is refused', () => {
  const BUY: OrderRequest = { market_id: 'm1', side: 'buy', qty: 20, limit_px: 0.5 };
  const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({
    ts_unix_ms: NOW,
    equity_usd: 10_000,
    market_exposure_usd: 0,
    total_exposure_usd: 0,
    open_market_ids: new Set(),
    median_age_ms: 0,
    median_venues: 6,
    book_age_ms: 0,
    best_bid: 0.49,
    best_ask: 0.5,
    time_left_ms: 600_000,
    ...over,
  });
  const others = (n: number) => new Set(Array.from({ length: n }, (_, i) => `other-${i}`));

  // [gate, order and context at the default limit, the same one unit past it]
  const cases: Array<[RiskReason, [OrderRequest, Partial<RiskContext>], [OrderRequest, Partial<RiskContext>]]> = [
    ['stale_reference', [BUY, { median_age_ms: 5_000 }], [BUY, { median_age_ms: 5_001 }]],
    ['too_few_venues', [BUY, { median_venues: 3 }], [BUY, { median_venues: 2 }]],
    ['stale_book', [BUY, { book_age_ms: 10_000 }], [BUY, { book_age_ms: 10_001 }]],
    ['spread_too_wide', [BUY, { best_bid: 0.45, best_ask: 0.5 }], [BUY, { best_bid: 0.44, best_ask: 0.5 }]],
    ['too_close_to_end', [BUY, { time_left_ms: 30_000 }], [BUY, { time_left_ms: 29_999 }]],
    ['max_order_qty', [{ ...BUY, qty: 500, limit_px: 0.01 }, {}], [{ ...BUY, qty: 500.01, limit_px: 0.01 }, {}]],
    // A larger account so that the exposure cap (2 % of equity) does not speak first.
    [
      'max_order_notional',
      [{ ...BUY, qty: 500, limit_px: 0.5 }, { equity_usd: 100_000 }],
      [{ ...BUY, qty: 500, limit_px: 0.51 }, { equity_usd: 100_000 }],
    ],
    ['max_open_markets', [BUY, { open_market_ids: others(4) }], [BUY, { open_market_ids: others(5) }]],
    // 2 % of 10 000 = 200 per market; 10 % = 1 000 in all. The order adds 20 × 0.5 = 10.
    ['market_exposure_cap', [BUY, { market_exposure_usd: 190 }], [BUY, { market_exposure_usd: 190.01 }]],
    [
      'total_exposure_cap',
      [BUY, { market_exposure_usd: 0, total_exposure_usd: 990 }],
      [BUY, { market_exposure_usd: 0, total_exposure_usd: 990.01 }],
    ],
  ];

  it.each(cases)('%s', (reason, [atOrder, at], [pastOrder, past]) => {
    expect(fresh().check(atOrder, ctx(at))).toEqual({ ok: true });
    expect(fresh().check(pastOrder, ctx(past))).toMatchObject({ ok: false, reason });
  });

  it('cooldown: a second buy on the market 5 000 ms after the first passes, 4 999 ms after is refused', () => {
    const r = fresh();
    r.recordAccepted('m1', 'buy', NOW);
    expect(r.check(BUY, ctx({ ts_unix_ms: NOW + 4_999 }))).toMatchObject({ ok: false, reason: 'cooldown' });
    expect(r.check(BUY, ctx({ ts_unix_ms: NOW + 5_000 }))).toEqual({ ok: true });
  });

  it('daily loss: 499.99 below the day start still trades, 500 below halts new risk for the day', () => {
    const near = fresh();
    near.dayState(NOW, 10_000);
    expect(near.check(BUY, ctx({ ts_unix_ms: NOW + 1, equity_usd: 9_500.01 }))).toEqual({ ok: true });
    const hit = fresh();
    hit.dayState(NOW, 10_000);
    expect(hit.check(BUY, ctx({ ts_unix_ms: NOW + 1, equity_usd: 9_500 }))).toMatchObject({
      ok: false,
      reason: 'daily_loss_limit',
      numbers: { day_start_equity: 10_000, limit: 500 },
    });
  });
});

describe('paper execution bounds at their defaults', () => {
  it('the minimum order size the engine passes (5 shares) is applied: 5 is taken, 4.99 refused', () => {
    const h = new Harness({ minOrderQtyShares: LIMITS.minOrderQtyShares });
    h.info = { ...h.info, min_size: 1 };
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 5, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 4.99, limit_px: 0.5 });
    expect(h.events('risk_reject').map((e) => e.reason)).toEqual(['min_order_qty']);
    expect(h.counters.intents).toBe(1);
  });

  it('holds at most 1 000 working orders by default (none passed in): the 1 001st is refused with the count', () => {
    const h = new Harness();
    h.book('up', T0, [[0.6, 100]]);
    for (let i = 0; i < 1_000; i++) h.order({ side: 'buy', qty: 5, limit_px: 0.01 });
    expect(h.events('risk_reject')).toEqual([]);
    h.order({ side: 'buy', qty: 5, limit_px: 0.01 });
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ reason: 'too_many_pending_intents', numbers: { pending: 1_000 } })]);
    expect(h.exec.openOrders).toBe(1_000);
  });
});
