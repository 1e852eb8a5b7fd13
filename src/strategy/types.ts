/**
 * The strategy interface. A strategy sees one market at a time with the numbers the engine
 * already has (fair value, books, holdings) and returns decisions; the engine turns them
 * into `signal`, risk checks and `paper_intent` events. Adding a strategy = one file
 * implementing `Strategy` plus one line in the table of `strategies.ts`.
 *
 * Contract every strategy keeps (the risk layer enforces it too): `sell` only sells tokens
 * held (qty ≤ held_qty) — never a naked short; a bearish view on Up buys Down.
 */
import type { MarketInfo, Outcome, Side } from '../core/events.ts';

export interface TokenView {
  token_id: string;
  outcome: Outcome;
  best_bid: number | null;
  best_ask: number | null;
  /** Shares held and not already promised to a working sell: what a new sell may sell. */
  held_qty: number;
  /** Probability that this token pays 1.00, from the fair-value model. */
  fair: number;
}

export interface MarketView {
  ts_unix_ms: number;
  market: MarketInfo;
  time_left_ms: number;
  /** The reference (multi-venue median) the fair values were computed from. */
  spot: number;
  /** Annualized volatility used for the fair values. */
  vol_annual: number;
  tokens: readonly TokenView[];
}

export interface Decision {
  token_id: string;
  outcome: Outcome;
  side: Side;
  qty: number;
  limit_px: number;
  reason: string;
  /** The numbers that justified the decision; copied into the `signal` event. */
  numbers: Record<string, number>;
}

export interface Strategy {
  readonly name: string;
  evaluate(view: MarketView): Decision[];
}
