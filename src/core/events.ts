/**
 * The event contract between the edges and the pure core (docs/architecture.md).
 *
 * One zod schema per event is both the TypeScript type (inferred) and the runtime
 * validator for anything crossing the boundary, so the two cannot drift.
 *
 * Normalization contract — every edge that produces an InputEvent keeps these rules:
 * - `side` of a venue trade is the AGGRESSOR's side. Venues that report the maker's side
 *   (Coinbase Exchange `match.side`) are inverted by their mapper.
 * - `ts_exchange_ms` is the venue's own event time, `ts_unix_ms` is our receive time;
 *   both are always present, integers, milliseconds since the Unix epoch.
 * - A book level with size 0 removes that level; a `book_snapshot` replaces the whole book
 *   of its token.
 * - Prices are numbers: BTC in dollars, Polymarket tokens as probabilities in (0, 1).
 * - No invented defaults or coercions that no real message shows: a field a venue does
 *   not send is not made up by the mapper (the frame is rejected instead).
 * - The core takes time only from `ts_unix_ms` of its inputs; `timer` inputs let time
 *   advance when nothing else arrives.
 */
import { z } from 'zod';

const tsMs = z.number().int().nonnegative();
const positive = z.number().finite().positive();
const probability = z.number().finite().gt(0).lt(1);

export const SideSchema = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof SideSchema>;

export const OutcomeSchema = z.enum(['Up', 'Down']);
export type Outcome = z.infer<typeof OutcomeSchema>;

/**
 * A source's state. `blocked`: the venue refused us where we connect from (HTTP 451/403 on
 * the upgrade), retried rarely; `rate_limited`: the source answered HTTP 429 and we wait for
 * its retry time. Both were added after the first four, so older captures never carry them.
 */
export const FeedStateSchema = z.enum(['connecting', 'live', 'stale', 'down', 'blocked', 'rate_limited']);
export type FeedState = z.infer<typeof FeedStateSchema>;

export const MarketFamilySchema = z.enum(['5m', '15m', '1h', '4h', '1d']);
export type MarketFamily = z.infer<typeof MarketFamilySchema>;

/** One price level: [price, size]. Tuples keep books compact and cheap to copy. */
export const LevelSchema = z.tuple([probability, z.number().finite().nonnegative()]);
export type Level = z.infer<typeof LevelSchema>;

export const FeeScheduleSchema = z.object({
  /** Taker fee rate; fee = shares × rate × (p × (1 − p))^exponent. 0 = fee-free market. */
  rate: z.number().finite().nonnegative(),
  exponent: z.number().finite().nonnegative(),
  taker_only: z.boolean(),
  /**
   * Share of the taker fee paid back to the resting (maker) side of a match
   * (`feeSchedule.rebateRate` on Gamma). Absent = 0: no rebate. Optional: added later.
   */
  rebate_rate: z.number().finite().min(0).max(1).optional(),
});
export type FeeSchedule = z.infer<typeof FeeScheduleSchema>;

/** The Chainlink TWAP lookbacks Polymarket's short crypto windows resolve on (seconds). */
export const TwapLookbackSchema = z.union([z.literal(30), z.literal(60)]);
export type TwapLookback = z.infer<typeof TwapLookbackSchema>;

export const ResolutionRuleSchema = z.object({
  /**
   * What the market compares: end ≥ start of a price stream, a candle close ≥ open,
   * (`twap_gte_start`) the Chainlink-computed TWAP over `lookback_s` at the end ≥ at the start,
   * or (`minute_close_vs_close`, the daily markets) the close of the 1-minute candle that opens
   * at each edge: Up when the end's is higher, Down when lower, 50-50 when equal.
   */
  rule: z.enum(['end_gte_start', 'avg60_gte_start', 'candle_close_gte_open', 'twap_gte_start', 'minute_close_vs_close']),
  source: z.enum(['chainlink', 'binance', 'sim']),
  /** `twap_gte_start` only: the TWAP's lookback. */
  lookback_s: TwapLookbackSchema.optional(),
});
export type ResolutionRule = z.infer<typeof ResolutionRuleSchema>;

export const MarketTokenSchema = z.object({ token_id: z.string().min(1), outcome: OutcomeSchema });
export type MarketToken = z.infer<typeof MarketTokenSchema>;

