// Goal: the engine's settlement memory, late official results and the equity curve behave exactly as
// documented — the cases the mutation pass showed no other test pinned down.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level } from '../../src/core/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { OutputEvent, OutputEventType, OutputOf } from '../../src/core/outputs.ts';
import type { CancelDecision, Decision, MarketView, Strategy } from '../../src/strategy/types.ts';
import { fairValueUp } from '../../src/pricing/fairValue.ts';
import { twapFairValueUp } from '../../src/pricing/twapFairValue.ts';
import { T0, market } from './paper-harness.ts';
import { buyUp, engine, scripted, venueStatus as status } from './engine-harness.ts';

const trades = (ts: number, px = 100_000): InputEvent[] =>
  ['coinbase', 'kraken'].map((venue, i) => ({
    event_type: 'venue_trade',
    venue,
    symbol: 'BTC-USD',
    px,
    qty: 1,
    side: 'buy',
    trade_id: `${venue}-${ts}-${i}`,
    ts_exchange_ms: ts,
    ts_unix_ms: ts,
  }));
const book = (ts: number, tokenId: string, asks: Level[], bids: Level[] = [], marketId = 'm1'): InputEvent => ({
  event_type: 'book_snapshot',
  market_id: marketId,
  token_id: tokenId,
  bids,
  asks,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});
const resolved = (marketId: string, winner: 'up' | 'down', source: 'own' | 'official', ts: number): InputEvent => ({
  event_type: 'market_resolved',
  market_id: marketId,
  winning_token_id: winner,
  winning_outcome: winner === 'up' ? 'Up' : 'Down',
  source,
  ts_unix_ms: ts,
});
const discovered = (marketId: string, ts: number): InputEvent => ({
  event_type: 'market_discovered',
  market: market({ market_id: marketId }),
  ts_unix_ms: ts,
});
function run(e: Engine, inputs: InputEvent[]): OutputEvent[] {
  return [...e.start(T0), ...inputs.flatMap((i) => e.step(i))];
}
const only = <T extends OutputEventType>(out: OutputEvent[], type: T) => out.filter((e): e is OutputOf<T> => e.event_type === type);

/** Market m1 discovered, 10 Up bought at 0.5, then our own reading settles it Up. */
function heldAndSettledUp(): { e: Engine; out: OutputEvent[] } {
  const e = engine(scripted([buyUp(10, 0.5)]));
  const out = run(e, [
    discovered('m1', T0),
    book(T0 + 10, 'up', [[0.5, 100]], [[0.4, 100]]),
    ...trades(T0 + 900),
    { event_type: 'timer', ts_unix_ms: T0 + 1000 },
    book(T0 + 1300, 'up', [[0.5, 100]], [[0.4, 100]]),
    { event_type: 'timer', ts_unix_ms: T0 + 12_000 },
    resolved('m1', 'up', 'own', T0 + 400_000),
  ]);
  return { e, out };
}

describe('late results for a settled market', () => {
  it('ignores a second own reading that disagrees: only an official result can correct the pnl', () => {
    const { e, out } = heldAndSettledUp();
    expect(only(out, 'paper_fill')).toHaveLength(1);
    expect(only(out, 'settlement')).toHaveLength(1);
    const realized = e.portfolio.realized;
    expect(e.step(resolved('m1', 'down', 'own', T0 + 401_000))).toEqual([]);
    expect(e.portfolio.realized).toBe(realized);
  });

  it('an official result that disagrees re-settles once; a further official result is ignored', () => {
    const { e } = heldAndSettledUp();
    const corr = e.step(resolved('m1', 'down', 'official', T0 + 401_000));
    expect(only(corr, 'settlement')[0]).toMatchObject({ source: 'official', winning_token_id: 'down', corrects_outcome: 'Up', payout: 0 });
    expect(only(corr, 'settlement')[0]!.pnl_adjustment).toBeCloseTo(-10, 9);
    const realized = e.portfolio.realized;
    expect(e.step(resolved('m1', 'up', 'official', T0 + 402_000))).toEqual([]);
    expect(e.portfolio.realized).toBe(realized);
  });

  it('an official result after an official settlement is never a correction', () => {
    const e = engine();
    run(e, [discovered('m1', T0), resolved('m1', 'up', 'official', T0 + 400_000)]);
    expect(e.step(resolved('m1', 'down', 'official', T0 + 401_000))).toEqual([]);
  });

  it('a result for a market the engine never saw settles nothing and does not throw', () => {
    const e = engine();
    run(e, [discovered('m1', T0)]);
    expect(e.step(resolved('zz', 'up', 'own', T0 + 400_000))).toEqual([]);
    expect(e.counters.settlements).toBe(0);
  });
});

