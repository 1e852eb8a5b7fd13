// Goal: the book walk takes exactly the depth it may (no dust levels, no level at a strict limit,
// no depth already taken by our own fills), remembers what it took until that level changes, and
// prices the result at the limit, the match price and the fee the exchange would charge.
import { describe, expect, it } from 'vitest';
import { BookLadder, pxKey } from '../../src/core/book.ts';
import type { Level } from '../../src/core/events.ts';
import { CRYPTO_FEES, takerFee } from '../../src/core/fees.ts';
import { Consumed, noBetterThanTouch, priceFill, takerLimitKey, walkFee, walkLadder } from '../../src/paper/fill.ts';

const ladder = (side: 'bid' | 'ask', levels: Level[]): BookLadder => {
  const l = new BookLadder(side);
  l.replace(levels);
  return l;
};
const K50 = pxKey(0.5);
const K51 = pxKey(0.51);

describe('consumed depth (our own fills)', () => {
  it('a fresh record holds no levels', () => {
    expect(new Consumed().levels).toBe(0);
  });

  it('what we took is held against that level only while it shows the same price and size', () => {
    const c = new Consumed();
    c.add(0, K50, 10, 4);
    expect(c.levels).toBe(1);
    expect(c.get(0, K50, 10)).toBe(4);
    expect(c.get(0, K51, 10)).toBe(0);
    expect(c.get(0, K50, 12)).toBe(0);
    expect(c.get(1, K50, 10)).toBe(0);
  });

  it('a different level now at the same position starts from nothing', () => {
    const c = new Consumed();
    c.add(0, K50, 10, 4);
    c.add(0, K51, 10, 3);
    expect(c.get(0, K51, 10)).toBe(3);
    expect(c.get(0, K50, 10)).toBe(0);
    expect(c.levels).toBe(1);
    // The same price showing another size is another level too.
    c.add(0, K51, 12, 2);
    expect(c.get(0, K51, 12)).toBe(2);
  });

  it('a book change keeps an unchanged level (at its new position) and frees a resized or removed one', () => {
    const c = new Consumed();
    c.add(0, K50, 10, 4);
    c.add(1, K51, 20, 5);
    // A better ask arrives at 0.49; 0.50 still shows 10, 0.51 went from 20 to 25.
    c.refresh(
      ladder('ask', [
        [0.49, 3],
        [0.5, 10],
        [0.51, 25],
      ]),
    );
    expect(c.levels).toBe(1);
    expect(c.get(1, K50, 10)).toBe(4);
    expect(c.get(2, K51, 25)).toBe(0);
    // 0.50 is removed: nothing is held any more, and when it comes back at its old size it is new depth.
    c.refresh(ladder('ask', [[0.49, 3]]));
    expect(c.levels).toBe(0);
    expect(c.get(1, K50, 10)).toBe(0);
    c.refresh(ladder('ask', [[0.5, 10]]));
    expect(c.get(0, K50, 10)).toBe(0);
  });

  it('a level deep in a long ladder is remembered (the record grows) and earlier ones are kept', () => {
    const c = new Consumed();
    c.add(0, K50, 10, 1);
    c.add(16, K51, 7, 2);
    c.add(40, pxKey(0.9), 8, 3);
    expect([c.get(0, K50, 10), c.get(16, K51, 7), c.get(40, pxKey(0.9), 8)]).toEqual([1, 2, 3]);
    expect(c.levels).toBe(3);
    const deep = new Consumed();
    deep.add(100, K50, 5, 4);
    expect(deep.get(100, K50, 5)).toBe(4);
  });

  it('a walk that does not commit leaves the depth for the next order', () => {
    const asks = ladder('ask', [[0.5, 10]]);
    const c = new Consumed();
    expect(walkLadder(asks, 'buy', 6, K50, c).qty).toBe(6);
    expect(c.levels).toBe(0);
    expect(walkLadder(asks, 'buy', 10, K50, c, false, true).qty).toBe(10);
    expect(walkLadder(asks, 'buy', 10, K50, c).qty).toBe(0);
  });

  it('a committing walk with no record still fills', () => {
    expect(walkLadder(ladder('ask', [[0.5, 10]]), 'buy', 4, K50, null, false, true).qty).toBe(4);
  });
});