export const MarketInfoSchema = z.object({
  market_id: z.string().min(1),
  slug: z.string(),
  question: z.string(),
  family: MarketFamilySchema,
  window_start_ms: tsMs,
  window_end_ms: tsMs,
  tokens: z.tuple([MarketTokenSchema, MarketTokenSchema]),
  tick_size: probability,
  min_size: z.number().finite().nonnegative(),
  fee: FeeScheduleSchema,
  resolution: ResolutionRuleSchema,
  /** The reference level the window must end at or above for Up; null until known. */
  price_to_beat: positive.nullable(),
  /**
   * True when the price to beat is an estimate: read from a fallback (Chainlink spot averaged
   * over the lookback while its TWAP was unavailable) or from the venue median.
   */
  price_to_beat_estimated: z.boolean(),
  /**
   * True when `price_to_beat` is Polymarket's own number (Gamma `eventMetadata.priceToBeat`),
   * which wins over any reading of ours. Optional: added later (absent = not official).
   */
  price_to_beat_official: z.boolean().optional(),
  /** Polymarket's own closing number (Gamma `eventMetadata.finalPrice`) once published. */
  final_price: positive.nullable().optional(),
  /**
   * How long the exchange holds an order that would match on entry before matching it (the
   * taker delay of crypto up/down markets), from the market's metadata. Absent: the
   * execution's configured default applies (core/fees.ts CRYPTO_TAKER_DELAY_MS). Optional: added later.
   */
  taker_delay_ms: z.number().int().nonnegative().optional(),
});
export type MarketInfo = z.infer<typeof MarketInfoSchema>;

// ---------------------------------------------------------------- inputs

/**
 * The aggressor side of a venue trade. `unknown` only when the venue's frame carries no side
 * at all (the minimal Coinbase `match` frame in the live-feed issue's seed case); a mapper never
 * guesses a side. Only `px` and the timestamps feed the median.
 */
export const TradeSideSchema = z.enum(['buy', 'sell', 'unknown']);
export type TradeSide = z.infer<typeof TradeSideSchema>;

export const VenueTradeSchema = z.object({
  event_type: z.literal('venue_trade'),
  venue: z.string().min(1),
  symbol: z.string().min(1),
  px: positive,
  qty: positive,
  side: TradeSideSchema,
  trade_id: z.string().min(1),
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs,
});
export type VenueTrade = z.infer<typeof VenueTradeSchema>;

/**
 * The `venue_status` source the run's own journal reports as (src/app/session.ts): `down`
 * once a write failed. The engine then stops new risk for the rest of the run; it is an
 * input, so a capture and its replay see the same halt.
 */
export const JOURNAL_SOURCE = 'journal';

export const VenueStatusSchema = z.object({
  event_type: z.literal('venue_status'),
  /** A venue name (`coinbase`) or a Polymarket source (`polymarket_ws`, `gamma`, `rtds`). */
  source: z.string().min(1),
  state: FeedStateSchema,
  reason: z.string().nullable(),
  messages: z.number().int().nonnegative(),
  trades: z.number().int().nonnegative(),
  parse_errors: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  reconnects: z.number().int().nonnegative(),
  last_message_ts_ms: tsMs.nullable(),
  /** Gaps seen in the venue's sequence numbers (where it has them). Optional: added later. */
  seq_gaps: z.number().int().nonnegative().optional(),
  /** The most recent error (connection, refusal, venue error), kept after recovery. */
  last_error: z.string().nullable().optional(),
  /** While the source waits to retry: ms from `ts_unix_ms` until the next attempt (null: not waiting). */
  next_retry_ms: z.number().int().nonnegative().nullable().optional(),
  /** Named counters of the source (markets rejected by reason, results refused, fallbacks, …). */
  counts: z.record(z.string(), z.number().int().nonnegative()).optional(),
  ts_unix_ms: tsMs,
});
export type VenueStatus = z.infer<typeof VenueStatusSchema>;

export const MarketDiscoveredInputSchema = z.object({
  event_type: z.literal('market_discovered'),
  market: MarketInfoSchema,
  ts_unix_ms: tsMs,
});
export type MarketDiscoveredInput = z.infer<typeof MarketDiscoveredInputSchema>;

