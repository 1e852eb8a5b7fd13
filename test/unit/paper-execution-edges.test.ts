// Goal: the paper execution's less travelled paths — unknown market, no book, the open-order bound, cash at fill time, each side's consumed depth, resting orders of other tokens and markets, partial trade-throughs — end in the exact events and counts.
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/core/book.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { Execution } from '../../src/paper/execution.ts';
import { Portfolio } from '../../src/paper/portfolio.ts';
import { Harness, T0, market } from './paper-harness.ts';

describe('paper execution edges', () => {
  it('refuses an order for a market it does not know, and one whose token has no book when it arrives', () => {
    const h = new Harness();
    h.exec.submit({ intent_id: 'x1', market_id: 'nope', token_id: 'up', outcome: 'Up', side: 'buy', qty: 10, limit_px: 0.5 }, T0, h.out);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0);
    h.tick(T0 + 250);
    expect(h.events('risk_reject')).toEqual([
      expect.objectContaining({ reason: 'unknown_market', intent_id: 'x1', numbers: {} }),
      expect.objectContaining({ reason: 'no_book', intent_id: id, numbers: {} }),
    ]);
    expect(h.counters).toEqual({ intents: 1, fills: 0, rejects: 2 });
  });

  it('holds at most maxOpenOrders working orders: the one past the bound is refused with the count', () => {
    const h = new Harness({ maxOpenOrders: 2 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    const third = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    expect(h.events('risk_reject')).toEqual([
      expect.objectContaining({ intent_id: third, reason: 'too_many_pending_intents', numbers: { pending: 2 } }),
    ]);
    expect(h.exec.openOrders).toBe(2);
    expect(h.counters.intents).toBe(2);
  });

  it('announces IOC intents without an expiry, numbers fills f1, f2… and counts expirations', () => {
    const h = new Harness();
    h.book('up', T0, [[0.5, 15]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('paper_intent').map((e) => e.expires_at_ms)).toEqual([null, null]);
    expect(h.events('paper_fill').map((e) => [e.fill_id, e.qty])).toEqual([
      ['f1', 10],
      ['f2', 5],
    ]);
    expect(h.exec.expirations).toBe(1);
  });

  it('refuses a fill that costs a cent more than the cash, fee included, with the cost and the cash', () => {
    const h = new Harness({}, market(), 5.05);
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    const [r] = h.events('risk_reject');
    expect(r).toMatchObject({ reason: 'insufficient_cash', numbers: { cash: 5.05 } });
    const cost = r!.numbers.cost as number;
    expect(cost).toBeGreaterThan(5);
    expect(cost).toBeLessThan(5.2);
    const enough = new Harness({}, market(), cost);
    enough.book('up', T0, [[0.5, 100]]);
    enough.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    enough.tick(T0 + 250);
    expect(enough.events('paper_fill')).toEqual([expect.objectContaining({ qty: 10 })]);
    expect(enough.portfolio.cash).toBeCloseTo(0, 9);
  });

  it('a resting GTC that cannot pay when a print reaches it is refused and stops resting', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 }, market(), 5);
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.exec.openOrders).toBe(1);
    h.trade('up', T0 + 1_000, 0.4, 100);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ reason: 'insufficient_cash' })]);
    expect(h.exec.openOrders).toBe(0);
  });

  it('a buy and a sell on one book version take depth from their own side only', () => {
    const h = new Harness({ latencyMs: 0 });
    h.book('up', T0, [[0.5, 10]], [[0.49, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'sell', qty: 10, limit_px: 0.49 });
    expect(h.events('paper_fill').map((e) => [e.side, e.qty])).toEqual([
      ['buy', 10],
      ['sell', 10],
    ]);
  });

  it('two sells on one book version share the bid depth', () => {
    const h = new Harness({ latencyMs: 0 });
    h.book('up', T0, [[0.5, 40]]);
    h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.book('up', T0 + 1, [[0.5, 40]], [[0.49, 15]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.49 }, T0 + 2);
    h.order({ side: 'sell', qty: 10, limit_px: 0.49 }, T0 + 3);
    expect(
      h
        .events('paper_fill')
        .filter((e) => e.side === 'sell')
        .map((e) => e.qty),
    ).toEqual([10, 5]);
  });

  it('a print reaches the resting orders on its own side of the price only', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('up', T0 + 300, [[0.7, 100]], [[0.4, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 300);
    h.order({ side: 'sell', qty: 10, limit_px: 0.6 }, T0 + 300);
    h.tick(T0 + 550);
    expect(h.exec.openOrders).toBe(2);
    h.trade('up', T0 + 1_000, 0.48, 15);
    h.trade('up', T0 + 1_100, 0.62, 15);
    expect(
      h
        .events('paper_fill')
        .slice(1)
        .map((e) => [e.side, e.qty, e.liquidity]),
    ).toEqual([
      ['buy', 10, 'maker'],
      ['sell', 10, 'maker'],
    ]);
  });

  it('a sell needs no cash: it fills with an empty account', () => {
    const probe = new Harness({ latencyMs: 0 }, market(), 1);
    probe.book('up', T0, [[0.5, 10]]);
    probe.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    const cost = probe.events('risk_reject')[0]!.numbers.cost as number;
    const h = new Harness({ latencyMs: 0 }, market(), cost);
    h.book('up', T0, [[0.5, 10]], [[0.49, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    expect(h.portfolio.cash).toBeCloseTo(0, 9);
    h.order({ side: 'sell', qty: 10, limit_px: 0.49 }, T0 + 1);
    expect(h.events('paper_fill').map((e) => e.side)).toEqual(['buy', 'sell']);
  });

  it('depth our fills took comes back when that level changes, not when the same level is sent again', () => {
    const h = new Harness({ latencyMs: 0 });
    h.book('up', T0, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 1);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ reason: 'no_liquidity_within_limit' })]);
    h.book('up', T0 + 2, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 3);
    expect(h.events('paper_fill').map((e) => e.qty)).toEqual([10]);
    h.book('up', T0 + 4, [[0.5, 12]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 5);
    expect(h.events('paper_fill').map((e) => e.qty)).toEqual([10, 10]);
  });

  it('two resting orders share the print that reaches them; a partly filled one keeps resting with its rest', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    const a = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    const b = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.48, 15);
    expect(h.events('paper_fill').map((e) => [e.intent_id, e.qty, e.liquidity])).toEqual([
      [a, 10, 'maker'],
      [b, 5, 'maker'],
    ]);
    expect(h.exec.openOrders).toBe(1);
    expect([...h.exec.workingOrders()]).toEqual([{ market_id: 'm1', token_id: 'up', side: 'buy', qty: 5, limit_px: 0.5 }]);
    h.trade('up', T0 + 2_000, 0.49, 100);
    expect(h.events('paper_fill').map((e) => e.qty)).toEqual([10, 5, 5]);
    expect(h.exec.openOrders).toBe(0);
  });

  it('two resting sells share the print that reaches them', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.5, 20]]);
    h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('up', T0 + 300, [[0.7, 100]], [[0.4, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.6 }, T0 + 300);
    h.order({ side: 'sell', qty: 10, limit_px: 0.6 }, T0 + 300);
    h.tick(T0 + 550);
    h.trade('up', T0 + 1_000, 0.62, 15);
    expect(
      h
        .events('paper_fill')
        .filter((e) => e.side === 'sell')
        .map((e) => e.qty),
    ).toEqual([10, 5]);
  });

  it('a partly filled resting order takes only its rest from the next print, leaving the others theirs', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    const a = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.48, 5);
    const b = h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 1_000);
    h.tick(T0 + 1_250);
    h.trade('up', T0 + 2_000, 0.49, 12);
    expect(h.events('paper_fill').map((e) => [e.intent_id, e.qty])).toEqual([
      [a, 5],
      [a, 5],
      [b, 7],
    ]);
  });

  it('a book change on one token leaves resting orders on the other token alone', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('down', T0 + 1_000, [[0.3, 100]]);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.exec.openOrders).toBe(1);
  });

  it('resolution ends the orders of the resolved market only', () => {
    const m1 = market();
    const m2 = market({
      market_id: 'm2',
      tokens: [
        { token_id: 'u2', outcome: 'Up' },
        { token_id: 'd2', outcome: 'Down' },
      ],
    });
    const books = new Map([
      ['up', new OrderBook(0.01)],
      ['u2', new OrderBook(0.01)],
    ]);
    for (const b of books.values()) b.snapshot([], [[0.6, 100]], T0);
    const out: OutputEvent[] = [];
    const exec = new Execution(
      { latencyMs: 0, slippageBps: 0, tif: 'GTC', gtcTtlMs: 60_000 },
      { book: (id) => books.get(id), market: (id) => [m1, m2].find((m) => m.market_id === id) },
      new Portfolio(1_000),
      { intents: 0, fills: 0, rejects: 0 },
    );
    exec.submit({ intent_id: 'a', market_id: 'm1', token_id: 'up', outcome: 'Up', side: 'buy', qty: 10, limit_px: 0.5 }, T0, out);
    exec.submit({ intent_id: 'b', market_id: 'm2', token_id: 'u2', outcome: 'Up', side: 'buy', qty: 10, limit_px: 0.5 }, T0, out);
    exec.cancelMarket('m1', T0 + 1, out);
    expect(out.filter((e) => e.event_type === 'order_expired').map((e) => e.event_type === 'order_expired' && e.intent_id)).toEqual(['a']);
    expect(exec.openOrders).toBe(1);
  });

  it('with slippage a taker takes only the levels whose slipped price keeps to its limit, on either side', () => {
    // 1 % slippage: a buy at 0.50 may take 0.49 (pays 0.4949) but not 0.50 (would pay 0.505);
    // a sell at 0.50 may take 0.51 (gets 0.5049) but not 0.50 (would get 0.495).
    const h = new Harness({ latencyMs: 0, slippageBps: 100 });
    h.book(
      'up',
      T0,
      [
        [0.49, 10],
        [0.5, 10],
      ],
      [
        [0.51, 5],
        [0.5, 10],
      ],
    );
    h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 }, T0 + 1);
    const [buy, sell] = h.events('paper_fill');
    expect(buy).toMatchObject({ side: 'buy', qty: 10, levels_consumed: 1, vwap_px: 0.49 });
    expect(buy!.fill_px).toBeCloseTo(0.4949, 12);
    expect(sell).toMatchObject({ side: 'sell', qty: 5, levels_consumed: 1, vwap_px: 0.51 });
    expect(sell!.fill_px).toBeCloseTo(0.5049, 12);
    expect(h.events('order_expired').map((e) => [e.side, e.remaining_qty])).toEqual([
      ['buy', 10],
      ['sell', 5],
    ]);
  });

  it('rounds the slipped walk limit toward the order: a level one micro-dollar past the edge is not taken, on either side', () => {
    // 0.50 / 1.01 = 0.4950495…: a buy may take 0.495049 but not 0.49505 (which would pay 0.5000005).
    // 0.50 / 0.99 = 0.5050505…: a sell may take 0.505051 but not 0.50505 (which would get 0.4999995).
    const h = new Harness({ latencyMs: 0, slippageBps: 100 });
    h.book('up', T0, [[0.49505, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.book('up', T0 + 1, [[0.495049, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 }, T0 + 2);
    h.book('up', T0 + 3, [], [[0.50505, 10]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 }, T0 + 4);
    h.book('up', T0 + 5, [], [[0.505051, 10]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 }, T0 + 6);
    expect(h.events('risk_reject').map((e) => [e.intent_id, e.reason])).toEqual([
      ['i1', 'no_liquidity_within_limit'],
      ['i3', 'no_liquidity_within_limit'],
    ]);
    expect(h.events('paper_fill').map((e) => [e.intent_id, e.side, e.vwap_px])).toEqual([
      ['i2', 'buy', 0.495049],
      ['i4', 'sell', 0.505051],
    ]);
  });
});