describe('settled-market memory (1024 markets)', () => {
  const settleMany = (n: number): Engine => {
    const e = engine();
    const inputs: InputEvent[] = [];
    for (let i = 0; i < n; i++) inputs.push(discovered(`m${i}`, T0), resolved(`m${i}`, 'up', 'own', T0 + 400_000));
    run(e, inputs);
    return e;
  };
  it('still corrects the oldest of exactly 1024 settled markets', () => {
    const e = settleMany(1024);
    expect(only(e.step(resolved('m0', 'down', 'official', T0 + 401_000)), 'settlement')).toHaveLength(1);
  });
  it('forgets the oldest once a 1025th market settles', () => {
    const e = settleMany(1025);
    expect(e.step(resolved('m0', 'down', 'official', T0 + 401_000))).toEqual([]);
    expect(only(e.step(resolved('m1', 'down', 'official', T0 + 401_000)), 'settlement')).toHaveLength(1);
  });
});

describe('equity curve', () => {
  it('records cash plus the position at its best bid, the same equity the pnl event shows', () => {
    const { e, out } = heldAndSettledUp();
    const pnls = only(out, 'pnl');
    const beforeSettle = pnls.find((p) => (p.position_value ?? 0) > 0)!;
    expect(beforeSettle.position_value).toBeCloseTo(4, 9);
    const point = e.portfolio.equityCurve.find((p) => p.ts_unix_ms === beforeSettle.ts_unix_ms)!;
    expect(point.equity).toBeCloseTo(beforeSettle.equity, 9);
    expect(beforeSettle.equity).toBeCloseTo(beforeSettle.cash + 4, 9);
  });
});

/** A strategy that makes the n-th evaluation's decisions on the n-th evaluation (none after the list). */
function perTick(ticks: Decision[][]): Strategy {
  let n = 0;
  return { name: 'per-tick', evaluate: () => ticks[n++] ?? [] };
}
const quoteUp = (qty: number, limitPx: number): Decision => buyUp(qty, limitPx, { quote: true, tif: 'GTC' });
/** m1 with an Up book 0.40/0.50 and a fresh median; timers every second from T0 + 1000, refreshing prints. */
function ticking(e: Engine, ticks: number, extra: InputEvent[] = []): OutputEvent[] {
  const inputs: InputEvent[] = [discovered('m1', T0), book(T0 + 10, 'up', [[0.5, 100]], [[0.4, 100]]), ...extra];
  for (let i = 1; i <= ticks; i++) inputs.push(...trades(T0 + i * 1000 - 100), { event_type: 'timer', ts_unix_ms: T0 + i * 1000 });
  return run(e, inputs);
}

