// Goal: the real Engine, driven by crafted input sequences, refuses orders through each risk gate with the exact risk_reject event (reason and numbers).
import { describe, expect, it } from 'vitest';
import type { InputEvent, MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent, RiskReject } from '../../src/core/outputs.ts';
import { Engine, type EngineParams } from '../../src/engine/engine.ts';
import { FEE_FREE } from '../../src/core/fees.ts';
import type { RiskLimits } from '../../src/strategy/risk.ts';
import type { Decision, MarketView, Strategy } from '../../src/strategy/types.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const VENUES = ['coinbase', 'kraken', 'okx', 'bybit'];

const LIMITS: RiskLimits = {
  maxMarketFraction: 0.02,
  maxTotalFraction: 0.1,
  maxOrderQtyShares: 500,
  maxOrderNotionalUsd: 250,
  minOrderQtyShares: 5,
  maxOpenMarkets: 5,
  dailyLossLimitUsd: 500,
  maxMedianAgeMs: 5_000,
  minVenues: 3,
  maxBookAgeMs: 10_000,
  maxSpread: 0.05,
  noNewRiskBeforeEndMs: 30_000,
  cooldownMs: 5_000,
};

type Plan = (view: MarketView) => Array<Partial<Decision>>;

/** A scripted strategy: whatever the test's plan says, for the Up token unless told otherwise. */
class Scripted implements Strategy {
  readonly name = 'scripted';
  constructor(private readonly plan: Plan) {}
  evaluate(view: MarketView): Decision[] {
    return this.plan(view).map((d) => ({
      token_id: view.market.tokens[0].token_id,
      outcome: 'Up',
      side: 'buy',
      qty: 20,
      limit_px: view.tokens[0]!.best_ask ?? 0.5,
      reason: 'scripted',
      numbers: {},
      ...d,
    }));
  }
}

