// Goal: inside the engine, a decision is held for its latency, filled against the later book, expired or settled, all as events.
import { describe, expect, it } from 'vitest';
import type { InputEvent, Level } from '../../src/core/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { OutputEventSchema, type OutputEvent, type OutputEventType, type OutputOf } from '../../src/core/outputs.ts';
import { T0, market } from './paper-harness.ts';
import { buyUp, engine, scripted } from './engine-harness.ts';

/** A strategy that makes the given decisions once each, on the first evaluations. */

const trades = (ts: number): InputEvent[] =>
  ['coinbase', 'kraken'].map((venue, i) => ({
    event_type: 'venue_trade',
    venue,
    symbol: 'BTC-USD',
    px: 100_000,
    qty: 1,
    side: 'buy',
    trade_id: `${venue}-${ts}-${i}`,
    ts_exchange_ms: ts,
    ts_unix_ms: ts,
  }));
const book = (ts: number, tokenId: string, asks: Level[], bids: Level[] = [], tickSize?: number): InputEvent => ({
  event_type: 'book_snapshot',
  market_id: 'm1',
  token_id: tokenId,
  bids,
  asks,
  ts_exchange_ms: ts,
  ts_unix_ms: ts,
  ...(tickSize ? { tick_size: tickSize } : {}),
});

function run(e: Engine, inputs: InputEvent[]): OutputEvent[] {
  return [...e.start(T0), ...inputs.flatMap((i) => e.step(i))];
}
const only = <T extends OutputEventType>(out: OutputEvent[], type: T) => out.filter((e): e is OutputOf<T> => e.event_type === type);

/** Market discovered, books, fresh venue prints, then a timer at T0 + 1000 where the strategy decides. */
function opening(asks: Level[], bids: Level[] = [[0.4, 100]]): InputEvent[] {
  return [
    { event_type: 'market_discovered', market: market(), ts_unix_ms: T0 },
    book(T0 + 10, 'up', asks, bids),
    ...trades(T0 + 900),
    { event_type: 'timer', ts_unix_ms: T0 + 1000 },
  ];
}

describe('engine matching', () => {
  it('holds the intent and fills against the first book state at or after decision + latency', () => {
    const e = engine(scripted([buyUp(10, 0.6)]));
    const out = run(e, [...opening([[0.5, 100]]), book(T0 + 1100, 'up', [[0.55, 100]]), book(T0 + 1400, 'up', [[0.59, 100]])]);
    const [intent] = only(out, 'paper_intent');
    expect(intent).toMatchObject({ ts_unix_ms: T0 + 1000, match_after_ms: T0 + 1250, tif: 'IOC' });
    const [fill] = only(out, 'paper_fill');
    expect(fill).toMatchObject({ intent_id: intent!.intent_id, fill_px: 0.55, qty: 10, ts_unix_ms: T0 + 1400 });
    expect(out.indexOf(fill!)).toBeLessThan(out.findIndex((x) => x.event_type === 'quote' && x.best_ask === 0.59));
    for (const x of out) expect(OutputEventSchema.safeParse(x).success).toBe(true);
  });

  it('rests a GTC order from config and expires it at its TTL', () => {
    const e = engine(scripted([buyUp(10, 0.45)]), { tif: 'GTC', gtcTtlMs: 2000 });
    const out = run(e, [
      ...opening([[0.5, 100]]),
      { event_type: 'timer', ts_unix_ms: T0 + 2000 },
      { event_type: 'timer', ts_unix_ms: T0 + 3000 },
    ]);
    expect(only(out, 'paper_fill')).toHaveLength(0);
    expect(only(out, 'order_expired')[0]).toMatchObject({ reason: 'deadline', remaining_qty: 10, ts_unix_ms: T0 + 3000 });
  });

  it('rejects an off-tick price and accepts it after a tick_size change on the book', () => {
    const e = engine(scripted([buyUp(10, 0.505), buyUp(10, 0.505)]));
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1500, 'up', [[0.505, 100]], [], 0.001),
      ...trades(T0 + 1900),
      { event_type: 'timer', ts_unix_ms: T0 + 2000 },
      book(T0 + 2500, 'up', [[0.505, 100]]),
    ]);
    expect(only(out, 'risk_reject')[0]).toMatchObject({ reason: 'price_off_tick', numbers: { tick_size: 0.01 } });
    expect(only(out, 'paper_fill')[0]).toMatchObject({ fill_px: 0.505 });
  });
});

