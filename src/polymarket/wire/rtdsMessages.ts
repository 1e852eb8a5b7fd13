/**
 * Pure parser and subscribe frames of Polymarket's real-time data socket (RTDS,
 * wss://ws-live-data.polymarket.com): one text frame + receive time → reference prices.
 *
 * Topics we read (every message is {topic, type, timestamp, payload}):
 * - `crypto_prices_chainlink`, symbol `btc/usd`: Chainlink BTC/USD spot. Docs:
 *   docs.polymarket.com/market-data/websocket/rtds; official client
 *   github.com/Polymarket/real-time-data-client (pings every 5 s).
 * - `crypto_prices`, symbol `btcusdt`: Binance BTC/USDT (the hourly markets' source).
 * - `crypto_prices_twap_thirty` / `crypto_prices_twap_sixty`, filter `{"symbol":"btc/usd"}`:
 *   the Chainlink-computed 30 s / 60 s TWAP the short crypto windows resolve on. Topic names
 *   and filter: docs.polymarket.com/migrate/rtds-to-polybolt (topic mapping table) and
 *   docs.polymarket.com/market-data/chainlink-twap (RTDS TWAP launch 2026-08-04; before it,
 *   "subscriptions may return `topic not found` and produce no events"), stored copies read
 *   2026-11-30. Payload {symbol, value, full_accuracy_value, timestamp, window_s}: a public
 *   TypeScript SDK's RTDS test (`CryptoPricesChainlinkTwapEventSchema`, repository not
 *   confirmed), and the PolyBolt migration page ("legacy TWAP frames used window_s and an
 *   E18 fixed-point price"). `full_accuracy_value` is the E18 integer; `value` the float,
 *   or itself E18-scaled (number or string), which is scaled back here.
 *
 * Frames are tolerant where the venue has been seen to vary: `value` may be a number or a
 * numeric string, and an E18-scaled `value` (> 1e12) is scaled back.
 */
import { z } from 'zod';
import type { ReferencePrice, ReferenceSource, TwapLookback } from '../../core/events.ts';

export const RTDS_PING_FRAME = 'PING';
export const RTDS_PING_INTERVAL_MS = 5_000;

/** Subscribe frame for Chainlink BTC/USD, verbatim from the docs (filters is a JSON string). */
export const RTDS_CHAINLINK_SUBSCRIBE = JSON.stringify({
  action: 'subscribe',
  subscriptions: [{ topic: 'crypto_prices_chainlink', type: '*', filters: JSON.stringify({ symbol: 'btc/usd' }) }],
});

/**
 * Binance prices: subscribed without a server-side filter and filtered here. The docs
 * show `filters: "solusdt,btcusdt,ethusdt"`, but a public report (dev.to, "Polymarket's
 * price WebSocket can stall while connected") found the live server rejecting that filter;
 * the unfiltered topic carries only a handful of symbols.
 */
export const RTDS_BINANCE_SUBSCRIBE = JSON.stringify({ action: 'subscribe', subscriptions: [{ topic: 'crypto_prices', type: 'update' }] });

export const TWAP_TOPICS: Readonly<Record<TwapLookback, string>> = Object.freeze({
  30: 'crypto_prices_twap_thirty',
  60: 'crypto_prices_twap_sixty',
});

/** Subscribe frame for one Chainlink TWAP topic, BTC/USD (same filter form as the spot topic). */
export function twapSubscribeFrame(lookbackS: TwapLookback): string {
  return JSON.stringify({
    action: 'subscribe',
    subscriptions: [{ topic: TWAP_TOPICS[lookbackS], type: '*', filters: JSON.stringify({ symbol: 'btc/usd' }) }],
  });
}

interface TopicSpec {
  symbol: string;
  source: ReferenceSource;
  outSymbol: string;
  windowS?: TwapLookback;
}

