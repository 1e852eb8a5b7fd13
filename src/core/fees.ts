/**
 * Polymarket taker fee: `fee = shares × rate × (p × (1 − p))^exponent`, cut to 5 decimals
 * the way the exchange does (docs.polymarket.com, "Fees" — crypto up/down markets use rate
 * 0.07 and exponent 1). Makers pay nothing; fee-free markets have rate 0.
 *
 * The exchange truncates rather than rounds: in the on-chain OrderFilled observations of
 * test/fixtures/polymarket/chain_order_filled_taker_fees_excerpt.json (source in its
 * SOURCES.md), SELL 5 at 0.31 with rate 0.05 computes to 0.053475 and paid 0.05347, and
 * in the full 19-row source file every row matches a floor to 5 decimals while 12 of them
 * contradict rounding half up (e.g. 0.0724999740 → paid 0.07249).
 */
import type { FeeSchedule } from '../core/events.ts';

export const FEE_DECIMALS = 5;
const FEE_SCALE = 10 ** FEE_DECIMALS;

/** Truncates a non-negative fee to 5 decimals, as the exchange does. */
export function roundFee(x: number): number {
  // The tiny epsilon keeps exact products like 0.07392 (0.0739199999… in binary) from
  // losing their last unit to the floor; it is far below one fee unit (1e-5).
  return Math.floor(x * FEE_SCALE + 1e-7) / FEE_SCALE;
}

export function takerFee(shares: number, px: number, fee: FeeSchedule): number {
  if (fee.rate === 0 || shares <= 0) return 0;
  return roundFee(shares * fee.rate * (px * (1 - px)) ** fee.exponent);
}

/** The seed's flat fee: `feeBps` of notional, unrounded (see topOfBook.ts). */
export function bpsFee(notional: number, feeBps: number): number {
  return (notional * feeBps) / 10_000;
}

export const FEE_FREE: FeeSchedule = Object.freeze({ rate: 0, exponent: 1, taker_only: true });
export const CRYPTO_FEES: FeeSchedule = Object.freeze({ rate: 0.07, exponent: 1, taker_only: true });

/**
 * A resting order's rebate on a fill: `rebate_rate` of the taker fee the matched size pays
 * at the fill price (Polymarket's maker rebates on crypto up/down markets are a share of the
 * taker fees, `feeSchedule.rebateRate`). Not truncated: the exchange pays rebates in daily
 * aggregate, not per match.
 */
export function makerRebate(shares: number, px: number, fee: FeeSchedule): number {
  const rate = fee.rebate_rate ?? 0;
  if (rate === 0 || fee.rate === 0 || shares <= 0) return 0;
  return rate * shares * fee.rate * (px * (1 - px)) ** fee.exponent;
}

/**
 * The taker delay of Polymarket's crypto up/down markets: an order that would match on
 * entry waits this long inside the exchange before it matches, and cannot be cancelled
 * meanwhile. History (read 2026-12 with the `search` tool): 500 ms from 2025-11-14
 * (research.capitola.xyz "500ms Taker Speedbump"), removed on 2026-02-18 (widely reported,
 * e.g. htx.com news), back at 250 ms for API orders on crypto/finance up/down markets from
 * 2026-06-05 (Polymarket's announcement as reported by Jinse Finance on 2026-06-03: "Taker
 * orders will be non-cancellable during the 250-millisecond delay period"). Polymarket's
 * own SDK models carry a per-market taker delay since py-sdk 0.15.0 (2026-10-29), and its
 * CLOB market info flags it per market (`itode`, "held for the 250 ms taker-delay window",
 * docs.polymarket.com/api-reference/markets/get-clob-market-info, read 2026-12-06); a market's
 * `taker_delay_ms` (read from that flag in paper-live) wins over this default.
 */
export const CRYPTO_TAKER_DELAY_MS = 250;
