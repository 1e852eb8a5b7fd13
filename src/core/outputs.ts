/**
 * Output events (core → sinks), docs/architecture.md. Wire format: JSON, snake_case keys,
 * `event_type` discriminator, prices as numbers, `ts_unix_ms` integer timestamps.
 */
import { z } from 'zod';
import { FeedStateSchema, MarketInfoSchema, OutcomeSchema, SideSchema } from './events.ts';

const tsMs = z.number().int().nonnegative();
const num = z.number().finite();
const numbers = z.record(z.string(), z.union([num, z.string(), z.null()]));

export const TifSchema = z.enum(['FOK', 'IOC', 'GTC']);
export type Tif = z.infer<typeof TifSchema>;

/** How a run is fed: live public data, the seeded simulator, or a capture. The one list of modes. */
export const RUN_MODES = ['paper-live', 'sim', 'replay', 'backtest'] as const;
export type RunMode = (typeof RUN_MODES)[number];
/** The modes `polylab run --mode` accepts (replay has its own command). */
export const RUN_COMMAND_MODES = ['paper-live', 'sim'] as const satisfies readonly RunMode[];

export const RunStartedSchema = z.object({
  event_type: z.literal('run_started'),
  run_id: z.string(),
  mode: z.enum(RUN_MODES),
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
  /** Annualized EWMA volatility including this median: the σ the strategies' fair value uses at this tick. */
  vol_annual: num.positive().optional(),
  /** Last print of every venue fresh at this tick, outliers included; the median kept `venue_count` of them. */
  venue_px: z.record(z.string(), num.positive()).optional(),
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
  /** A venue's trades refused by the engine's trade filter, by reason (present once any was). */
  rejected_by: z
    .object({
      duplicate: z.number().int().nonnegative(),
      out_of_order: z.number().int().nonnegative(),
      absurd_px: z.number().int().nonnegative(),
    })
    .optional(),
  /** While the source waits to retry: ms until its next attempt (see VenueStatus). */
  next_retry_ms: z.number().int().nonnegative().nullable().optional(),
  /** The source's named counters (see VenueStatus). */
  counts: z.record(z.string(), z.number().int().nonnegative()).optional(),
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

export const SpotSourceSchema = z.enum(['resolution', 'median']);
export type SpotSource = z.infer<typeof SpotSourceSchema>;

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
  /** Which price fair value started from: the market's resolution source (live) or the venue median. */
  spot_source: SpotSourceSchema.optional(),
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
  /**
   * The match price before slippage: the book's VWAP over the consumed levels, never better
   * than the touch at the decision (maker: the order's limit).
   */
  vwap_px: num.positive().optional(),
  tif: TifSchema.optional(),
  /**
   * Maker fills on a market with a rebate: `rebate_rate × taker fee` of the matched size,
   * credited to cash with the fill (readers sum it; absent = 0). Optional: added later.
   */
  rebate: num.nonnegative().optional(),
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
  /** `cancelled`: the strategy's cancel (or replace) reached the exchange while the order still worked. */
  reason: z.enum(['deadline', 'window_end', 'market_resolved', 'ioc_remainder', 'restart', 'cancelled']),
  filled_qty: num.nonnegative(),
  remaining_qty: num.positive(),
  ts_unix_ms: tsMs,
});
export type OrderExpired = z.infer<typeof OrderExpiredSchema>;

/**
 * A resting order's place in its price level's queue (paper/queue.ts): emitted when it
 * starts resting and whenever a print at its price moves it up. `queue_ahead_qty` is the
 * shares shown ahead of it under the configured queue model; `queue_ahead_alt_qty` under
 * the other model, for comparison.
 */
export const OrderQueueSchema = z.object({
  event_type: z.literal('order_queue'),
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  side: SideSchema,
  limit_px: num.positive(),
  remaining_qty: num.nonnegative(),
  queue_model: z.enum(['conservative', 'probabilistic']),
  queue_ahead_qty: num.nonnegative(),
  queue_ahead_alt_qty: num.nonnegative(),
  ts_unix_ms: tsMs,
});
export type OrderQueue = z.infer<typeof OrderQueueSchema>;

/**
 * What the other queue model would have filled of a resting order from one print (at the
 * order's limit, as a maker): the paper portfolio never holds it; the trust analytics settle
 * it beside the configured model's fills, so both queue models appear in the PnL range.
 */
export const QueueShadowFillSchema = z.object({
  event_type: z.literal('queue_shadow_fill'),
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  side: SideSchema,
  qty: num.positive(),
  fill_px: num.positive(),
  rebate: num.nonnegative(),
  queue_model: z.enum(['conservative', 'probabilistic']),
  ts_unix_ms: tsMs,
});
export type QueueShadowFill = z.infer<typeof QueueShadowFillSchema>;

export const RiskRejectSchema = z.object({
  event_type: z.literal('risk_reject'),
  /** Stable machine-readable code (see docs/methodology.md). */
  reason: z.string(),
  market_id: z.string().nullable(),
  intent_id: z.string().nullable(),
  numbers,
  /**
   * Set on a decision's reject: the episode it opens. Repeats of it (same market, decision
   * and reason on the following ticks) emit nothing; `reject_episode_ended` counts them.
   */
  episode_id: z.string().optional(),
  ts_unix_ms: tsMs,
});
export type RiskReject = z.infer<typeof RiskRejectSchema>;

/** A reject episode closed: its condition cleared (or the run stopped). Counts every occurrence, the first included. */
export const RejectEpisodeEndedSchema = z.object({
  event_type: z.literal('reject_episode_ended'),
  episode_id: z.string(),
  reason: z.string(),
  market_id: z.string().nullable(),
  occurrences: z.number().int().positive(),
  first_ts_ms: tsMs,
  last_ts_ms: tsMs,
  /** The numbers of the last occurrence (ages, time left and marks move while the condition holds). */
  last_numbers: numbers,
  ts_unix_ms: tsMs,
});
export type RejectEpisodeEnded = z.infer<typeof RejectEpisodeEndedSchema>;

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
  /** An own reading taken from a fallback source (e.g. Chainlink spot while its TWAP was unavailable). */
  estimated: z.boolean().optional(),
  /**
   * What one share of the winning token paid: 1, or 0.5 on a 50-50 result (`split`), where
   * every share of either token paid 0.5. Optional: older streams never carry it (= 1).
   */
  payout_per_share: num.min(0).max(1).optional(),
  /** A 50-50 result; `winning_outcome` then names Up by convention. */
  split: z.boolean().optional(),
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
  OrderQueueSchema,
  QueueShadowFillSchema,
  RiskRejectSchema,
  RejectEpisodeEndedSchema,
  PositionSchema,
  SettlementSchema,
  PnlSchema,
  RunStoppedSchema,
]);
export type OutputEvent = z.infer<typeof OutputEventSchema>;
export type OutputEventType = OutputEvent['event_type'];
export type OutputOf<T extends OutputEventType> = Extract<OutputEvent, { event_type: T }>;
