/**
 * Output events (core → sinks), DESIGN §4. Wire format: JSON, snake_case keys,
 * `event_type` discriminator, prices as numbers, `ts_unix_ms` integer timestamps.
 */
import { z } from 'zod';
import { FeedStateSchema, MarketInfoSchema, OutcomeSchema, SideSchema } from './events.ts';

const tsMs = z.number().int().nonnegative();
const num = z.number().finite();
const numbers = z.record(z.string(), z.union([num, z.string(), z.null()]));

export const TifSchema = z.enum(['FOK', 'IOC', 'GTC']);
export type Tif = z.infer<typeof TifSchema>;

export const RunStartedSchema = z.object({
  event_type: z.literal('run_started'),
  run_id: z.string(),
  mode: z.enum(['paper-live', 'sim', 'replay']),
  seed: z.number().int().nullable(),
  strategy: z.string(),
  /** Set when this run continues the account of a run that died (crash recovery). */
  restored_from: z.string().optional(),
  ts_unix_ms: tsMs,
});

export const BtcMedianSchema = z.object({
  event_type: z.literal('btc_median'),
  px_median: num.positive(),
  px_spread_bps: num.nonnegative(),
  venue_count: z.number().int().positive(),
  ts_unix_ms: tsMs,
});
export type BtcMedian = z.infer<typeof BtcMedianSchema>;

export const FeedHealthSchema = z.object({
  event_type: z.literal('feed_health'),
  source: z.string(),
  state: FeedStateSchema,
  reason: z.string().nullable(),
  messages: z.number().int().nonnegative(),
  trades: z.number().int().nonnegative(),
  parse_errors: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  reconnects: z.number().int().nonnegative(),
  last_message_age_ms: z.number().int().nonnegative().nullable(),
  seq_gaps: z.number().int().nonnegative().optional(),
  last_error: z.string().nullable().optional(),
  /** How many venues contribute to the median at this moment. */
  venues_contributing: z.number().int().nonnegative(),
  ts_unix_ms: tsMs,
});
export type FeedHealth = z.infer<typeof FeedHealthSchema>;

export const MarketDiscoveredOutputSchema = z.object({
  event_type: z.literal('market_discovered'),
  market: MarketInfoSchema,
  ts_unix_ms: tsMs,
});

export const QuoteSchema = z.object({
  event_type: z.literal('quote'),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  best_bid: num.nullable(),
  best_ask: num.nullable(),
  mid: num.nullable(),
  bid_depth: num.nonnegative(),
  ask_depth: num.nonnegative(),
  ts_unix_ms: tsMs,
});
export type Quote = z.infer<typeof QuoteSchema>;

export const SignalSchema = z.object({
  event_type: z.literal('signal'),
  strategy: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  action: z.enum(['buy', 'sell', 'hold']),
  reason: z.string(),
  /** The numbers that justified the signal (fair value, ask, edge, ...). */
  numbers,
  ts_unix_ms: tsMs,
});
export type Signal = z.infer<typeof SignalSchema>;

export const PaperIntentSchema = z.object({
  event_type: z.literal('paper_intent'),
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  side: SideSchema,
  qty: num.positive(),
  limit_px: num.positive(),
  tif: TifSchema,
  /** The fill model matches at the first book state at or after this time. */
  match_after_ms: tsMs,
  /** GTC only: the order rests until this time (capped at the window's end). */
  expires_at_ms: tsMs.nullable().optional(),
  ts_unix_ms: tsMs,
});
export type PaperIntent = z.infer<typeof PaperIntentSchema>;

export const PaperFillSchema = z.object({
  event_type: z.literal('paper_fill'),
  fill_id: z.string(),
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  side: SideSchema,
  qty: num.positive(),
  fill_px: num.positive(),
  fee: num.nonnegative(),
  liquidity: z.enum(['taker', 'maker']),
  /** Shares requested by the intent; qty < requested_qty is a partial fill. */
  requested_qty: num.positive(),
  levels_consumed: z.number().int().nonnegative(),
  /** The book's VWAP over the consumed levels (maker: the order's limit), before slippage. */
  vwap_px: num.positive().optional(),
  tif: TifSchema.optional(),
  ts_unix_ms: tsMs,
});
export type PaperFill = z.infer<typeof PaperFillSchema>;

/** A working order ended without filling its remainder: GTC deadline, window end, resolution, IOC rest, or a restart after a crash. */
export const OrderExpiredSchema = z.object({
  event_type: z.literal('order_expired'),
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  side: SideSchema,
  tif: TifSchema,
  reason: z.enum(['deadline', 'window_end', 'market_resolved', 'ioc_remainder', 'restart']),
  filled_qty: num.nonnegative(),
  remaining_qty: num.positive(),
  ts_unix_ms: tsMs,
});
export type OrderExpired = z.infer<typeof OrderExpiredSchema>;

export const RiskRejectSchema = z.object({
  event_type: z.literal('risk_reject'),
  /** Stable machine-readable code (see docs/methodology.md). */
  reason: z.string(),
  market_id: z.string().nullable(),
  intent_id: z.string().nullable(),
  numbers,
  ts_unix_ms: tsMs,
});
export type RiskReject = z.infer<typeof RiskRejectSchema>;

export const PositionSchema = z.object({
  event_type: z.literal('position'),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  qty: num.nonnegative(),
  avg_cost: num.nonnegative(),
  ts_unix_ms: tsMs,
});
export type Position = z.infer<typeof PositionSchema>;

export const SettlementSchema = z.object({
  event_type: z.literal('settlement'),
  market_id: z.string(),
  winning_token_id: z.string(),
  winning_outcome: OutcomeSchema,
  source: z.enum(['official', 'own']),
  payout: num.nonnegative(),
  realized_pnl: num,
  /**
   * Set on a correction: our own reading of the resolution source settled the market
   * first with this outcome, and the official result disagreed (the official one wins).
   */
  corrects_outcome: OutcomeSchema.optional(),
  /** Change to realized PnL made by the correction. */
  pnl_adjustment: num.optional(),
  ts_unix_ms: tsMs,
});
export type Settlement = z.infer<typeof SettlementSchema>;

export const PnlSchema = z.object({
  event_type: z.literal('pnl'),
  cash: num,
  equity: num,
  realized: num,
  unrealized: num,
  fees: num.nonnegative(),
  /** Holdings marked at the best bid: equity = cash + position_value (one equity-curve point). */
  position_value: num.optional(),
  ts_unix_ms: tsMs,
});
export type Pnl = z.infer<typeof PnlSchema>;

export const RunStoppedSchema = z.object({
  event_type: z.literal('run_stopped'),
  run_id: z.string(),
  fills: z.number().int().nonnegative(),
  rejects: z.number().int().nonnegative(),
  settlements: z.number().int().nonnegative(),
  equity: num,
  realized: num,
  fees: num.nonnegative(),
  ts_unix_ms: tsMs,
});

export const OutputEventSchema = z.discriminatedUnion('event_type', [
  RunStartedSchema,
  BtcMedianSchema,
  FeedHealthSchema,
  MarketDiscoveredOutputSchema,
  QuoteSchema,
  SignalSchema,
  PaperIntentSchema,
  PaperFillSchema,
  OrderExpiredSchema,
  RiskRejectSchema,
  PositionSchema,
  SettlementSchema,
  PnlSchema,
  RunStoppedSchema,
]);
export type OutputEvent = z.infer<typeof OutputEventSchema>;
export type OutputEventType = OutputEvent['event_type'];
export type OutputOf<T extends OutputEventType> = Extract<OutputEvent, { event_type: T }>;