describe('quotes and the cooldown', () => {
  it('a resting quote does not start the taker cooldown: a taker order right after it goes through', () => {
    const e = engine(perTick([[quoteUp(10, 0.45)], [buyUp(10, 0.5)]]), { risk: { cooldownMs: 5_000 } });
    const out = ticking(e, 2);
    expect(only(out, 'risk_reject')).toEqual([]);
    expect(only(out, 'paper_intent')).toHaveLength(2);
  });
  it('the cooldown after a taker order does not refuse a quote', () => {
    const e = engine(perTick([[buyUp(10, 0.5)], [quoteUp(10, 0.45)]]), { risk: { cooldownMs: 5_000 } });
    const out = ticking(e, 2);
    expect(only(out, 'risk_reject')).toEqual([]);
    expect(only(out, 'paper_intent').map((i) => i.tif)).toEqual(['IOC', 'GTC']);
  });
  it('a taker order inside the cooldown is refused with the time since the last one', () => {
    const e = engine(perTick([[buyUp(10, 0.5)], [buyUp(10, 0.5)]]), { risk: { cooldownMs: 5_000 } });
    const out = ticking(e, 2);
    expect(only(out, 'risk_reject')).toMatchObject([{ reason: 'cooldown', numbers: { since_last_order_ms: 1000 } }]);
  });
  it('a quote that would cross the ask is refused, never filled as a taker', () => {
    const e = engine(perTick([[quoteUp(10, 0.5)]]));
    const out = ticking(e, 2, [book(T0 + 1500, 'up', [[0.5, 100]], [[0.4, 100]])]);
    expect(only(out, 'paper_fill')).toEqual([]);
    expect(only(out, 'risk_reject').map((r) => r.reason)).toContain('post_only_would_take');
  });
  it("a decision's own time in force overrides the configured one", () => {
    const e = engine(perTick([[buyUp(10, 0.45, { tif: 'GTC' })]]));
    const out = ticking(e, 1);
    expect(only(out, 'paper_intent')[0]).toMatchObject({ tif: 'GTC' });
  });
});

describe('reject episodes in the engine', () => {
  it('a refusal that still holds keeps its episode open on ticks the strategy stays silent', () => {
    const e = engine(perTick([[buyUp(10, 0.5)], [buyUp(10, 0.5)]]), { risk: { cooldownMs: 5_000 } });
    const out = ticking(e, 4);
    expect(only(out, 'risk_reject')).toHaveLength(1);
    expect(only(out, 'reject_episode_ended')).toEqual([]);
    expect(only(e.stop(T0 + 5000), 'reject_episode_ended')).toMatchObject([{ reason: 'cooldown', occurrences: 1 }]);
  });
  it('a refusal that cleared ends its episode at the next tick', () => {
    // Spread 0.40/0.50 is too wide for a 0.05 limit; the book then tightens to 0.48/0.50.
    const e = engine(perTick([[buyUp(10, 0.5)]]), { risk: { maxSpread: 0.05 } });
    const out = ticking(e, 3, []);
    expect(only(out, 'risk_reject')).toMatchObject([{ reason: 'spread_too_wide' }]);
    expect(only(out, 'reject_episode_ended')).toEqual([]);
    const later = [
      book(T0 + 3500, 'up', [[0.5, 100]], [[0.48, 100]]),
      ...trades(T0 + 3900),
      { event_type: 'timer', ts_unix_ms: T0 + 4000 } as InputEvent,
    ];
    expect(
      only(
        later.flatMap((i) => e.step(i)),
        'reject_episode_ended',
      ),
    ).toMatchObject([{ reason: 'spread_too_wide', ts_unix_ms: T0 + 4000 }]);
  });
  it('a refused decision ends its episode once its market closes', () => {
    const e = engine(perTick([[buyUp(10, 0.5)]]), { risk: { maxSpread: 0.05 } });
    ticking(e, 2);
    const later: InputEvent[] = [
      { event_type: 'market_closed', market_id: 'm1', ts_unix_ms: T0 + 2500 },
      { event_type: 'timer', ts_unix_ms: T0 + 3000 },
    ];
    expect(
      only(
        later.flatMap((i) => e.step(i)),
        'reject_episode_ended',
      ),
    ).toMatchObject([{ reason: 'spread_too_wide', ts_unix_ms: T0 + 3000 }]);
  });
});

describe('a refused quote is re-checked as a quote', () => {
  it('its episode stays open while the taker cooldown runs (the cooldown never applies to quotes)', () => {
    const e = engine(perTick([[buyUp(10, 0.5)], [quoteUp(600, 0.45)]]), { risk: { cooldownMs: 5_000, maxOrderQtyShares: 500 } });
    const out = ticking(e, 3);
    expect(only(out, 'risk_reject')).toMatchObject([{ reason: 'max_order_qty' }]);
    expect(only(out, 'reject_episode_ended')).toEqual([]);
  });
});

