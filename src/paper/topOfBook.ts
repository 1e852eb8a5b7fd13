/**
 * The seed's top-of-book fill rule: a buy pays the ask plus `slippageBps`, a sell receives
 * the bid minus `slippageBps`; the fee (`feeBps` of notional) is reported separately.
 * The book-walking model (fill.ts) reduces to this when the book has a single level.
 */
import type { Side } from '../core/events.ts';

export interface TopOfBookFill {
  side: Side;
  qty: number;
  fill_px: number;
  notional: number;
  fee: number;
}

export class FillInputError extends Error {
  readonly code = 'FILL_INPUT_INVALID';
}

function check(name: string, value: number, okZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!okZero && value === 0)) {
    throw new FillInputError(`${name} must be finite and ${okZero ? '≥' : '>'} 0, got ${value}`);
  }
}

function fill(side: Side, px: number, qty: number, slippageBps: number, feeBps: number): TopOfBookFill {
  check(side === 'buy' ? 'ask' : 'bid', px, false);
  check('qty', qty, false);
  check('slippageBps', slippageBps, true);
  check('feeBps', feeBps, true);
  const sign = side === 'buy' ? 1 : -1;
  const fillPx = px * (1 + (sign * slippageBps) / 10_000);
  if (!(fillPx > 0)) throw new FillInputError(`slippage ${slippageBps} bps leaves no positive price`);
  const notional = fillPx * qty;
  return { side, qty, fill_px: fillPx, notional, fee: (notional * feeBps) / 10_000 };
}

export const paperFillBuy = (ask: number, qty: number, slippageBps: number, feeBps: number): TopOfBookFill =>
  fill('buy', ask, qty, slippageBps, feeBps);

export const paperFillSell = (bid: number, qty: number, slippageBps: number, feeBps: number): TopOfBookFill =>
  fill('sell', bid, qty, slippageBps, feeBps);
