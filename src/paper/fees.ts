/**
 * Polymarket taker fee: `fee = shares × rate × (p × (1 − p))^exponent`, rounded to 5
 * decimals as the exchange does (docs.polymarket.com, "Fees" — crypto up/down markets
 * use rate 0.07 and exponent 1). Makers pay nothing; fee-free markets have rate 0.
 */
import type { FeeSchedule } from '../core/events.ts';

export const FEE_DECIMALS = 5;

export function roundFee(x: number): number {
  const f = 10 ** FEE_DECIMALS;
  // Adding a tiny epsilon before rounding keeps values like 0.000035 from rounding down
  // because of their binary representation.
  return Math.round(x * f + 1e-9) / f;
}

export function takerFee(shares: number, px: number, fee: FeeSchedule): number {
  if (fee.rate === 0 || shares <= 0) return 0;
  return roundFee(shares * fee.rate * (px * (1 - px)) ** fee.exponent);
}

export const FEE_FREE: FeeSchedule = Object.freeze({ rate: 0, exponent: 1, taker_only: true });
export const CRYPTO_FEES: FeeSchedule = Object.freeze({ rate: 0.07, exponent: 1, taker_only: true });
