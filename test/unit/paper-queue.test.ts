// Goal: resting orders queue behind the size shown at their price, move up only by prints and
// by cancellations as the queue model attributes them, fill only from printed size that
// reaches them, can be cancelled with their own latency (too late after a fill), earn the
// market's rebate; orders that would match on entry wait the market's taker delay.
import { describe, expect, it } from 'vitest';
import { joinQueue, onLevelChange, onPrint } from '../../src/paper/queue.ts';
import { CRYPTO_FEES, takerFee } from '../../src/core/fees.ts';
import { Harness, market, T0 } from './paper-harness.ts';

describe('queue models (pure)', () => {
  it('conservative: cancels come from behind, so the queue ahead shrinks only when the level falls below it', () => {
    const q = joinQueue(100);
    onLevelChange(q, 60, 2);
    expect(q.ahead[0]).toBe(60);
    const r = joinQueue(100);
    r.ahead = [40, 40];
    onLevelChange(r, 70, 2);
    expect(r.ahead[0]).toBe(40);
  });

  it('probabilistic: just after joining every cancel is ahead of us; at the front every cancel is behind', () => {
    const joined = joinQueue(100);
    onLevelChange(joined, 70, 2);
    expect(joined.ahead[1]).toBeCloseTo(70, 12);
    const front = joinQueue(100);
    front.ahead = [0, 0];
    onLevelChange(front, 70, 2);
    expect(front.ahead[1]).toBe(0);
  });

  it('probabilistic: a cancel splits by f(back) / (f(back) + f(front)) with f(x) = x², as hftbacktest computes it', () => {
    const q = joinQueue(100);
    q.ahead = [30, 30];
    onLevelChange(q, 80, 2);
    // front 30, back 70: from behind with 4900 / (4900 + 900) = 0.8448…; 20 cancelled:
    // front − (1 − p) × 20 + min(back − p × 20, 0) = 30 − 3.1034… = 26.8965…
    const p = 4900 / 5800;
    expect(q.ahead[1]).toBeCloseTo(30 - (1 - p) * 20, 12);
    expect(q.ahead[0]).toBe(30);
  });

  it('a print is not counted twice: the level shrinking by the printed size is no cancellation', () => {
    const q = joinQueue(50);
    expect(onPrint(q, 20, true, 'probabilistic')).toBe(0);
    expect(q.ahead).toEqual([30, 30]);
    onLevelChange(q, 30, 2);
    expect(q.ahead).toEqual([30, 30]);
  });

  it('a print reaches us only past the queue ahead; one through our price reaches us whole', () => {
    const q = joinQueue(50);
    expect(onPrint(q, 70, true, 'conservative')).toBe(20);
    const r = joinQueue(50);
    expect(onPrint(r, 7, false, 'conservative')).toBe(7);
    expect(r.ahead).toEqual([0, 0]);
  });
});

describe('resting orders in the execution', () => {
  const resting = (params = {}, info = market()) => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, ...params }, info);
    h.book('up', T0, [[0.55, 100]], [[0.5, 80]]);
    const id = h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.tick(T0 + 250);
    return { h, id };
  };

  it('joins behind the size shown at its price and fills only from printed size past it', () => {
    const { h, id } = resting();
    expect(h.events('order_queue')[0]).toMatchObject({ intent_id: id, queue_ahead_qty: 80, queue_model: 'conservative' });
    h.trade('up', T0 + 1_000, 0.5, 60);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.events('order_queue').at(-1)).toMatchObject({ queue_ahead_qty: 20, remaining_qty: 20 });
    h.trade('up', T0 + 2_000, 0.5, 30);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 10, fill_px: 0.5, liquidity: 'maker' })]);
    expect([...h.exec.workingViews()]).toEqual([expect.objectContaining({ intent_id: id, qty: 10, queue_ahead_qty: 0 })]);
  });

  it('a book that moves through our price without a print is not a fill', () => {
    const { h } = resting();
    h.book('up', T0 + 1_000, [[0.45, 100]], [[0.44, 80]]);
    h.tick(T0 + 2_000);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.exec.openOrders).toBe(1);
  });

  it('a print at a worse price than ours does not reach a buy, and prints on the other token do nothing', () => {
    const { h } = resting();
    h.trade('up', T0 + 1_000, 0.51, 500);
    h.trade('down', T0 + 1_100, 0.4, 500);
    expect(h.events('paper_fill')).toEqual([]);
  });

  it('the configured model decides the fill: after cancels ahead, probabilistic fills where conservative waits', () => {
    const run = (queueModel: 'conservative' | 'probabilistic') => {
      const { h } = resting({ queueModel });
      // 100 shares join behind us, then 60 leave without a print: cancellations.
      h.book('up', T0 + 1_000, [[0.55, 100]], [[0.5, 180]]);
      h.book('up', T0 + 1_500, [[0.55, 100]], [[0.5, 120]]);
      h.trade('up', T0 + 2_000, 0.5, 90);
      return h.events('paper_fill').map((f) => f.qty);
    };
    // Conservative: all 80 still ahead, 10 reach us. Probabilistic: 60 × 6400 / 16400 of
    // the cancels were ahead (80 → 56.6 ahead), so 33.4 reach us and fill all 20.
    expect(run('conservative')).toEqual([10]);
    expect(run('probabilistic')).toEqual([20]);
  });

  it('a cancel ends the order when it reaches the exchange, after its own latency', () => {
    const { h, id } = resting({ cancelLatencyMs: 100 });
    h.exec.cancel(id, T0 + 1_000);
    h.trade('up', T0 + 1_050, 0.5, 85);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 5 })]);
    h.tick(T0 + 1_100);
    expect(h.events('order_expired')).toEqual([
      expect.objectContaining({ intent_id: id, reason: 'cancelled', filled_qty: 5, remaining_qty: 15 }),
    ]);
    expect(h.exec.openOrders).toBe(0);
  });

  it('a cancel that arrives after the order filled is too late: the fill stands', () => {
    const { h, id } = resting({ cancelLatencyMs: 100 });
    h.exec.cancel(id, T0 + 1_000);
    h.trade('up', T0 + 1_050, 0.49, 50);
    h.tick(T0 + 1_200);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 20 })]);
    expect(h.events('order_expired')).toEqual([]);
    expect(h.exec.cancelsTooLate).toBe(1);
  });

  it('a maker fill earns rebate_rate × the taker fee of its size, credited to cash and realized PnL', () => {
    const info = market({ fee: { ...CRYPTO_FEES, rebate_rate: 0.25 } });
    const { h } = resting({}, info);
    const cash = h.portfolio.cash;
    h.trade('up', T0 + 1_000, 0.49, 20);
    const rebate = 0.25 * 20 * 0.07 * 0.5 * 0.5;
    expect(h.events('paper_fill')[0]).toMatchObject({ qty: 20, fee: 0, liquidity: 'maker' });
    expect(h.events('paper_fill')[0]!.rebate).toBeCloseTo(rebate, 12);
    expect(h.portfolio.cash).toBeCloseTo(cash - 20 * 0.5 + rebate, 9);
    expect(h.portfolio.rebates).toBeCloseTo(rebate, 12);
    expect(takerFee(20, 0.5, CRYPTO_FEES)).toBeCloseTo(rebate / 0.25, 12);
  });

  it('without a rebate rate a maker fill carries no rebate', () => {
    const { h } = resting();
    h.trade('up', T0 + 1_000, 0.49, 20);
    expect(h.events('paper_fill')[0]!.rebate).toBeUndefined();
  });
});

