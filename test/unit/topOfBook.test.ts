// Goal: the seed's top-of-book fill pays through the touch by the slippage and reports fees apart.
import { describe, expect, it } from 'vitest';
import { FillInputError, paperFillBuy, paperFillSell } from '../../src/paper/topOfBook.ts';

describe('top-of-book paper fill', () => {
  it('buys above the ask with the fee reported separately', () => {
    const f = paperFillBuy(0.62, 5, 10, 2);
    expect(f.fill_px).toBeGreaterThan(0.62);
    expect(f.fill_px).toBeCloseTo(0.62 * 1.001, 12);
    expect(f.fee).toBeCloseTo(f.fill_px * 5 * 0.0002, 12);
    expect(f.notional).toBeCloseTo(f.fill_px * 5, 12);
  });

  it('sells below the bid (mirror)', () => {
    const f = paperFillSell(0.62, 5, 10, 2);
    expect(f.fill_px).toBeLessThan(0.62);
    expect(f.side).toBe('sell');
  });

  it.each([
    [0, 5, 10, 2],
    [0.62, 0, 10, 2],
    [0.62, 5, -1, 2],
    [0.62, 5, 10, Number.NaN],
    [Number.POSITIVE_INFINITY, 5, 10, 2],
  ])('rejects invalid input %#', (px, q, s, f) => {
    expect(() => paperFillBuy(px, q, s, f)).toThrow(FillInputError);
  });
});
