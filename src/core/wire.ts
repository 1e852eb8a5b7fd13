/**
 * Response and query schemas of the REST API. Each zod schema is both the route's
 * declared response (served as OpenAPI) and the type LabState builds, so the served JSON
 * and the documentation cannot drift. Event payloads reuse the core's output schemas.
 */
import { z } from 'zod';
import { RUN_MODES } from './outputs.ts';
import { FeedStateSchema, MarketInfoSchema, OutcomeSchema } from './events.ts';
import {
  BtcMedianSchema,
  FeedHealthSchema,
  PaperFillSchema,
  PnlSchema,
  PositionSchema,
  RiskRejectSchema,
  SettlementSchema,
} from './outputs.ts';

const tsMs = z.number().int().nonnegative();
export const RunModeSchema = z.enum(RUN_MODES);
export type RunMode = z.infer<typeof RunModeSchema>;

/** The coded error body every non-2xx answer carries (STYLE: errors are a catalogue). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(['NOT_FOUND', 'BAD_REQUEST', 'FORBIDDEN', 'NOT_READY', 'INTERNAL']),
    message: z.string(),
    /** The query field that failed validation, when there is one. */
    field: z.string().nullable(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const ReferenceStateSchema = z.object({
  live: z.boolean(),
  px_median: z.number().nullable(),
  px_spread_bps: z.number().nullable(),
  venue_count: z.number().int().nonnegative(),
  /** Input time since the last median, measured against the newest event seen. */
  age_ms: z.number().int().nonnegative().nullable(),
});

export const FeedWarningSchema = z.object({
  kind: z.literal('basis'),
  source: z.string(),
  last_bps: z.number(),
  warn_bps: z.number(),
  message: z.string(),
});
export type FeedWarning = z.infer<typeof FeedWarningSchema>;

export const FeedHealthResponseSchema = z.object({
  mode: RunModeSchema,
  sources: z.array(FeedHealthSchema.omit({ event_type: true })),
  venues_contributing: z.number().int().nonnegative(),
  reference: ReferenceStateSchema,
  /** Worst state among Polymarket sources; null while none has reported. */
  polymarket_state: FeedStateSchema.nullable(),
  /** Markets with at least one live book (a `live` row of `books`); the `polymarket_ws` row's line and `counts.books_live` count the live rows themselves. */
  books_live: z.number().int().nonnegative(),
  /** Per token of every active market: when its book last changed and how long ago (input time). */
  books: z.array(
    z.object({
      market_id: z.string(),
      slug: z.string(),
      token_id: z.string(),
      outcome: OutcomeSchema,
      last_update_ms: tsMs.nullable(),
      age_ms: z.number().int().nonnegative().nullable(),
      /** Shows a bid or ask, changed within the book age limit, and the market socket is live. */
      live: z.boolean(),
    }),
  ),
  ts_unix_ms: tsMs.nullable(),
  /** The book age limit behind each `live` above (POLYLAB_RISK_MAX_BOOK_AGE_MS), so the dashboard judges its books alike. Optional: added later. */
  book_max_age_ms: z.number().int().positive().optional(),
  /** Warnings from the trust analytics: each resolution source whose latest basis to the venue median is above the threshold (docs/methodology.md §8). */
  warnings: z.array(FeedWarningSchema),
});
export type FeedHealthResponse = z.infer<typeof FeedHealthResponseSchema>;

export const TokenQuoteSchema = z.object({
  token_id: z.string(),
  outcome: OutcomeSchema,
  best_bid: z.number().nullable(),
  best_ask: z.number().nullable(),
  mid: z.number().nullable(),
  /** Shares on each side of the book (absent until the first quote). */
  bid_depth: z.number().nonnegative().optional(),
  ask_depth: z.number().nonnegative().optional(),
  ts_unix_ms: tsMs.nullable(),
  /** The engine's fair value of this token in its latest signal (the strategy's own number), and that signal's time. */
  fair: z.number().optional(),
  fair_ts_ms: tsMs.optional(),
});
export type TokenQuote = z.infer<typeof TokenQuoteSchema>;

export const MarketViewSchema = z.object({
  market: MarketInfoSchema,
  quotes: z.array(TokenQuoteSchema),
  discovered_ms: tsMs,
});
export type MarketView = z.infer<typeof MarketViewSchema>;

export const MarketsResponseSchema = z.object({ markets: z.array(MarketViewSchema) });
export const PositionsResponseSchema = z.object({ positions: z.array(PositionSchema) });

/** A working paper order: waiting for its latency (`queue_ahead_qty` null) or resting in its price level's queue. */
export const WorkingOrderSchema = z.object({
  intent_id: z.string(),
  market_id: z.string(),
  token_id: z.string(),
  outcome: OutcomeSchema,
  side: z.enum(['buy', 'sell']),
  limit_px: z.number(),
  tif: z.enum(['FOK', 'IOC', 'GTC']),
  /** Unfilled shares. */
  remaining_qty: z.number().nonnegative(),
  /** Shares shown ahead of it at its price under the configured queue model (and the other model). */
  queue_ahead_qty: z.number().nonnegative().nullable(),
  queue_ahead_alt_qty: z.number().nonnegative().nullable(),
  queue_model: z.enum(['conservative', 'probabilistic']).nullable(),
  since_ms: z.number().int().nonnegative(),
});
export type WorkingOrder = z.infer<typeof WorkingOrderSchema>;
export const OrdersResponseSchema = z.object({ orders: z.array(WorkingOrderSchema) });
export const FillsResponseSchema = z.object({ fills: z.array(PaperFillSchema), total: z.number().int().nonnegative() });
export const RejectsResponseSchema = z.object({
  rejects: z.array(RiskRejectSchema),
  /** Reject events: one per reject episode or order-level refusal. */
  total: z.number().int().nonnegative(),
  by_reason: z.record(z.string(), z.number().int().nonnegative()),
  /** Every refusal, the repeats inside episodes included (an open episode counts what has ended or its first). */
  occurrences: z.number().int().nonnegative(),
  occurrences_by_reason: z.record(z.string(), z.number().int().nonnegative()),
});
export const PnlResponseSchema = z.object({ pnl: PnlSchema.nullable() });

export const RunInfoSchema = z.object({
  run_id: z.string(),
  mode: RunModeSchema,
  seed: z.number().int().nullable(),
  strategy: z.string(),
  started_ms: tsMs,
  stopped_ms: tsMs.nullable(),
  fills: z.number().int().nonnegative(),
  rejects: z.number().int().nonnegative(),
  settlements: z.number().int().nonnegative(),
  current: z.boolean(),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;
export const RunsResponseSchema = z.object({ runs: z.array(RunInfoSchema) });

export const HealthzResponseSchema = z.object({ status: z.literal('ok'), uptime_s: z.number().nonnegative() });
export const ReadyzResponseSchema = z.object({
  ready: z.boolean(),
  reference_live: z.boolean(),
  books_live: z.number().int().nonnegative(),
  reason: z.string().nullable(),
});
export type ReadyzResponse = z.infer<typeof ReadyzResponseSchema>;

/** Query strings arrive as text: coerce, then bound, so `limit=abc` and `limit=-1` are 400s. */
export const LIMIT_MAX = 1000;
export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(100),
  market_id: z.string().min(1).max(200).optional(),
});

/** The short past of the current run (history.ts), oldest first, each series bounded. */
export const DashboardHistorySchema = z.object({
  last_median: BtcMedianSchema.nullable(),
  median: z.array(z.object({ ts_unix_ms: tsMs, px: z.number() })),
  equity: z.array(z.object({ ts_unix_ms: tsMs, equity: z.number(), realized: z.number(), fees: z.number() })),
  /** Cumulative reject counts by reason, sampled. */
  rejects: z.array(z.object({ ts_unix_ms: tsMs, by_reason: z.record(z.string(), z.number().int().nonnegative()) })),
  settlements: z.array(SettlementSchema),
  /** Decision time of recent intents, by intent id: a fill's latency is its time minus this. */
  intent_ms: z.record(z.string(), tsMs),
});
export type DashboardHistory = z.infer<typeof DashboardHistorySchema>;

/** What every WebSocket client receives first: enough state to draw the dashboard. */
export const WsSnapshotSchema = z.object({
  mode: RunModeSchema,
  run: RunInfoSchema.nullable(),
  feed_health: FeedHealthResponseSchema,
  markets: z.array(MarketViewSchema),
  positions: z.array(PositionSchema),
  recent_fills: z.array(PaperFillSchema),
  pnl: PnlSchema.nullable(),
  recent_rejects: z.array(RiskRejectSchema),
  rejects_by_reason: z.record(z.string(), z.number().int().nonnegative()),
  history: DashboardHistorySchema,
  /** Working paper orders with their queue position (as `GET /working-orders`). Optional: added later. */
  orders: z.array(WorkingOrderSchema).optional(),
});
export type WsSnapshot = z.infer<typeof WsSnapshotSchema>;
export const WsConnectedSchema = z.object({ event_type: z.literal('connected'), snapshot: WsSnapshotSchema, ts_unix_ms: tsMs });

/** The only message a client may send; anything else closes that client's socket. */
export const WsClientMessageSchema = z.object({ op: z.literal('ping') }).strict();
