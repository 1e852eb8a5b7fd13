// Goal: the order rules (validity, tick grid, naked shorts, minimum size) and the sell reservation are decided in one place, with the stable reasons and numbers users see.
import { describe, expect, it } from 'vitest';
import { orderRuleViolation, sellableQty, type OrderRuleContext, type OrderTerms } from '../../src/core/orderRules.ts';

const CTX: OrderRuleContext = { tick_size: 0.01, min_qty: 5, sellable_qty: 20 };
const BUY: OrderTerms = { side: 'buy', qty: 20, limit_px: 0.5 };
const SELL: OrderTerms = { side: 'sell', qty: 20, limit_px: 0.5 };

describe('orderRuleViolation', () => {
  it('lets an ordinary buy and a sell of what is free through', () => {
    expect(orderRuleViolation(BUY, CTX)).toBeNull();
    expect(orderRuleViolation(SELL, CTX)).toBeNull();
  });

  it.each<[string, OrderTerms, Partial<OrderRuleContext>, Record<string, number>]>([
    ['invalid_order', { ...BUY, qty: Number.NaN }, {}, { qty: Number.NaN, limit_px: 0.5 }],
    ['invalid_order', { ...BUY, qty: 0 }, {}, { qty: 0, limit_px: 0.5 }],
    ['invalid_order', { ...BUY, limit_px: 1 }, {}, { qty: 20, limit_px: 1 }],
    ['invalid_order', { ...BUY, limit_px: 0 }, {}, { qty: 20, limit_px: 0 }],
    ['price_off_tick', { ...BUY, limit_px: 0.505 }, {}, { limit_px: 0.505, tick_size: 0.01 }],
    ['naked_short', { ...SELL, qty: 25 }, {}, { qty: 25, held_qty: 20 }],
    ['naked_short', SELL, { sellable_qty: 0 }, { qty: 20, held_qty: 0 }],
    ['min_order_qty', { ...BUY, qty: 4 }, {}, { qty: 4, min_qty: 5 }],
    ['min_order_qty', { ...BUY, qty: 9 }, { min_qty: 10 }, { qty: 9, min_qty: 10 }],
  ])('refuses as %s with its numbers', (reason, order, over, numbers) => {
    expect(orderRuleViolation(order, { ...CTX, ...over })).toEqual({ reason, numbers });
  });

  it('accepts exactly the minimum and exactly what is free (both sides of each limit)', () => {
    expect(orderRuleViolation({ ...BUY, qty: 5 }, CTX)).toBeNull();
    expect(orderRuleViolation({ ...BUY, qty: 4.99 }, CTX)?.reason).toBe('min_order_qty');
    expect(orderRuleViolation({ ...SELL, qty: 20 }, CTX)).toBeNull();
    expect(orderRuleViolation({ ...SELL, qty: 20.01 }, CTX)?.reason).toBe('naked_short');
  });

  it('follows the tick size it is given', () => {
    expect(orderRuleViolation({ ...BUY, limit_px: 0.505 }, { ...CTX, tick_size: 0.001 })).toBeNull();
  });
});

describe('sellableQty', () => {
  const working = [
    { token_id: 'up', side: 'sell' as const, qty: 6 },
    { token_id: 'up', side: 'buy' as const, qty: 50 },
    { token_id: 'down', side: 'sell' as const, qty: 3 },
  ];
  it('is what is held minus what working sells of the same token already promise', () => {
    expect(sellableQty(10, working, 'up')).toBe(4);
    expect(sellableQty(10, working, 'down')).toBe(7);
  });
  it('is never negative and is zero without a holding', () => {
    expect(sellableQty(5, [...working, ...working], 'up')).toBe(0);
    expect(sellableQty(0, working, 'up')).toBe(0);
  });
});
