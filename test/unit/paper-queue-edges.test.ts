// Goal: the probabilistic queue estimate after cancels is the exact split the model defines, and
// an order's queue event reports the other model's place beside the configured one.
import { describe, expect, it } from 'vitest';
import { joinQueue, onLevelChange } from '../../src/paper/queue.ts';
import { queueEventOf, type WorkingOrder } from '../../src/paper/workingOrder.ts';

describe('queue estimate after cancels', () => {
  it('with power 1, cancels split between behind and ahead in proportion to the shares there', () => {
    const q = joinQueue(10);
    onLevelChange(q, 30, 1); // 20 shares join behind us
    onLevelChange(q, 20, 1); // 10 cancelled: 2/3 from the 20 behind, 1/3 from the 10 ahead
    expect(q.ahead[1]).toBeCloseTo(10 - 10 / 3, 12);
    expect(q.ahead[0]).toBe(10); // conservative: cancels come from behind
  });

  it('with more ahead than behind, a cancel is more likely one of those ahead', () => {
    const q = joinQueue(10);
    onLevelChange(q, 15, 1); // 5 behind
    onLevelChange(q, 12, 1); // 3 cancelled: 1/3 from behind, 2/3 (2 shares) from ahead
    expect(q.ahead[1]).toBeCloseTo(8, 12);
  });

  it('fractional shares: a small cancel takes only its own share from ahead', () => {
    const q = joinQueue(0.2);
    onLevelChange(q, 1, 1); // 0.8 behind
    onLevelChange(q, 0.1, 1); // 0.9 cancelled: 0.72 from behind, 0.18 from ahead
    expect(q.ahead[1]).toBeCloseTo(0.02, 12);
  });
});

describe('queue event', () => {
  it('reports the configured model first and the other model beside it', () => {
    const queue = joinQueue(10);
    queue.ahead[0] = 7;
    queue.ahead[1] = 3;
    const o = {
      intent_id: 'i1',
      market_id: 'm1',
      token_id: 'up',
      side: 'buy',
      limit_px: 0.5,
      qty: 10,
      filled: 4,
      queue,
    } as unknown as WorkingOrder;
    expect(queueEventOf(o, 'probabilistic', 5)).toMatchObject({
      remaining_qty: 6,
      queue_ahead_qty: 3,
      queue_ahead_alt_qty: 7,
      ts_unix_ms: 5,
    });
    expect(queueEventOf(o, 'conservative', 5)).toMatchObject({ queue_ahead_qty: 7, queue_ahead_alt_qty: 3 });
  });
});
