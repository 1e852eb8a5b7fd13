/**
 * Pure readers of the CLOB REST bodies the lab GETs: `/book?token_id=…` (a token's full
 * book) and `/markets/<condition_id>` (a market's tokens with `winner` once resolved).
 * Raw shapes (as the venue sends them: zod schemas, `Raw*` types) apart from normalized
 * ones (`RestBook`).
 *
 * Shapes: docs.polymarket.com/trading/orderbook ("Response" example),
 * nautilus_trader test_data/clob_book_response.json and clob_market_closed_*.json (see
 * test/fixtures/polymarket/SOURCES.md). In /book every number is a string; bids come
 * ascending and asks descending (best last) — order does not matter to us.
 */
import { z } from 'zod';
import type { Level } from '../../core/events.ts';
import type { OfficialClaim } from '../../core/resolution.ts';
import { CRYPTO_TAKER_DELAY_MS } from '../../core/fees.ts';

const decimal = z
  .string()
  .regex(/^\d*\.?\d+$/)
  .transform(Number);
const LevelSchema = z.object({ price: decimal, size: decimal });

/**
 * The live API sends `timestamp` as a ms string; the docs example shows an ISO date, so
 * both are read (an unreadable one fails the body).
 */
const timestampMs = z.string().transform((s, ctx) => {
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `bad timestamp ${s}` });
    return z.NEVER;
  }
  return n;
});

/** A /book body as the venue sends it (every number a string). */
export const RestBookSchema = z.object({
  market: z.string(),
  asset_id: z.string().min(1),
  timestamp: timestampMs,
  bids: z.array(LevelSchema),
  asks: z.array(LevelSchema),
  tick_size: decimal.optional(),
  min_order_size: decimal.optional(),
  hash: z.string().optional(),
});

export type RawRestBook = z.input<typeof RestBookSchema>;

/** A /book body as the book keeper takes it: numbers, camelCase, levels as [price, size]. */
export interface RestBook {
  assetId: string;
  market: string;
  tsMs: number;
  bids: Level[];
  asks: Level[];
  tickSize: number | null;
  hash: string | null;
}

/** A validated /book body as the book keeper takes it (also used when replaying captured bodies). */
export function toRestBook(b: z.infer<typeof RestBookSchema>): RestBook {
  return {
    assetId: b.asset_id,
    market: b.market,
    tsMs: b.timestamp,
    tickSize: b.tick_size ?? null,
    hash: b.hash ?? null,
    bids: b.bids.map((l) => [l.price, l.size] as Level),
    asks: b.asks.map((l) => [l.price, l.size] as Level),
  };
}

export const RestMarketSchema = z.object({
  condition_id: z.string().min(1),
  closed: z.boolean(),
  /**
   * Set when the market resolved 50-50 (no token won). Documented on the CLOB market as
   * "Whether the market has equal 50/50 outcomes" (docs.polymarket.com/trading/clients/public,
   * getMarket; nautilus_polymarket ClobMarketResponse `is_50_50_outcome`), and read as "the
   * market is resolved" beside a `winner: true` token by public redeem code (both read
   * through the `search` tool on 2026-12-06). Optional: older bodies lack it.
   */
  is_50_50_outcome: z.boolean().optional(),
  tokens: z.array(
    z.object({ token_id: z.string().min(1), outcome: z.string(), winner: z.boolean().optional(), price: z.number().optional() }),
  ),
});
/** A /markets/<condition_id> body as the venue sends it; read as is (its fields are already typed JSON). */
export type RawRestMarket = z.input<typeof RestMarketSchema>;
export type RestMarket = z.infer<typeof RestMarketSchema>;

/** How close to 0.5 both token prices must be for a 50-50 (prices are on a 0.01 grid or finer). */
const HALF_TOLERANCE = 1e-9;

/**
 * The official result a closed /markets/<condition_id> body shows, or null while it shows
 * none: one token with `winner: true`; or a 50-50 — `is_50_50_outcome: true`, or no winner
 * and both tokens priced 0.5 while the flag is not explicitly false (a live 0.5/0.5 price on
 * a market that says it is not 50-50 is only a price).
 */
export function restOfficialClaim(m: RestMarket): OfficialClaim | null {
  if (!m.closed) return null;
  const token_ids = m.tokens.map((t) => t.token_id);
  const winners = m.tokens.filter((t) => t.winner === true);
  if (winners.length === 1) {
    const w = winners[0]!;
    return { market_id: m.condition_id, token_ids, winning_token_id: w.token_id, winning_outcome: w.outcome };
  }
  const halves =
    m.tokens.length === 2 && m.tokens.every((t) => t.winner !== true && t.price !== undefined && Math.abs(t.price - 0.5) < HALF_TOLERANCE);
  if (winners.length === 0 && (m.is_50_50_outcome === true || (halves && m.is_50_50_outcome !== false)))
    return { market_id: m.condition_id, token_ids, winning_token_id: '', winning_outcome: null, split: true };
  return null;
}

/**
 * `GET /clob-markets/<condition_id>` (CLOB market info), as far as the lab reads it: `itode`,
 * "Whether taker order delay is enabled for this market. When true, marketable orders are held
 * for the 250 ms taker-delay window before synchronous processing. This field is omitted when
 * false." (docs.polymarket.com/api-reference/markets/get-clob-market-info, read 2026-12-06
 * through the `search` tool; fixture clob_market_info_docs_example.json). Its other short-named
 * fields (tokens `t`, tick `mts`, fees `fd`, …) are not read here: Gamma gives them.
 */
export const ClobMarketInfoSchema = z.object({ itode: z.boolean().optional() });
export type RawClobMarketInfo = z.input<typeof ClobMarketInfoSchema>;

/** A market's taker delay from its CLOB market info: the documented 250 ms when `itode`, else none (0). */
export const takerDelayMsOf = (info: z.infer<typeof ClobMarketInfoSchema>): number => (info.itode === true ? CRYPTO_TAKER_DELAY_MS : 0);