describe('walking the ladder: edges', () => {
  it('a strict walk never takes the level at its limit, on either side', () => {
    const asks = ladder('ask', [
      [0.49, 5],
      [0.5, 10],
    ]);
    expect(walkLadder(asks, 'buy', 20, K50, null, true).qty).toBe(5);
    expect(walkLadder(asks, 'buy', 20, K50, null, false).qty).toBe(15);
    const bids = ladder('bid', [
      [0.51, 5],
      [0.5, 10],
    ]);
    expect(walkLadder(bids, 'sell', 20, K50, null, true).qty).toBe(5);
    expect(walkLadder(bids, 'sell', 20, K50, null, false).qty).toBe(15);
  });

  it('stops at the first level that fills the order: levels consumed counts only those', () => {
    const asks = ladder('ask', [
      [0.5, 10],
      [0.51, 10],
      [0.52, 10],
    ]);
    const w = walkLadder(asks, 'buy', 5, pxKey(0.52));
    expect([w.qty, w.levels, w.vwapKey, w.levelKeys[0], w.levelQtys[0]]).toEqual([5, 1, K50, K50, 5]);
  });

  it('a dust level or a level our own fills emptied is skipped, not counted', () => {
    const dusty = walkLadder(
      ladder('ask', [
        [0.5, 1e-9],
        [0.51, 10],
      ]),
      'buy',
      5,
      K51,
    );
    expect([dusty.qty, dusty.levels, dusty.vwapKey]).toEqual([5, 1, K51]);
    const asks = ladder('ask', [
      [0.5, 10],
      [0.51, 10],
    ]);
    const c = new Consumed();
    walkLadder(asks, 'buy', 10, K50, c, false, true);
    const w = walkLadder(asks, 'buy', 5, K51, c);
    expect([w.qty, w.levels, w.vwapKey]).toEqual([5, 1, K51]);
  });

  it('a fill across levels reports exactly the shares asked for, not their float sum', () => {
    const asks = ladder('ask', [
      [0.5, 0.1],
      [0.51, 0.2],
    ]);
    expect(walkLadder(asks, 'buy', 0.3, K51).qty).toBe(0.3);
    // A shortfall below QTY_EPS is float dust: the order is filled in full.
    const short = ladder('ask', [
      [0.5, 5],
      [0.51, 4.9999999995],
    ]);
    expect(walkLadder(short, 'buy', 10, K51).qty).toBe(10);
  });

  it('nothing within the limit, or a dust order, is an empty walk priced at 0', () => {
    const asks = ladder('ask', [[0.5, 10]]);
    expect(walkLadder(asks, 'buy', 5, pxKey(0.49))).toMatchObject({ qty: 0, vwapKey: 0, levels: 0 });
    expect(walkLadder(asks, 'buy', 5e-10, K50)).toMatchObject({ qty: 0, vwapKey: 0, levels: 0 });
  });
});

describe('pricing: limits and fees', () => {
  it("a taker's walk limit leaves room for the slippage, exactly at a whole tick", () => {
    // 0.505 / 1.01 = 0.5 and 0.495 / 0.99 = 0.5: the 0.50 level is still allowed.
    expect(takerLimitKey('buy', pxKey(0.505), 100)).toBe(K50);
    expect(takerLimitKey('sell', pxKey(0.495), 100)).toBe(K50);
  });

  it('the price paid or received never crosses the limit', () => {
    const walk = walkLadder(ladder('ask', [[0.5, 10]]), 'buy', 10, K50);
    const p = { slippageBps: 100, fee: CRYPTO_FEES };
    expect(priceFill('buy', walk, p, 'taker', undefined, 0.504).fill_px).toBe(0.504);
    const sold = walkLadder(ladder('bid', [[0.5, 10]]), 'sell', 10, K50);
    expect(priceFill('sell', sold, p, 'taker', undefined, 0.497).fill_px).toBe(0.497);
  });

  it('a maker fill pays no schedule fee and no slippage', () => {
    const walk = walkLadder(ladder('ask', [[0.5, 10]]), 'buy', 10, K50);
    expect(priceFill('buy', walk, { slippageBps: 50, fee: CRYPTO_FEES }, 'maker', 0.5)).toMatchObject({ fill_px: 0.5, fee: 0 });
  });

  it('a taker priced at a given price pays the schedule fee at that price', () => {
    const walk = walkLadder(ladder('ask', [[0.5, 10]]), 'buy', 10, K50);
    expect(priceFill('buy', walk, { slippageBps: 0, fee: CRYPTO_FEES }, 'taker', 0.6).fee).toBe(takerFee(10, 0.6, CRYPTO_FEES));
  });

  it('a one-level taker fill pays the fee at its match price (held at the touch it decided on)', () => {
    // Decided at a 0.60 ask; by the match the ask is 0.55, but the fill is priced at 0.60.
    const walk = walkLadder(ladder('ask', [[0.55, 10]]), 'buy', 10, pxKey(0.6));
    walk.vwapKey = noBetterThanTouch('buy', walk.vwapKey, pxKey(0.6), pxKey(0.6));
    expect(walkFee(walk, CRYPTO_FEES)).toBe(takerFee(10, 0.6, CRYPTO_FEES));
    expect(walkFee(walk, CRYPTO_FEES)).not.toBe(takerFee(10, 0.55, CRYPTO_FEES));
  });
});