describe('post-only', () => {
  it('a post-only order that would match on arrival is refused instead of taking; one that would not rests', () => {
    const h = new Harness({ latencyMs: 50, tif: 'GTC', gtcTtlMs: 60_000 });
    h.book('up', T0, [[0.55, 100]], [[0.5, 80]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.54, post_only: true });
    h.book('up', T0 + 20, [[0.54, 100]], [[0.5, 80]]);
    h.tick(T0 + 50);
    expect(h.events('paper_fill')).toEqual([]);
    expect(h.events('risk_reject')).toEqual([
      expect.objectContaining({ reason: 'post_only_would_take', numbers: { limit_px: 0.54, best: 0.54 } }),
    ]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.53, post_only: true }, T0 + 60);
    h.tick(T0 + 110);
    expect(h.events('order_queue')).toEqual([expect.objectContaining({ limit_px: 0.53, queue_ahead_qty: 0 })]);
  });
});

describe('the other queue model', () => {
  it('reports what it would have filled from each print as a shadow fill, never in the portfolio', () => {
    const h = new Harness({ tif: 'GTC', gtcTtlMs: 60_000, queueModel: 'conservative' });
    h.book('up', T0, [[0.55, 100]], [[0.5, 80]]);
    h.order({ side: 'buy', qty: 20, limit_px: 0.5 });
    h.tick(T0 + 250);
    h.book('up', T0 + 1_000, [[0.55, 100]], [[0.5, 180]]);
    h.book('up', T0 + 1_500, [[0.55, 100]], [[0.5, 120]]);
    const cash = h.portfolio.cash;
    h.trade('up', T0 + 2_000, 0.5, 70);
    // Conservative: 80 still ahead of 70 printed, nothing reaches us. Probabilistic: 56.6 ahead, 13.4 would have.
    expect(h.events('paper_fill')).toEqual([]);
    const shadow = h.events('queue_shadow_fill');
    expect(shadow).toHaveLength(1);
    expect(shadow[0]).toMatchObject({ queue_model: 'probabilistic', fill_px: 0.5, side: 'buy' });
    expect(shadow[0]!.qty).toBeCloseTo(70 - (80 - (60 * 6400) / 16400), 9);
    expect(h.portfolio.cash).toBe(cash);
  });
});

describe('the taker delay', () => {
  it('an order that would match on arrival waits the market taker delay and matches the book as it stands then', () => {
    const h = new Harness({ latencyMs: 50 }, market({ taker_delay_ms: 250 }));
    h.book('up', T0, [[0.5, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 50);
    expect(h.events('paper_fill')).toEqual([]);
    h.book('up', T0 + 200, [[0.5, 4]]);
    h.tick(T0 + 300);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ qty: 4, ts_unix_ms: T0 + 300 })]);
  });

  it('the configured default applies when the market names none, and a cancel cannot stop an order inside it', () => {
    const h = new Harness({ latencyMs: 50, takerDelayMs: 250, cancelLatencyMs: 10 });
    h.book('up', T0, [[0.5, 100]]);
    const id = h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 60);
    h.exec.cancel(id, T0 + 60);
    h.tick(T0 + 299);
    expect(h.events('paper_fill')).toEqual([]);
    h.tick(T0 + 300);
    expect(h.events('paper_fill')).toEqual([expect.objectContaining({ intent_id: id, qty: 10 })]);
    expect(h.exec.cancelsTooLate).toBe(1);
  });

  it('an order that would not match on arrival is not delayed: it rests at once', () => {
    const h = new Harness({ latencyMs: 50, tif: 'GTC', gtcTtlMs: 60_000 }, market({ taker_delay_ms: 250 }));
    h.book('up', T0, [[0.55, 100]]);
    h.order({ side: 'buy', qty: 10, limit_px: 0.5 });
    h.tick(T0 + 50);
    expect(h.events('order_queue')).toEqual([expect.objectContaining({ ts_unix_ms: T0 + 50 })]);
  });
});
