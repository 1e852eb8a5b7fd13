// Goal: the paper execution's paths the mutation pass found untested — a taker delay already over
// when inputs are sparse, cancels (which order, when, counted how), consumed depth after a
// level changes, prints shared between our resting orders, the sell side of post-only and
// queueing, GTC orders past their deadline on arrival, queue events, the shadow model's fills —
// end in the exact events, fills and counts.
import { describe, expect, it } from 'vitest';
import { Harness, T0, market } from './paper-harness.ts';

/** Holds `qty` shares of 'up' bought at `px` (no fee) so sells pass the order rules. */
function holding(h: Harness, qty: number, px = 0.5): void {
  h.portfolio.apply({ market_id: 'm1', token_id: 'up', outcome: 'Up' }, 'buy', qty, px, 0);
}

describe('paper execution: taker delay when inputs are sparse', () => {
  it('an order whose taker delay is already over when it arrives fills once, now, against the book it arrives to', () => {
    const h = new Harness({ takerDelayMs: 500 });
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    // The next input comes 2 s later: due at 250, delay over at 750.
    h.book('up', T0 + 2_000, [[0.6, 100]]);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 10, fill_px: 0.5, ts_unix_ms: T0 + 2_000 })]);
    expect(h.exec.openOrders).toBe(0);
    h.book('up', T0 + 3_000, [[0.5, 100]]);
    h.tick(T0 + 4_000);
    expect(h.events('paper_fill')).toHaveLength(1);
    expect(h.portfolio.held('up')).toBe(10);
  });

  it('an order whose taker delay ends at the very millisecond of an input sees the book including that input', () => {
    const h = new Harness({ takerDelayMs: 500 });
    h.book('up', T0, [[0.5, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    // Due at 250, first seen at 750 (sparse inputs), its delay ends at 750: the ask moved away then.
    h.book('up', T0 + 750, [[0.6, 100]]);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ intent_id: id, reason: 'no_liquidity_within_limit' })]);
  });

  it('after the input of that millisecond, an order whose taker delay ends then matches at once', () => {
    const h = new Harness({ takerDelayMs: 500 });
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    // Only the after-input pass runs at 750 (no pass before it): due at 250, delay over at 750.
    h.exec.matchDue(T0 + 750, h.out, true);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 10, fill_px: 0.5, ts_unix_ms: T0 + 750 })]);
  });
});

describe('paper execution: cancels', () => {
  it('a cancel ends the order it names, not the first working order', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, cancelLatencyMs: 100 });
    h.book('up', T0, [[0.6, 100]]);
    const a = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    const b = h.order({ side: 'buy', qty: 10, limit_px: 0.49 });
    h.tick(T0 + 250);
    h.exec.cancel(b, T0 + 1_000);
    h.tick(T0 + 1_100);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ intent_id: b, reason: 'cancelled' })]);
    expect([...h.exec.workingViews()].map((v) => v.intent_id)).toEqual([a]);
    expect(h.exec.cancelsTooLate).toBe(0);
  });

  it('a cancel reaching the exchange while the order is still in its latency ends it before it can fill', () => {
    const h = new Harness({ latencyMs: 500, cancelLatencyMs: 100 });
    h.book('up', T0, [[0.5, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.exec.cancel(id, T0 + 100);
    h.tick(T0 + 200);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ intent_id: id, reason: 'cancelled', filled_qty: 0 })]);
    h.tick(T0 + 1_000);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.exec.cancelsTooLate).toBe(0);
    expect(h.exec.openOrders).toBe(0);
  });

  it('the resting rest of an order that waited the taker delay can still be cancelled', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, takerDelayMs: 500, cancelLatencyMs: 100 });
    h.book('up', T0, [[0.5, 4]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 750);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 4 })]);
    expect(h.exec.openOrders).toBe(1);
    h.exec.cancel(id, T0 + 1_000);
    h.tick(T0 + 1_100);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ intent_id: id, reason: 'cancelled', filled_qty: 4 })]);
    expect(h.exec.cancelsTooLate).toBe(0);
  });

  it('a cancel does not act before it reaches the exchange: the order fills from an earlier print', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, cancelLatencyMs: 500 });
    h.book('up', T0, [[0.6, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.exec.cancel(id, T0 + 1_000);
    h.tick(T0 + 1_200);
    expect(h.events('order_expired')).toEqual([]);
    h.trade('up', T0 + 1_400, 0.45, 10);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 10 })]);
    h.tick(T0 + 1_600);
    expect(h.exec.cancelsTooLate).toBe(1);
  });

  it('a print at the very millisecond a cancel arrives comes first: the fill stands, the cancel is too late', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, cancelLatencyMs: 500 });
    h.book('up', T0, [[0.6, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.exec.cancel(id, T0 + 1_000);
    h.trade('up', T0 + 1_500, 0.45, 10);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 10 })]);
    expect(h.events('order_expired')).toEqual([]);
    expect(h.exec.cancelsTooLate).toBe(1);
  });
});