/** A strategy that records every view it is shown and decides from a per-call plan. */
function recording(plan: (view: MarketView, n: number) => Array<Decision | CancelDecision> = () => []): Strategy & { views: MarketView[] } {
  const views: MarketView[] = [];
  return { name: 'rec', views, evaluate: (v) => (views.push(v), plan(v, views.length)) };
}

describe('what the strategy is shown', () => {
  it('the reference age grows from the last median while no fresh one is computed', () => {
    const s = recording();
    const e = engine(s);
    ticking(e, 1);
    e.step({ event_type: 'timer', ts_unix_ms: T0 + 5000 });
    expect(s.views.map((v) => v.reference_age_ms)).toEqual([0, 4000]);
  });

  it("each market's view lists only that market's working orders", () => {
    const s = recording((v, n) => (n === 1 && v.market.market_id === 'm1' ? [buyUp(10, 0.45, { tif: 'GTC' })] : []));
    const e = engine(s, { tif: 'GTC', gtcTtlMs: 60_000 });
    const m2 = market({
      market_id: 'm2',
      tokens: [
        { token_id: 'up2', outcome: 'Up' },
        { token_id: 'down2', outcome: 'Down' },
      ],
    });
    ticking(e, 3, [{ event_type: 'market_discovered', market: m2, ts_unix_ms: T0 }]);
    const last = (id: string) => s.views.filter((v) => v.market.market_id === id).at(-1)!;
    expect(last('m1').working).toMatchObject([{ intent_id: 'i1', limit_px: 0.45 }]);
    expect(last('m2').working).toEqual([]);
  });

  it('a cancel decision ends the working order when it arrives, without a new signal', () => {
    const s = recording((v, n) => (n === 1 ? [buyUp(10, 0.45, { tif: 'GTC' })] : n === 2 ? [{ cancel: 'i1', reason: 'test' }] : []));
    const e = engine(s, { tif: 'GTC', gtcTtlMs: 60_000 });
    const out = ticking(e, 3);
    expect(only(out, 'signal')).toHaveLength(1);
    expect(only(out, 'order_expired')).toMatchObject([{ intent_id: 'i1', reason: 'cancelled' }]);
  });

  it('a market without a price to beat is not shown to the strategy until one is fixed from the median', () => {
    const s = recording();
    const e = engine(s);
    const inputs: InputEvent[] = [{ event_type: 'market_discovered', market: market({ price_to_beat: null }), ts_unix_ms: T0 }];
    for (let i = 1; i <= 7; i++) inputs.push(...trades(T0 + i * 1000 - 100, 100_123), { event_type: 'timer', ts_unix_ms: T0 + i * 1000 });
    const out = run(e, inputs);
    const announced = only(out, 'market_discovered').filter((d) => d.market.price_to_beat !== null);
    expect(announced).toMatchObject([{ market: { price_to_beat: 100_123, price_to_beat_estimated: true }, ts_unix_ms: T0 + 6000 }]);
    expect(s.views.map((v) => v.ts_unix_ms)).toEqual([T0 + 6000, T0 + 7000]);
  });
});

const print = (px: number, ts: number): InputEvent => ({
  event_type: 'reference_price',
  source: 'sim',
  symbol: 'BTC/USD',
  px,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
});

