// Goal: the seed's top-of-book fill accepts a zero slippage or fee, refuses a zero price or size,
// and says exactly which input was wrong (the code and message a caller logs).
import { describe, expect, it } from 'vitest';
import { FillInputError, paperFillBuy, paperFillSell } from '../../src/paper/topOfBook.ts';

function refusal(run: () => unknown): FillInputError {
  try {
    run();
  } catch (e) {
    if (e instanceof FillInputError) return e;
    throw e;
  }
  throw new Error('expected a FillInputError');
}

describe('top-of-book fill: input edges', () => {
  it('a zero slippage and a zero fee are a fill at the touch, free', () => {
    expect(paperFillBuy(0.62, 5, 0, 0)).toEqual({ side: 'buy', qty: 5, fill_px: 0.62, notional: 3.1, fee: 0 });
    expect(paperFillSell(0.4, 10, 0, 0)).toEqual({ side: 'sell', qty: 10, fill_px: 0.4, notional: 4, fee: 0 });
  });

  it('a buy names the ask and a sell names the bid when the price is missing', () => {
    const buy = refusal(() => paperFillBuy(0, 5, 10, 2));
    expect(buy.code).toBe('FILL_INPUT_INVALID');
    expect(buy.message).toBe('ask must be finite and > 0, got 0');
    expect(refusal(() => paperFillSell(-0.1, 5, 10, 2)).message).toBe('bid must be finite and > 0, got -0.1');
  });

  it('a zero or negative size is refused by name', () => {
    expect(refusal(() => paperFillBuy(0.5, 0, 10, 2)).message).toBe('qty must be finite and > 0, got 0');
    expect(refusal(() => paperFillSell(0.5, -1, 10, 2)).message).toBe('qty must be finite and > 0, got -1');
  });

  it('a negative slippage or fee is refused by name (zero is allowed)', () => {
    expect(refusal(() => paperFillBuy(0.5, 5, -1, 2)).message).toBe('slippageBps must be finite and ≥ 0, got -1');
    expect(refusal(() => paperFillSell(0.5, 5, 10, -2)).message).toBe('feeBps must be finite and ≥ 0, got -2');
  });

  it('a sell slipped by 100 % or more has no price and is refused', () => {
    const e = refusal(() => paperFillSell(0.5, 5, 10_000, 0));
    expect(e.message).toBe('slippage 10000 bps leaves no positive price');
    expect(refusal(() => paperFillSell(0.5, 5, 12_000, 0)).message).toBe('slippage 12000 bps leaves no positive price');
    // Just under 100 % still leaves a price.
    expect(paperFillSell(0.5, 5, 9_999, 0).fill_px).toBeCloseTo(0.00005, 12);
  });
});