describe('paper execution: consumed depth and shared prints', () => {
  it('depth we took comes back when its level leaves the book and returns, even at the same size', () => {
    const h = new Harness({ latencyMs: 0 });
    h.book('up', T0, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5, tif: 'IOC' });
    h.book('up', T0 + 1_000, [[0.6, 10]]);
    h.book('up', T0 + 2_000, [[0.5, 10]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5, tif: 'IOC' });
    expect(h.events('paper_fill').map((f) => [f.qty, f.fill_px])).toEqual([
      [10, 0.5],
      [10, 0.5],
    ]);
  });

  it('a sell decided on an empty bid side takes the better bid it finds on arrival', () => {
    const h = new Harness();
    holding(h, 100);
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.4 });
    h.book('up', T0 + 100, [[0.6, 100]], [[0.5, 100]]);
    h.tick(T0 + 250);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ side: 'sell', qty: 10, fill_px: 0.5 })]);
  });

  it('a print one resting order could not pay for is not handed on to the next order in a larger share', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 }, market(), 1);
    holding(h, 100);
    h.book('up', T0, [[0.6, 100]], [[0.3, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    const sell = h.order({ side: 'sell', qty: 15, limit_px: 0.4 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.45, 10);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ reason: 'insufficient_cash' })]);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: sell, side: 'sell', qty: 10, fill_px: 0.4 })]);
  });

  it('once a print is used up, the next resting order at that price hears nothing of it', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    const a = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    const before = h.events('order_queue').length;
    h.trade('up', T0 + 1_000, 0.45, 10);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: a, qty: 10 })]);
    expect(h.events('order_queue')).toHaveLength(before);
  });
});

describe('paper execution: the sell side', () => {
  it('a post-only sell at or below the best bid is refused; one above it rests', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    holding(h, 100);
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    const taker = h.order({ side: 'sell', qty: 10, limit_px: 0.5, post_only: true });
    const maker = h.order({ side: 'sell', qty: 10, limit_px: 0.55, post_only: true });
    h.tick(T0 + 250);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ intent_id: taker, reason: 'post_only_would_take' })]);
    expect([...h.exec.workingViews()].map((v) => v.intent_id)).toEqual([maker]);
  });

  it('a sell waits the taker delay only when it would take the bid', () => {
    const h = new Harness({ takerDelayMs: 500, tif: 'GTC', gtcTtlMs: 60_000 });
    holding(h, 100);
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.5 });
    h.order({ side: 'sell', qty: 10, limit_px: 0.55 });
    h.tick(T0 + 250);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.events('order_queue')).toEqual([expect.objectContaining({ limit_px: 0.55 })]);
    h.tick(T0 + 750);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 10, fill_px: 0.5, liquidity: 'taker' })]);
  });

  it('a resting sell queues behind the asks at its price and a print at its price does not jump that queue', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    holding(h, 100);
    h.book('up', T0, [[0.6, 40]], [[0.5, 100]]);
    h.order({ side: 'sell', qty: 10, limit_px: 0.6 });
    h.tick(T0 + 250);
    expect(h.events('order_queue')).toEqual([expect.objectContaining({ queue_ahead_qty: 40, remaining_qty: 10 })]);
    h.trade('up', T0 + 1_000, 0.6, 30);
    expect(h.events('paper_fill')).toEqual([]);
    h.trade('up', T0 + 2_000, 0.6, 15);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 5, fill_px: 0.6, liquidity: 'maker' })]);
  });
});