describe('fair value inputs', () => {
  it("spot is the resolution source's print up to exactly 5 s old, then the venue median", () => {
    const s = recording();
    const e = engine(s);
    run(e, [
      discovered('m1', T0),
      print(100_200, T0 + 1000),
      ...trades(T0 + 5900),
      { event_type: 'timer', ts_unix_ms: T0 + 6000 },
      ...trades(T0 + 6900),
      { event_type: 'timer', ts_unix_ms: T0 + 7000 },
    ]);
    expect(s.views.map((v) => v.spot)).toEqual([100_200, 100_000]);
  });

  it('a TWAP market prices the average still to come given the prints already inside its lookback', () => {
    const s = recording();
    const e = engine(s);
    const twap = market({ resolution: { rule: 'twap_gte_start', source: 'sim' } });
    const end = twap.window_end_ms;
    run(e, [
      { event_type: 'market_discovered', market: twap, ts_unix_ms: T0 },
      print(90_000, end - 70_000), // before the 60 s lookback: not part of the average
      print(100_020, end - 55_000),
      print(99_990, end - 32_000),
      ...trades(end - 30_100),
      { event_type: 'timer', ts_unix_ms: end - 30_000 },
    ]);
    const [v] = s.views;
    const expected = twapFairValueUp({
      spot: 99_990,
      strike: 100_000,
      timeLeftMs: 30_000,
      lookbackMs: 60_000,
      realizedMean: 100_005,
      volAnnual: v!.vol_annual,
    });
    expect(expected).toBeGreaterThan(0.05);
    expect(expected).toBeLessThan(0.95);
    expect(v!.tokens[0]!.fair).toBe(expected);
    expect(v!.tokens[1]!.fair).toBe(1 - expected);
  });

  it('an end-price market prices the end price against the strike', () => {
    const s = recording();
    const e = engine(s);
    run(e, [discovered('m1', T0), print(100_300, T0 + 900), ...trades(T0 + 900), { event_type: 'timer', ts_unix_ms: T0 + 1000 }]);
    const [v] = s.views;
    expect(v!.tokens[0]!.fair).toBe(fairValueUp(100_300, 100_000, 299_000, v!.vol_annual));
  });
});

describe('feed health', () => {
  it("passes a venue's optional fields through only when the venue reported them", () => {
    const e = engine();
    const [full] = e.step(status('coinbase', T0, { seq_gaps: 3, last_error: 'boom', next_retry_ms: 4000, counts: { book: 7 } }));
    expect(full).toMatchObject({ seq_gaps: 3, last_error: 'boom', next_retry_ms: 4000, counts: { book: 7 } });
    const [bare] = e.step(status('coinbase', T0 + 1000));
    expect(Object.keys(bare!).filter((k) => ['seq_gaps', 'last_error', 'next_retry_ms', 'counts', 'rejected_by'].includes(k))).toEqual([]);
  });

  it('adds duplicate and out-of-order trades the engine refused to the venue count', () => {
    const e = engine();
    const t = trades(T0 + 1000)[0]!;
    const earlier = { ...t, trade_id: 'old', ts_exchange_ms: T0 - 500, ts_unix_ms: T0 + 1000 } as InputEvent;
    for (const i of [t, t, earlier]) e.step(i);
    const [h] = e.step(status('coinbase', T0 + 1100));
    expect(h).toMatchObject({ rejected: 4, rejected_by: { duplicate: 1, out_of_order: 1, absurd_px: 0 } });
  });

  it('counts the venues behind the median only while the last tick computed one', () => {
    const e = engine();
    ticking(e, 1);
    expect(e.step(status('coinbase', T0 + 1100))[0]).toMatchObject({ venues_contributing: 2 });
    e.step({ event_type: 'timer', ts_unix_ms: T0 + 5000 });
    expect(e.step(status('coinbase', T0 + 5100))[0]).toMatchObject({ venues_contributing: 0 });
  });

  it("only the journal's own outage halts new risk; a venue outage or a live journal does not", () => {
    for (const s of [status('coinbase', T0 + 500, { state: 'down' }), status('journal', T0 + 500)]) {
      const e = engine(perTick([[buyUp(10, 0.5)]]));
      const out = ticking(e, 1, [s]);
      expect(only(out, 'risk_reject')).toEqual([]);
      expect(only(out, 'paper_intent')).toHaveLength(1);
    }
    const e = engine(perTick([[buyUp(10, 0.5)]]));
    expect(only(ticking(e, 1, [status('journal', T0 + 500, { state: 'down' })]), 'risk_reject')).toMatchObject([
      { reason: 'journal_unavailable' },
    ]);
  });

  it('counts every input it steps', () => {
    const e = engine();
    ticking(e, 2);
    expect(e.counters.inputs).toBe(2 + 2 * 3);
  });
});

