/**
 * zod schemas of the Gamma responses discovery reads, and the tolerant reading of their
 * optional fields.
 *
 * Gamma quirks (fixtures gamma_market_btc_updown_5m*.json): `outcomes`, `outcomePrices`
 * and `clobTokenIds` are JSON arrays encoded as strings; `eventStartTime` is the window
 * start, `startDate` only the listing time; `endDate` the window end. Protocol V2 markets
 * add `version` and `positionIds` (outcomeIds.ts).
 *
 * Tolerance: numbers Gamma has been seen to send as numeric strings (fee schedule rate and
 * exponent, sizes, tick, price to beat, TWAP lookback) are accepted as such. A malformed
 * OPTIONAL field is dropped by `dropMalformed` — the market lives on without it and the
 * drop is counted — instead of sinking the whole market or event.
 *
 * Raw shapes (`Raw*`: what Gamma sends, the schemas' input) are declared apart from the
 * read ones (`GammaMarket`, `GammaEvent`: the schemas' output); discovery.ts maps those
 * to the core's normalized `MarketInfo`.
 */
import { z } from 'zod';

/** A number, or a string holding a plain decimal number ("0.07", "1", "1e-3"). */
export const NumberLike = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
      .transform(Number),
  ])
  .pipe(z.number().finite());

/** A JSON array of strings encoded inside a JSON string (`"[\"Up\", \"Down\"]"`). */
export const JsonStringArray = z.string().transform((text, ctx) => {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: 'not a JSON-encoded array of strings' });
  return z.NEVER;
});

/** ISO-8601 timestamp → ms since epoch. */
export const IsoMs = z.string().transform((text, ctx) => {
  const ms = Date.parse(text);
  if (Number.isFinite(ms)) return ms;
  ctx.addIssue({ code: 'custom', message: `not a timestamp: ${text}` });
  return z.NEVER;
});

/** Fields that decide whether a market is a candidate at all (checked before full parsing). */
export const GammaMarketFlagsSchema = z.object({
  slug: z.string(),
  question: z.string().optional(),
  active: z.boolean().optional(),
  closed: z.boolean().optional(),
  acceptingOrders: z.boolean().optional(),
  enableOrderBook: z.boolean().optional(),
  conditionId: z.string().optional(),
});

export const GammaFeeScheduleSchema = z.object({
  rate: NumberLike.pipe(z.number().nonnegative()),
  exponent: NumberLike.pipe(z.number().nonnegative()),
  takerOnly: z.boolean(),
  /**
   * Share of the taker fee paid back to makers (`rebateRate: 0.2` in the captured
   * gamma_market_btc_updown_5m_twap_feeSchedule.json, and on live `crypto_fees_v2` markets as
   * recorded in public research notes read through the `search` tool on 2026-12-06).
   * Optional: older schedules do not carry it.
   */
  rebateRate: NumberLike.pipe(z.number().min(0).max(1)).optional(),
});

export const GammaCryptoConfigSchema = z.object({
  twapEnabled: z.boolean().optional(),
  twapLookbackSeconds: NumberLike.optional(),
});

/**
 * The optional market fields, each dropped alone when malformed (see dropMalformed).
 *
 * No taker delay here: Gamma's market carries no field for it (checked 2026-12-06 through the
 * `search` tool: docs.polymarket.com Gamma market schema and Polymarket/py-sdk
 * models/gamma/market.py — its trading group has `secondsDelay`, a whole-second delay
 * before orders are processed that the up/down fixtures do not carry, fees and sizes,
 * nothing on takers). The documented per-market flag is the CLOB
 * market info's `itode` (wire/clobRestMessages.ts `ClobMarketInfoSchema`), which rollover.ts
 * reads once per new market into `taker_delay_ms`.
 */
export const OPTIONAL_MARKET_FIELDS = {
  description: z.string().nullish(),
  resolutionSource: z.string().nullish(),
  eventStartTime: IsoMs.nullish(),
  feesEnabled: z.boolean().nullish(),
  feeType: z.string().nullish(),
  feeSchedule: GammaFeeScheduleSchema.nullish(),
  cryptoMarketConfig: GammaCryptoConfigSchema.nullish(),
} as const;

/**
 * One Gamma market, as far as discovery needs it (unknown keys are dropped). The outcome
 * ids (`clobTokenIds`, `positionIds`) are chosen and checked by outcomeIds.ts, so they
 * stay raw here.
 */
export const GammaMarketSchema = z.object({
  id: z.string().min(1),
  conditionId: z.string().min(1),
  slug: z.string().min(1),
  question: z.string(),
  outcomes: JsonStringArray,
  clobTokenIds: z.unknown().optional(),
  positionIds: z.unknown().optional(),
  /** Protocol version ("v1" / "v2"); never dropped: an odd value rejects the market (outcomeIds.ts). */
  version: z.unknown().optional(),
  endDate: IsoMs,
  active: z.boolean(),
  closed: z.boolean(),
  acceptingOrders: z.boolean(),
  enableOrderBook: z.boolean(),
  orderPriceMinTickSize: NumberLike.pipe(z.number().positive()),
  orderMinSize: NumberLike.pipe(z.number().nonnegative()),
  ...OPTIONAL_MARKET_FIELDS,
});
/** A Gamma market as the venue sends it (arrays JSON-encoded in strings, numbers maybe strings). */
export type RawGammaMarket = z.input<typeof GammaMarketSchema>;
/** The same market read (arrays decoded, numbers numbers); discovery maps it to the core's `MarketInfo`. */
export type GammaMarket = z.infer<typeof GammaMarketSchema>;

export const GammaSeriesSchema = z.object({
  id: z.union([z.string(), z.number().int().transform(String)]),
  slug: z.string().nullish(),
  recurrence: z.string().nullish(),
});

/** The optional event fields, each dropped alone when malformed. */
export const OPTIONAL_EVENT_FIELDS = {
  id: z.string().optional(),
  slug: z.string().optional(),
  title: z.string().optional(),
  startTime: IsoMs.nullish(),
  eventMetadata: z
    .object({
      priceToBeat: NumberLike.pipe(z.number().positive()).nullish(),
      /** Polymarket's closing number, published after the window ends. */
      finalPrice: NumberLike.pipe(z.number().positive()).nullish(),
    })
    .nullish(),
  series: z.array(GammaSeriesSchema).nullish(),
} as const;

/**
 * One Gamma event. `markets` stays unknown[] so one malformed market does not sink its
 * siblings. `eventMetadata.priceToBeat` is filled by Gamma for crypto up/down events
 * some seconds after the window opens (seen in public client code and tests; not in our
 * fixtures), so it is optional and nullable.
 */
export const GammaEventSchema = z.object({
  ...OPTIONAL_EVENT_FIELDS,
  markets: z.array(z.unknown()).nullish(),
});
export type RawGammaEvent = z.input<typeof GammaEventSchema>;
export type GammaEvent = z.infer<typeof GammaEventSchema>;

/**
 * A copy of `raw` without the optional fields (of `fields`) whose value does not parse,
 * and their names. A non-object is returned as is (the full schema then rejects it).
 */
export function dropMalformed(raw: unknown, fields: Readonly<Record<string, z.ZodType>>): { value: unknown; dropped: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { value: raw, dropped: [] };
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const dropped: string[] = [];
  for (const [key, schema] of Object.entries(fields)) {
    if (!(key in copy) || schema.safeParse(copy[key]).success) continue;
    delete copy[key];
    dropped.push(key);
  }
  return { value: copy, dropped };
}