describe('engine settlement', () => {
  it.each([['up', 'Up', 10, 10 - 5] as const, ['down', 'Down', 0, -5] as const])(
    'settles when %s wins: payout %d, realized %d, with fees kept apart',
    (winner, outcome, payout, pnl) => {
      const e = engine(scripted([buyUp(10, 0.5)]));
      const out = run(e, [
        ...opening([[0.5, 100]]),
        book(T0 + 1300, 'up', [[0.5, 100]]),
        {
          event_type: 'market_resolved',
          market_id: 'm1',
          winning_token_id: winner,
          winning_outcome: outcome,
          source: 'official',
          ts_unix_ms: T0 + 400_000,
        },
      ]);
      const [fill] = only(out, 'paper_fill');
      // 10 × 0.07 × 0.5 × 0.5 = 0.175
      expect(fill?.fee).toBe(0.175);
      expect(only(out, 'settlement')[0]).toMatchObject({ payout, realized_pnl: pnl });
      const pnlEvent = only(out, 'pnl').at(-1)!;
      expect(pnlEvent.realized).toBeCloseTo(pnl - 0.175, 12);
      expect(pnlEvent.fees).toBe(0.175);
      expect(pnlEvent.equity).toBeCloseTo(10_000 + pnl - 0.175, 9);
      expect(pnlEvent.position_value).toBe(0);
      expect(e.portfolio.equityCurve.at(-1)?.equity).toBeCloseTo(pnlEvent.equity, 12);
    },
  );

  it('lets the official result override our own earlier reading and records the disagreement', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    const resolved = (winner: 'up' | 'down', outcome: 'Up' | 'Down', source: 'own' | 'official', ts: number): InputEvent => ({
      event_type: 'market_resolved',
      market_id: 'm1',
      winning_token_id: winner,
      winning_outcome: outcome,
      source,
      ts_unix_ms: ts,
    });
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1300, 'up', [[0.5, 100]]),
      resolved('up', 'Up', 'own', T0 + 300_500),
      resolved('down', 'Down', 'official', T0 + 330_000),
      // Repeats change nothing: the official result stands.
      resolved('down', 'Down', 'official', T0 + 331_000),
      resolved('up', 'Up', 'own', T0 + 332_000),
    ]);
    const settlements = only(out, 'settlement');
    expect(settlements).toHaveLength(2);
    expect(settlements[0]).toMatchObject({ source: 'own', winning_outcome: 'Up', payout: 10, realized_pnl: 5 });
    expect(settlements[1]).toMatchObject({
      source: 'official',
      winning_outcome: 'Down',
      corrects_outcome: 'Up',
      payout: 0,
      realized_pnl: -5,
      pnl_adjustment: -10,
    });
    const last = only(out, 'pnl').at(-1)!;
    expect(last.realized).toBeCloseTo(-5 - 0.175, 12);
    expect(last.cash).toBeCloseTo(10_000 - 5 - 0.175, 12);
  });

  it('pays 0.5 per share of either token on a 50-50 result, and says so on the settlement event', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1300, 'up', [[0.5, 100]]),
      {
        event_type: 'market_resolved',
        market_id: 'm1',
        winning_token_id: 'up',
        winning_outcome: 'Up',
        source: 'own',
        split: true,
        ts_unix_ms: T0 + 300_500,
      },
    ]);
    const [settlement] = only(out, 'settlement');
    // 10 shares bought at 0.5 pay 0.5 each: 5 back, nothing gained before fees.
    expect(settlement).toMatchObject({ split: true, payout_per_share: 0.5, payout: 5, realized_pnl: 0 });
    expect(OutputEventSchema.safeParse(settlement).success).toBe(true);
    expect(only(out, 'pnl').at(-1)!.realized).toBeCloseTo(-0.175, 12);
  });

  it('corrects a 50-50 of ours when the official result names a winner', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    const resolved = (split: boolean, source: 'own' | 'official', ts: number): InputEvent => ({
      event_type: 'market_resolved',
      market_id: 'm1',
      winning_token_id: 'up',
      winning_outcome: 'Up',
      source,
      ...(split ? { split: true } : {}),
      ts_unix_ms: ts,
    });
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1300, 'up', [[0.5, 100]]),
      resolved(true, 'own', T0 + 300_500),
      resolved(false, 'official', T0 + 330_000),
    ]);
    const settlements = only(out, 'settlement');
    expect(settlements).toHaveLength(2);
    expect(settlements[1]).toMatchObject({ source: 'official', payout: 10, realized_pnl: 5, pnl_adjustment: 5 });
    expect(settlements[1]!.split).toBeUndefined();
    expect(only(out, 'pnl').at(-1)!.realized).toBeCloseTo(5 - 0.175, 12);
  });

  it('corrects an estimated own result (read from the median) to an official 50-50 at 0.5 a share', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1300, 'up', [[0.5, 100]]),
      {
        event_type: 'market_resolved',
        market_id: 'm1',
        winning_token_id: 'down',
        winning_outcome: 'Down',
        source: 'own',
        estimated: true,
        ts_unix_ms: T0 + 300_500,
      },
      {
        event_type: 'market_resolved',
        market_id: 'm1',
        winning_token_id: 'up',
        winning_outcome: 'Up',
        source: 'official',
        split: true,
        ts_unix_ms: T0 + 330_000,
      },
    ]);
    const [own, official] = only(out, 'settlement');
    expect(own).toMatchObject({ source: 'own', estimated: true, payout: 0, realized_pnl: -5 });
    expect(official).toMatchObject({
      source: 'official',
      split: true,
      payout_per_share: 0.5,
      payout: 5,
      realized_pnl: 0,
      pnl_adjustment: 5,
    });
    expect(official!.estimated).toBeUndefined();
    expect(only(out, 'pnl').at(-1)!.realized).toBeCloseTo(-0.175, 12);
  });

  it('keeps our own settlement when the official result agrees, without a second event', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    const out = run(e, [
      ...opening([[0.5, 100]]),
      book(T0 + 1300, 'up', [[0.5, 100]]),
      {
        event_type: 'market_resolved',
        market_id: 'm1',
        winning_token_id: 'up',
        winning_outcome: 'Up',
        source: 'own',
        ts_unix_ms: T0 + 300_500,
      },
      {
        event_type: 'market_resolved',
        market_id: 'm1',
        winning_token_id: 'up',
        winning_outcome: 'Up',
        source: 'official',
        ts_unix_ms: T0 + 330_000,
      },
    ]);
    expect(only(out, 'settlement')).toHaveLength(1);
    expect(only(out, 'pnl').at(-1)!.realized).toBeCloseTo(5 - 0.175, 12);
  });

  it('marks an open position at the best bid in pnl events', () => {
    const e = engine(scripted([buyUp(10, 0.5)]));
    run(e, [...opening([[0.5, 100]], [[0.42, 100]]), book(T0 + 1300, 'up', [[0.5, 100]], [[0.42, 100]])]);
    const p = e.stop(T0 + 2000)[0] as OutputOf<'pnl'>;
    expect(p.position_value).toBeCloseTo(4.2, 12);
    expect(p.unrealized).toBeCloseTo(-0.8, 12);
    expect(p.equity).toBeCloseTo(p.cash + 4.2, 12);
  });
});