describe('books and matching order', () => {
  it('an order due exactly at a book update fills against that update, at that time', () => {
    const e = engine(perTick([[buyUp(10, 0.6)]]));
    const out = ticking(e, 1, []);
    const later = [book(T0 + 1250, 'up', [[0.55, 100]], [[0.4, 100]]), { event_type: 'timer', ts_unix_ms: T0 + 2000 } as InputEvent];
    const fills = only([...out, ...later.flatMap((i) => e.step(i))], 'paper_fill');
    expect(fills).toMatchObject([{ fill_px: 0.55, qty: 10, ts_unix_ms: T0 + 1250 }]);
  });

  it('a tape print through a resting bid fills it', () => {
    const e = engine(perTick([[buyUp(10, 0.45, { tif: 'GTC' })]]), { gtcTtlMs: 60_000 });
    ticking(e, 1);
    const trade: InputEvent = {
      event_type: 'market_trade',
      market_id: 'm1',
      token_id: 'up',
      px: 0.44,
      qty: 500,
      side: 'sell',
      ts_exchange_ms: T0 + 1500,
      ts_unix_ms: T0 + 1500,
    };
    expect(only(e.step(trade), 'paper_fill')).toMatchObject([{ fill_px: 0.45, qty: 10 }]);
  });

  it('a delta updates the book its snapshot built; a book for an unknown market or token is ignored', () => {
    const e = engine();
    run(e, [discovered('m1', T0), book(T0 + 10, 'up', [[0.5, 100]], [[0.4, 100]])]);
    const delta: InputEvent = {
      event_type: 'book_delta',
      market_id: 'm1',
      token_id: 'up',
      changes: [{ side: 'bid', px: 0.45, size: 20 }],
      ts_exchange_ms: T0 + 20,
      ts_unix_ms: T0 + 20,
    };
    expect(e.step(delta)).toMatchObject([{ event_type: 'quote', best_bid: 0.45, best_ask: 0.5, bid_depth: 120 }]);
    expect(e.step(book(T0 + 30, 'zz', [[0.5, 1]]))).toEqual([]);
    expect(e.step(book(T0 + 30, 'up', [[0.5, 1]], [], 'nope'))).toEqual([]);
  });
});

describe('a restored engine', () => {
  const restored = (strategy: Strategy): Engine =>
    engine(strategy, {
      risk: { dailyLossLimitUsd: 100 },
      restore: {
        from_run_id: 'prev',
        last_ts_ms: T0 - 1000,
        cash: 10_000,
        realized: 0,
        fees: 0,
        day: { day_start_ms: Date.UTC(2025, 5, 15), start_equity_usd: 10_000, halted_at_ms: T0 - 2000 },
        holdings: [],
        cancelled_orders: [],
      },
    });
  it('says which run it continues', () => {
    expect(restored(recording()).start(T0)[0]).toMatchObject({ event_type: 'run_started', run_id: 't', restored_from: 'prev' });
  });
  it("keeps the day's tripped kill switch: no new buys the same UTC day", () => {
    const out = ticking(restored(perTick([[buyUp(10, 0.5)]])), 1);
    expect(only(out, 'paper_intent')).toEqual([]);
    expect(only(out, 'risk_reject')).toMatchObject([{ reason: 'daily_loss_limit' }]);
  });
});

describe('a book tick size change', () => {
  it('persists through later snapshots that do not repeat it', () => {
    const e = engine(perTick([[], [buyUp(10, 0.505)]]));
    const fine: InputEvent = { ...(book(T0 + 20, 'up', [[0.505, 100]], [[0.4, 100]]) as object), tick_size: 0.001 } as InputEvent;
    const out = ticking(e, 2, [fine, book(T0 + 30, 'up', [[0.505, 100]], [[0.4, 100]])]);
    expect(only(out, 'risk_reject')).toEqual([]);
    expect(only(out, 'paper_intent')).toMatchObject([{ limit_px: 0.505 }]);
  });
  it('a decision for a token with no book yet is refused, not a crash', () => {
    const e = engine(perTick([[buyUp(10, 0.5, { token_id: 'down', outcome: 'Down' })]]));
    const out = ticking(e, 2);
    expect(only(out, 'paper_fill')).toEqual([]);
    expect(only(out, 'risk_reject')).toMatchObject([{ reason: 'no_book', intent_id: 'i1' }]);
  });
});
