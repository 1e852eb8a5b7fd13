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
import type { Tif } from '../core/outputs.ts';

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
  /** Input time since the last reference price (median) was computed. */
  reference_age_ms?: number;
  /** This market's working orders (waiting for their latency or resting), with their queue position. */
  working?: readonly WorkingView[];
}

export interface WorkingView {
  intent_id: string;
  token_id: string;
  side: Side;
  /** Unfilled shares. */
  qty: number;
  limit_px: number;
  tif: Tif;
  queue_ahead_qty: number | null;
}

/** Cancel a working order (it ends when the cancel reaches the exchange, unless it filled first). */
export interface CancelDecision {
  cancel: string;
  reason: string;
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
  /** Time in force for this order (default: the configured one). */
  tif?: Tif;
  /** A resting quote (post-only: refused rather than taking) replacing the strategy's last one: the cooldown gate does not apply. */
  quote?: boolean;
}

export interface Strategy {
  readonly name: string;
  evaluate(view: MarketView): (Decision | CancelDecision)[];
}
