/**
 * The divergence rule: compare a reference price with a market price and act on the
 * relative gap. `divergence = (reference − market) / market`; above `+threshold` the
 * market is cheap (buy), below `−threshold` it is rich (sell), otherwise hold.
 */

export type SignalAction = 'buy' | 'sell' | 'hold';

export interface LiveSignal {
  action: SignalAction;
  divergence: number;
  threshold: number;
}

export class SignalInputError extends Error {
  readonly code = 'SIGNAL_INPUT_INVALID';
}

export function liveSignal(referencePx: number, marketPx: number, threshold: number): LiveSignal {
  if (!Number.isFinite(referencePx) || referencePx <= 0)
    throw new SignalInputError(`referencePx must be finite and > 0, got ${referencePx}`);
  if (!Number.isFinite(marketPx) || marketPx <= 0) throw new SignalInputError(`marketPx must be finite and > 0, got ${marketPx}`);
  if (!Number.isFinite(threshold) || threshold < 0) throw new SignalInputError(`threshold must be finite and ≥ 0, got ${threshold}`);
  const divergence = (referencePx - marketPx) / marketPx;
  const action: SignalAction = divergence > threshold ? 'buy' : divergence < -threshold ? 'sell' : 'hold';
  return { action, divergence, threshold };
}