export const MarketClosedSchema = z.object({
  event_type: z.literal('market_closed'),
  market_id: z.string().min(1),
  ts_unix_ms: tsMs,
});
export type MarketClosed = z.infer<typeof MarketClosedSchema>;

export const BookSnapshotSchema = z.object({
  event_type: z.literal('book_snapshot'),
  market_id: z.string().min(1),
  token_id: z.string().min(1),
  bids: z.array(LevelSchema),
  asks: z.array(LevelSchema),
  tick_size: probability.optional(),
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs,
});
export type BookSnapshot = z.infer<typeof BookSnapshotSchema>;

export const BookChangeSchema = z.object({
  side: z.enum(['bid', 'ask']),
  px: probability,
  size: z.number().finite().nonnegative(),
});
export type BookChange = z.infer<typeof BookChangeSchema>;

export const BookDeltaSchema = z.object({
  event_type: z.literal('book_delta'),
  market_id: z.string().min(1),
  token_id: z.string().min(1),
  changes: z.array(BookChangeSchema),
  /** Set when the venue announced a new tick size (`tick_size_change`). */
  tick_size: probability.optional(),
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs,
});
export type BookDelta = z.infer<typeof BookDeltaSchema>;

/**
 * Where a reference print comes from: Chainlink BTC/USD spot, its Chainlink-computed 30 s /
 * 60 s TWAP (as relayed by Polymarket's data sockets), Binance BTC/USDT, the simulator, or
 * (`pyth`) PolyBolt's default `price.crypto` spot, which is Pyth, not Chainlink — no rule
 * reads it. `pyth` was added later, so older captures never carry it.
 */
export const ReferenceSourceSchema = z.enum(['chainlink', 'binance', 'sim', 'chainlink_twap30', 'chainlink_twap60', 'pyth']);
export type ReferenceSource = z.infer<typeof ReferenceSourceSchema>;

export const ReferencePriceSchema = z.object({
  event_type: z.literal('reference_price'),
  source: ReferenceSourceSchema,
  symbol: z.string().min(1),
  px: positive,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs,
});
export type ReferencePrice = z.infer<typeof ReferencePriceSchema>;

export const MarketResolvedSchema = z.object({
  event_type: z.literal('market_resolved'),
  market_id: z.string().min(1),
  winning_token_id: z.string().min(1),
  winning_outcome: OutcomeSchema,
  /** `official` = Polymarket's own result; `own` = our reading of the resolution source. */
  source: z.enum(['official', 'own']),
  /** `own` only: read from a fallback (Chainlink spot instead of its unavailable TWAP), not the rule's own source. */
  estimated: z.boolean().optional(),
  /**
   * A 50-50 result (a daily market whose two closes are equal): every share of either token
   * pays 0.5. `winning_token_id` / `winning_outcome` then name the Up token by convention.
   */
  split: z.boolean().optional(),
  ts_unix_ms: tsMs,
});
export type MarketResolved = z.infer<typeof MarketResolvedSchema>;

/**
 * A trade printed on a Polymarket token (the CLOB market channel's `last_trade_price`,
 * docs.polymarket.com/market-data/websocket/market-channel, read 2026-11). The tape: the
 * engine fills resting paper orders from it (paper/queue.ts) and analytics confirms fills
 * with it. `side` is the side the venue reports for the print; neither reader relies on it
 * (a print at or through a price is volume at that price whichever side the venue names).
 */
export const MarketTradeSchema = z.object({
  event_type: z.literal('market_trade'),
  market_id: z.string().min(1),
  token_id: z.string().min(1),
  px: probability,
  qty: positive,
  side: SideSchema,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs,
});
export type MarketTrade = z.infer<typeof MarketTradeSchema>;

export const TimerSchema = z.object({ event_type: z.literal('timer'), ts_unix_ms: tsMs });
export type Timer = z.infer<typeof TimerSchema>;

export const InputEventSchema = z.discriminatedUnion('event_type', [
  VenueTradeSchema,
  VenueStatusSchema,
  MarketDiscoveredInputSchema,
  MarketClosedSchema,
  BookSnapshotSchema,
  BookDeltaSchema,
  ReferencePriceSchema,
  MarketResolvedSchema,
  MarketTradeSchema,
  TimerSchema,
]);
export type InputEvent = z.infer<typeof InputEventSchema>;
export type InputEventType = InputEvent['event_type'];