function market(id: string, startMs: number, endMs: number): MarketInfo {
  return {
    market_id: id,
    slug: id,
    question: id,
    family: '15m',
    window_start_ms: startMs,
    window_end_ms: endMs,
    tokens: [
      { token_id: `${id}-up`, outcome: 'Up' },
      { token_id: `${id}-down`, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: FEE_FREE,
    resolution: { rule: 'end_gte_start', source: 'sim' },
    price_to_beat: 64_000,
    price_to_beat_estimated: false,
  };
}

class Harness {
  readonly engine: Engine;
  readonly out: OutputEvent[] = [];
  private seq = 0;

  constructor(plan: Plan, limits: Partial<RiskLimits> = {}, extra: Partial<EngineParams> = {}) {
    this.engine = new Engine({
      runId: 't',
      mode: 'replay',
      seed: null,
      strategy: new Scripted(plan),
      median: { stalenessMs: 2_000, outlierBps: 200, minVenues: 2 },
      vol: { halfLifeMs: 60_000, floorAnnual: 0.5 },
      equityUsd: 10_000,
      riskMaxMarketFraction: LIMITS.maxMarketFraction,
      latencyMs: 250,
      slippageBps: 0,
      risk: { ...LIMITS, ...limits },
      ...extra,
    });
  }

  step(...inputs: InputEvent[]): this {
    for (const i of inputs) this.out.push(...this.engine.step(i));
    return this;
  }

  discover(m: MarketInfo, ts: number): this {
    return this.step({ event_type: 'market_discovered', market: m, ts_unix_ms: ts });
  }

  prints(ts: number, venues = VENUES, px = 64_000): this {
    return this.step(
      ...venues.map((venue): InputEvent => ({
        event_type: 'venue_trade',
        venue,
        symbol: 'BTC-USD',
        px,
        qty: 0.1,
        side: 'buy',
        trade_id: `${venue}-${++this.seq}`,
        ts_exchange_ms: ts,
        ts_unix_ms: ts,
      })),
    );
  }

  book(ts: number, m: MarketInfo, bid: number, ask: number, size = 1_000): this {
    const [up, down] = m.tokens;
    const r = (x: number) => Math.round(x * 100) / 100;
    return this.step(
      {
        event_type: 'book_snapshot',
        market_id: m.market_id,
        token_id: up.token_id,
        bids: [[bid, size]],
        asks: [[ask, size]],
        ts_exchange_ms: ts,
        ts_unix_ms: ts,
      },
      {
        event_type: 'book_snapshot',
        market_id: m.market_id,
        token_id: down.token_id,
        bids: [[r(1 - ask), size]],
        asks: [[r(1 - bid), size]],
        ts_exchange_ms: ts,
        ts_unix_ms: ts,
      },
    );
  }

  timer(ts: number): this {
    return this.step({ event_type: 'timer', ts_unix_ms: ts });
  }

  /** Prints, a fresh book and a timer at `ts`: one ordinary second of market. */
  tick(ts: number, ms: MarketInfo[], bid = 0.49, ask = 0.5): this {
    this.prints(ts);
    for (const m of ms) this.book(ts, m, bid, ask);
    return this.timer(ts);
  }

  rejects(): RiskReject[] {
    return this.out.filter((e): e is RiskReject => e.event_type === 'risk_reject');
  }

  count(type: OutputEvent['event_type']): number {
    return this.out.filter((e) => e.event_type === type).length;
  }
}

const M1 = market('m1', T0, T0 + 900_000);
const M2 = market('m2', T0, T0 + 900_000);
/** A decision's reject: it opens a reject episode (engine/rejectEpisodes.ts). */
const reject = (
  reason: string,
  market_id: string | null,
  intent_id: string | null,
  numbers: Record<string, number | null>,
  ts: number,
): RiskReject => ({
  event_type: 'risk_reject',
  reason,
  market_id,
  intent_id,
  numbers,
  episode_id: expect.any(String) as unknown as string,
  ts_unix_ms: ts,
});
const once = (d: Array<Partial<Decision>>): Plan => {
  let done = false;
  return () => (done ? [] : ((done = true), d));
};

describe('Engine risk gates (crafted inputs)', () => {
  it('accepts an ordinary buy: signal, then paper_intent, no reject', () => {
    const h = new Harness(once([{}])).discover(M1, T0 - 1_000).tick(T0, [M1]);
    expect(h.rejects()).toEqual([]);
    expect(h.count('signal')).toBe(1);
    expect(h.count('paper_intent')).toBe(1);
  });

  it('invalid_order: a zero-quantity order', () => {
    const h = new Harness(once([{ qty: 0 }])).discover(M1, T0 - 1_000).tick(T0, [M1]);
    expect(h.rejects()).toEqual([reject('invalid_order', 'm1', 'i1', { qty: 0, limit_px: 0.5 }, T0)]);
  });

  it('naked_short: selling a token not held', () => {
    const h = new Harness(once([{ side: 'sell', qty: 10, limit_px: 0.49 }])).discover(M1, T0 - 1_000).tick(T0, [M1]);
    expect(h.rejects()).toEqual([reject('naked_short', 'm1', 'i1', { qty: 10, held_qty: 0 }, T0)]);
    expect(h.count('paper_intent')).toBe(0);
  });

  it('stale_reference: the venues fall silent, the strategy keeps running on the last median and is refused with its age', () => {
    let n = 0;
    const h = new Harness(() => (++n === 3 ? [{}] : [])).discover(M1, T0 - 1_000).tick(T0, [M1]);
    // No prints after T0: the median is gone at T0 + 3 s (2 s staleness); the book stays fresh.
    h.book(T0 + 3_000, M1, 0.49, 0.5).timer(T0 + 3_000);
    h.book(T0 + 6_000, M1, 0.49, 0.5).timer(T0 + 6_000);
    expect(h.rejects()).toEqual([
      reject('no_reference_price', null, null, { min_venues: 2 }, T0 + 3_000),
      reject('stale_reference', 'm1', 'i1', { median_age_ms: 6_000, max_median_age_ms: 5_000 }, T0 + 6_000),
    ]);
  });

  it('too_few_venues: a median from two venues is published but not traded on', () => {
    const h = new Harness(once([{}]))
      .discover(M1, T0 - 1_000)
      .prints(T0, ['coinbase', 'kraken'])
      .book(T0, M1, 0.49, 0.5)
      .timer(T0);
    expect(h.count('btc_median')).toBe(1);
    expect(h.rejects()).toEqual([reject('too_few_venues', 'm1', 'i1', { venues: 2, min_venues: 3 }, T0)]);
  });

  it('stale_book: the book has not changed for longer than the limit', () => {
    let n = 0;
    const h = new Harness(() => (++n === 2 ? [{}] : [])).discover(M1, T0 - 1_000).tick(T0, [M1]);
    h.prints(T0 + 10_001).timer(T0 + 10_001);
    expect(h.rejects()).toEqual([reject('stale_book', 'm1', 'i1', { book_age_ms: 10_001, max_book_age_ms: 10_000 }, T0 + 10_001)]);
  });

  it('spread_too_wide: best ask − best bid above the limit', () => {
    const h = new Harness(once([{}])).discover(M1, T0 - 1_000).tick(T0, [M1], 0.4, 0.5);
    expect(h.rejects()).toEqual([
      reject('spread_too_wide', 'm1', 'i1', { spread: 0.09999999999999998, bid: 0.4, ask: 0.5, max_spread: 0.05 }, T0),
    ]);
  });

  it('too_close_to_end: no new risk in the last 30 s of the window', () => {
    const end = M1.window_end_ms;
    const h = new Harness((v) => (v.time_left_ms < 30_000 ? [{}] : []))
      .discover(M1, T0 - 1_000)
      .tick(T0, [M1])
      .tick(end - 10_000, [M1]);
    expect(h.rejects()).toEqual([
      reject('too_close_to_end', 'm1', 'i1', { time_left_ms: 10_000, no_new_risk_before_end_ms: 30_000 }, end - 10_000),
    ]);
  });

  it('cooldown: a second order on the same market one second after the first', () => {
    const h = new Harness(() => [{}])
      .discover(M1, T0 - 1_000)
      .tick(T0, [M1])
      .tick(T0 + 1_000, [M1]);
    expect(h.count('paper_intent')).toBe(1);
    expect(h.rejects()).toEqual([reject('cooldown', 'm1', 'i2', { since_last_order_ms: 1_000, cooldown_ms: 5_000 }, T0 + 1_000)]);
  });

  it('min_order_qty, max_order_qty and max_order_notional: order-size limits', () => {
    const h = new Harness(once([{ qty: 4 }, { qty: 501, limit_px: 0.01 }, { qty: 400, limit_px: 0.7 }]), { cooldownMs: 0 })
      .discover(M1, T0 - 1_000)
      .tick(T0, [M1]);
    expect(h.rejects()).toEqual([
      reject('min_order_qty', 'm1', 'i1', { qty: 4, min_qty: 5 }, T0),
      reject('max_order_qty', 'm1', 'i2', { qty: 501, max_qty: 500 }, T0),
      reject('max_order_notional', 'm1', 'i3', { notional: 280, qty: 400, limit_px: 0.7, max_notional: 250 }, T0),
    ]);
  });

  it('market_exposure_cap: pending buys count as exposure, the seed cap of 2% of equity binds', () => {
    const h = new Harness(once([{ qty: 300 }, { qty: 200 }]), { cooldownMs: 0 }).discover(M1, T0 - 1_000).tick(T0, [M1]);
    expect(h.rejects()).toEqual([reject('market_exposure_cap', 'm1', 'i2', { current: 150, incoming: 100, limit: 200 }, T0)]);
  });

  it('total_exposure_cap and max_open_markets: limits across markets', () => {
    const plan: Plan = (v) => (v.market.market_id === 'm1' ? [{ qty: 380 }] : [{ qty: 300 }]);
    const h1 = new Harness(plan, { maxTotalFraction: 0.03, maxMarketFraction: 1 })
      .discover(M1, T0 - 1_000)
      .discover(M2, T0 - 1_000)
      .tick(T0, [M1, M2]);
    expect(h1.rejects()).toEqual([reject('total_exposure_cap', 'm2', 'i2', { current: 190, incoming: 150, limit: 300 }, T0)]);
    const h2 = new Harness(plan, { maxOpenMarkets: 1, maxMarketFraction: 1 })
      .discover(M1, T0 - 1_000)
      .discover(M2, T0 - 1_000)
      .tick(T0, [M1, M2]);
    expect(h2.rejects()).toEqual([reject('max_open_markets', 'm2', 'i2', { open_markets: 1, max_open_markets: 1 }, T0)]);
  });

  it('daily_loss_limit: a marked loss trips the kill switch for the rest of the UTC day; the next UTC day trades again', () => {
    // A 20-minute window across midnight UTC; buy 400 Up at 0.50, then the Up bid collapses.
    const start = Date.UTC(2026, 0, 1, 23, 50);
    const m = market('late', start, start + 20 * 60_000);
    const h = new Harness(() => [{ qty: 400 }], { dailyLossLimitUsd: 100, maxMarketFraction: 1, cooldownMs: 0 }, { latencyMs: 0 }).discover(
      m,
      start - 1_000,
    );
    h.tick(start, [m]);
    expect(h.count('paper_fill')).toBe(1);
    h.tick(start + 60_000, [m], 0.2, 0.21);
    const tripped = h.rejects().at(-1)!;
    // Equity = 10 000 − 400 × 0.50 (cash) + 400 × 0.20 (bid) = 9 880: down 120 ≥ 100.
    expect(tripped).toEqual(
      reject(
        'daily_loss_limit',
        'late',
        expect.any(String) as unknown as string,
        {
          day_start_ms: Date.UTC(2026, 0, 1),
          day_start_equity: 10_000,
          equity: 9_880,
          day_pnl: -120,
          limit: 100,
          halted_at_ms: start + 60_000,
        },
        start + 60_000,
      ),
    );
    // The book recovers; still halted until midnight UTC: the same episode goes on, no new event.
    h.tick(start + 5 * 60_000, [m], 0.49, 0.5);
    expect(h.rejects().at(-1)).toBe(tripped);
    const fillsBefore = h.count('paper_fill');
    h.tick(Date.UTC(2026, 0, 2, 0, 1), [m], 0.49, 0.5);
    expect(h.count('paper_fill')).toBe(fillsBefore + 1);
    expect(h.rejects().at(-1)).toBe(tripped);
    expect(h.out.find((e) => e.event_type === 'reject_episode_ended')).toMatchObject({
      episode_id: tripped.episode_id,
      reason: 'daily_loss_limit',
      occurrences: 2,
      first_ts_ms: start + 60_000,
      last_ts_ms: start + 5 * 60_000,
    });
  });
});

describe('reject episodes', () => {
  it('a decision refused tick after tick is one risk_reject; the repeats are counted and closed when the condition clears', () => {
    const h = new Harness(() => [{}], { cooldownMs: 3_500 }).discover(M1, T0 - 1_000);
    for (let s = 0; s <= 5; s++) h.tick(T0 + s * 1_000, [M1]);
    // An intent at T0, cooldown refusals at +1, +2, +3 s, the next intent at +4 s, refused again at +5 s.
    expect(h.count('paper_intent')).toBe(2);
    const rejects = h.rejects();
    expect(rejects.map((r) => [r.reason, r.ts_unix_ms])).toEqual([
      ['cooldown', T0 + 1_000],
      ['cooldown', T0 + 5_000],
    ]);
    const ended = h.out.filter((e) => e.event_type === 'reject_episode_ended');
    expect(ended).toEqual([
      {
        event_type: 'reject_episode_ended',
        episode_id: rejects[0]!.episode_id,
        reason: 'cooldown',
        market_id: 'm1',
        occurrences: 3,
        first_ts_ms: T0 + 1_000,
        last_ts_ms: T0 + 3_000,
        last_numbers: { since_last_order_ms: 3_000, cooldown_ms: 3_500 },
        ts_unix_ms: T0 + 4_000,
      },
    ]);
    expect(h.engine.counters.rejects).toBe(2);
    expect(h.engine.episodes.occurrences).toBe(4);
    // The run stops: the open episode closes with what it counted.
    const stop = h.engine.stop(T0 + 6_000);
    expect(stop.find((e) => e.event_type === 'reject_episode_ended')).toMatchObject({
      episode_id: rejects[1]!.episode_id,
      occurrences: 1,
      ts_unix_ms: T0 + 6_000,
    });
  });

  it('another reason or another decision on the same market is another episode', () => {
    let n = 0;
    const h = new Harness(() =>
      ++n <= 2
        ? [{ qty: 4 }]
        : [
            { qty: 501, limit_px: 0.01 },
            { outcome: 'Down', token_id: 'm1-down', qty: 501, limit_px: 0.01 },
          ],
    ).discover(M1, T0 - 1_000);
    for (let s = 0; s < 4; s++) h.tick(T0 + s * 1_000, [M1]);
    expect(h.rejects().map((r) => [r.reason, r.ts_unix_ms])).toEqual([
      ['min_order_qty', T0],
      ['max_order_qty', T0 + 2_000],
      ['max_order_qty', T0 + 2_000],
    ]);
    expect(
      h.out
        .filter((e) => e.event_type === 'reject_episode_ended')
        .map((e) => e.event_type === 'reject_episode_ended' && [e.reason, e.occurrences]),
    ).toEqual([['min_order_qty', 2]]);
  });

  it('the stand-down notice is an episode too: one notice while the median is missing, closed when it is back', () => {
    const h = new Harness(() => []).discover(M1, T0 - 1_000).tick(T0, [M1]);
    for (let s = 3; s <= 6; s++) h.timer(T0 + s * 1_000);
    h.tick(T0 + 7_000, [M1]);
    expect(h.rejects()).toEqual([reject('no_reference_price', null, null, { min_venues: 2 }, T0 + 3_000)]);
    expect(h.out.find((e) => e.event_type === 'reject_episode_ended')).toMatchObject({
      reason: 'no_reference_price',
      occurrences: 4,
      ts_unix_ms: T0 + 7_000,
    });
  });
});