const TOPICS: Readonly<Record<string, TopicSpec>> = Object.freeze({
  crypto_prices_chainlink: { symbol: 'btc/usd', source: 'chainlink', outSymbol: 'BTC/USD' },
  crypto_prices: { symbol: 'btcusdt', source: 'binance', outSymbol: 'BTCUSDT' },
  crypto_prices_twap_thirty: { symbol: 'btc/usd', source: 'chainlink_twap30', outSymbol: 'BTC/USD', windowS: 30 },
  crypto_prices_twap_sixty: { symbol: 'btc/usd', source: 'chainlink_twap60', outSymbol: 'BTC/USD', windowS: 60 },
});

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);
const Point = z.object({
  timestamp: z.number().int().nonnegative(),
  value: numeric.optional(),
  full_accuracy_value: z.string().optional(),
  window_s: z.number().optional(),
});
const Payload = z.union([
  Point.extend({ symbol: z.string() }),
  // The snapshot sent right after subscribing: a list of recent points.
  z.object({ symbol: z.string(), data: z.array(Point) }),
]);
const RtdsMessageSchema = z.object({ topic: z.string(), type: z.string().optional(), payload: Payload });
/**
 * One RTDS message as the venue sends it ({topic, type, timestamp, payload}; `value` a
 * number or numeric string, possibly E18-scaled). What the lab reads it into is the core's
 * normalized `ReferencePrice` (dollars, our source and symbol names, receive time).
 */
export type RawRtdsMessage = z.input<typeof RtdsMessageSchema>;

export type RtdsParse =
  | { kind: 'prices'; prices: ReferencePrice[] }
  /** The server refused a subscription: the TWAP topics the frame names (empty: it named none). */
  | { kind: 'topic_not_found'; topics: string[]; text: string }
  /** A message of a topic or symbol we do not use (other coins, comments). */
  | { kind: 'ignored'; detail: string }
  | { kind: 'text'; text: string }
  | { kind: 'invalid'; reason: string };

const E18_ABOVE = 1e12;

/** A point's price in dollars, or null: `value` (scaled back if E18), else `full_accuracy_value`. */
function priceOf(p: z.infer<typeof Point>): number | null {
  if (p.value !== undefined) {
    const v = p.value > E18_ABOVE ? p.value / 1e18 : p.value;
    return Number.isFinite(v) && v > 0 ? v : null;
  }
  const fav = p.full_accuracy_value;
  if (fav === undefined || !/^\d+(\.\d+)?$/.test(fav)) return null;
  // An integer string is the E18 fixed-point price; a decimal one is dollars (Binance's form).
  const v = /^\d+$/.test(fav) && fav.length > 18 ? Number(fav) / 1e18 : Number(fav);
  return v > 0 ? v : null;
}

/** Pure: one RTDS text frame + receive time → reference prices (oldest first). */
export function parseRtdsFrame(text: string, recvMs: number): RtdsParse {
  const t = text.trim();
  if (/topic not found/i.test(t))
    return { kind: 'topic_not_found', topics: Object.values(TWAP_TOPICS).filter((n) => t.includes(n)), text: t.slice(0, 200) };
  if (!t.startsWith('{')) return { kind: 'text', text: t };
  let raw: unknown;
  try {
    raw = JSON.parse(t);
  } catch {
    return { kind: 'invalid', reason: 'bad JSON' };
  }
  const parsed = RtdsMessageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: parsed.error.issues[0]?.message ?? 'invalid message' };
  const m = parsed.data;
  const spec = TOPICS[m.topic];
  if (!spec) return { kind: 'ignored', detail: `topic ${m.topic}` };
  if (m.payload.symbol.toLowerCase() !== spec.symbol) return { kind: 'ignored', detail: `symbol ${m.payload.symbol}` };
  const points = 'data' in m.payload ? m.payload.data : [m.payload];
  const prices: ReferencePrice[] = [];
  for (const p of points) {
    if (spec.windowS !== undefined && p.window_s !== undefined && p.window_s !== spec.windowS)
      return { kind: 'invalid', reason: `${m.topic}: window_s ${p.window_s} is not ${spec.windowS}` };
    const px = priceOf(p);
    if (px === null) return { kind: 'invalid', reason: `${m.topic}: no usable value` };
    prices.push({
      event_type: 'reference_price',
      source: spec.source,
      symbol: spec.outSymbol,
      px,
      ts_exchange_ms: p.timestamp,
      ts_unix_ms: recvMs,
    });
  }
  return { kind: 'prices', prices: prices.sort((a, b) => a.ts_exchange_ms - b.ts_exchange_ms) };
}
