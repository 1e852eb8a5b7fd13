// Goal: taker fees follow Polymarket's schedule and the exchange's 5-decimal truncation, checked against on-chain fills.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CRYPTO_FEES, FEE_FREE, makerRebate, roundFee, takerFee } from '../../src/core/fees.ts';

interface ChainFill {
  side: 'BUY' | 'SELL';
  maker_amount_filled: string;
  taker_amount_filled: string;
  fee: string;
  price: string;
  fee_rate: string;
}

describe('taker fee', () => {
  it('is largest at p = 0.5: 100 shares × 0.07 × 0.25 = 1.75', () => {
    expect(takerFee(100, 0.5, CRYPTO_FEES)).toBe(1.75);
  });

  it('is small and symmetric near the edges of the price range', () => {
    // 100 × 0.07 × 0.01 × 0.99 = 0.0693
    expect(takerFee(100, 0.01, CRYPTO_FEES)).toBe(0.0693);
    expect(takerFee(100, 0.99, CRYPTO_FEES)).toBe(0.0693);
    // 5 × 0.07 × 0.001 × 0.999 = 0.00034965 → truncated to 0.00034
    expect(takerFee(5, 0.001, CRYPTO_FEES)).toBe(0.00034);
    expect(takerFee(5, 0.999, CRYPTO_FEES)).toBe(0.00034);
  });

  it('is zero on fee-free markets and for nothing filled', () => {
    expect(takerFee(100, 0.5, FEE_FREE)).toBe(0);
    expect(takerFee(0, 0.5, CRYPTO_FEES)).toBe(0);
  });

  it('never charges or pays on a negative size: no fee and no rebate below zero shares', () => {
    // The formula alone would give a negative fee (a credit) for a negative size.
    expect(takerFee(-100, 0.5, CRYPTO_FEES)).toBe(0);
    expect(takerFee(-1e-9, 0.5, CRYPTO_FEES)).toBe(0);
    const rebating = { ...CRYPTO_FEES, rebate_rate: 0.2 };
    expect(makerRebate(-100, 0.5, rebating)).toBe(0);
    expect(makerRebate(100, 0.5, rebating)).toBeCloseTo(0.35, 12); // 0.2 × 100 × 0.07 × 0.25
    expect(makerRebate(100, 0.5, CRYPTO_FEES)).toBe(0); // no rebate_rate: none
  });

  it('applies the exponent of the schedule', () => {
    // 100 × 0.25 × (0.5 × 0.5)² = 1.5625
    expect(takerFee(100, 0.5, { rate: 0.25, exponent: 2, taker_only: true })).toBe(1.5625);
  });

  it('truncates to 5 decimals instead of rounding half up, without losing exact values to binary noise', () => {
    expect(roundFee(0.053475)).toBe(0.05347);
    expect(roundFee(0.072499974)).toBe(0.07249);
    expect(roundFee(0.07392)).toBe(0.07392);
    expect(roundFee(0.000035)).toBe(0.00003);
  });

  it('matches the fee paid in real on-chain Polymarket fills', () => {
    const rows = JSON.parse(readFileSync('test/fixtures/polymarket/chain_order_filled_taker_fees_excerpt.json', 'utf8')) as ChainFill[];
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) {
      // Amounts are 6-decimal units; the taker receives shares on a BUY and gives them on a SELL.
      const shares = Number(r.side === 'BUY' ? r.taker_amount_filled : r.maker_amount_filled) / 1e6;
      const fee = takerFee(shares, Number(r.price), { rate: Number(r.fee_rate), exponent: 1, taker_only: true });
      expect(Math.round(fee * 1e6), `${r.side} ${shares} @ ${r.price}`).toBe(Number(r.fee));
    }
  });
});