describe('paper execution: GTC lifetime and queue events', () => {
  it('a GTC whose deadline passed during its latency ends on arrival and never rests', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 100 });
    h.book('up', T0, [[0.6, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('order_expired')).toEqual([expect.objectContaining({ intent_id: id, reason: 'deadline' })]);
    expect(h.events('order_queue')).toEqual([]);
    expect(h.exec.openOrders).toBe(0);
  });

  it("another token's book does not move a resting order's queue", () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('down', T0 + 500, [[0.6, 100]], [[0.5, 30]]);
    expect(h.events('order_queue').map((e) => e.queue_ahead_qty)).toEqual([100]);
    expect([...h.exec.workingViews()][0]).toMatchObject({ queue_ahead_qty: 100 });
  });

  it('a queue event is emitted when the shares ahead change, not when size joins behind', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('up', T0 + 500, [[0.6, 100]], [[0.5, 150]]);
    expect(h.events('order_queue').map((e) => e.queue_ahead_qty)).toEqual([100]);
    h.book('up', T0 + 600, [[0.6, 100]], [[0.5, 60]]);
    expect(h.events('order_queue').map((e) => e.queue_ahead_qty)).toEqual([100, 60]);
  });

  it('a print at our price is not taken for a cancellation when the book shows it only after an update elsewhere', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, queueModel: 'probabilistic' });
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.5, 30);
    // Another level moves first; our level still shows 100, then the 30 printed leave it.
    h.book('up', T0 + 1_010, [[0.61, 100]], [[0.5, 100]]);
    h.book('up', T0 + 1_020, [[0.61, 100]], [[0.5, 70]]);
    expect([...h.exec.workingViews()][0]).toMatchObject({ queue_ahead_qty: 70 });
  });

  it('a partial maker fill reports the rest of the order in the queue; a complete one does not', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.45, 4);
    h.trade('up', T0 + 2_000, 0.45, 6);
    expect(h.events('paper_fill').map((f) => f.qty)).toEqual([4, 6]);
    expect(h.events('order_queue').map((e) => e.remaining_qty)).toEqual([10, 6]);
  });
});

describe('paper execution: submit and check', () => {
  it('submit reports a refused order as not accepted, and check names an unknown market', () => {
    const h = new Harness();
    const req = { intent_id: 'x', market_id: 'nope', token_id: 'up', outcome: 'Up', side: 'buy', qty: 10, limit_px: 0.5 } as const;
    expect(h.exec.check(req)).toEqual({ reason: 'unknown_market', numbers: {} });
    expect(h.exec.submit(req, T0, h.out)).toBe(false);
    h.book('up', T0, [[0.5, 100]]);
    expect(h.exec.submit({ ...req, market_id: 'm1' }, T0, h.out)).toBe(true);
  });

  it('a sell submitted before its token has a book is accepted, then refused at arrival for want of a book', () => {
    const h = new Harness();
    holding(h, 100);
    const id = h.order({ side: 'sell', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    expect(h.events('risk_reject')).toEqual([expect.objectContaining({ intent_id: id, reason: 'no_book' })]);
  });

  it('a resting order whose market the lookup no longer knows still fills from a print, as a maker with no rebate', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.info = market({ market_id: 'other' });
    h.trade('up', T0 + 1_000, 0.45, 10);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 10, fee: 0, liquidity: 'maker' })]);
    expect(h.portfolio.rebates).toBe(0);
  });
});

describe('paper execution: the other queue model (trust analytics)', () => {
  it('conservative orders shadow the probabilistic model, and probabilistic ones the conservative model', () => {
    for (const [model, alt] of [
      ['conservative', 'probabilistic'],
      ['probabilistic', 'conservative'],
    ] as const) {
      const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, queueModel: model });
      h.book('up', T0, [[0.6, 100]]);
      h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
      h.tick(T0 + 250);
      h.trade('up', T0 + 1_000, 0.5, 4);
      expect(h.events('queue_shadow_fill')).toEqual([expect.objectContaining({ qty: 4, queue_model: alt })]);
    }
  });

  it("a print that does not get past the other model's queue shadows nothing", () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]], [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.5, 4);
    expect(h.events('queue_shadow_fill')).toEqual([]);
    expect(h.events('paper_fill')).toEqual([]);
  });

  it('the other model fills an order at most up to its size over several prints', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.6, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.trade('up', T0 + 1_000, 0.45, 4);
    h.trade('up', T0 + 2_000, 0.45, 10);
    expect(h.events('queue_shadow_fill').map((e) => e.qty)).toEqual([4, 6]);
    expect(h.events('paper_fill').map((e) => e.qty)).toEqual([4, 6]);
  });
});
