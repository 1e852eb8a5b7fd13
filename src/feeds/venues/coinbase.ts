/**
 * Coinbase Exchange public WebSocket feed (wss://ws-feed.exchange.coinbase.com), channels
 * `matches` (one message per trade) and `heartbeat` (one per second per product).
 *
 * Formats (sources):
 * - subscribe `{"type":"subscribe","product_ids":[…],"channels":[…]}` and the reply
 *   `{"type":"subscriptions","channels":[{"name","product_ids"}]}`: captures in
 *   test/fixtures/venues/coinbase_exchange_subscribe_request.json / _subscriptions.json
 *   (cryptofeed sample_data) and https://docs.cloud.coinbase.com/exchange/docs/websocket-overview.
 * - `match` / `last_match` (the last trade before we subscribed, sent once): captures in
 *   coinbase_match.json / coinbase_exchange_last_match.json. Prices and sizes are decimal
 *   strings, `time` is RFC 3339 with microseconds. The docs say "The side field indicates the
 *   maker order side. If the side is sell this indicates the maker was a sell order and the
 *   match is considered an up-tick" → the aggressor is the opposite side (tardis-node's
 *   Coinbase mapper does the same).
 * - `heartbeat` `{sequence,last_trade_id,product_id,time}`: docs "Heartbeat Channel"
 *   (coinbase_exchange_heartbeat_documented.json); "Heartbeats include sequence numbers and
 *   last trade IDs that can be used to verify that no messages were missed."
 * - `error` `{"type":"error","message":"Failed to subscribe","reason":"… is not a valid product"}`:
 *   docs ("Most failure cases trigger an error message") and client test suites quoting it.
 *
 * Sequence numbers: `sequence` counts every order event of the product (received, open,
 * done…), so a matches-only stream sees it jump (201390042 → 201390075 between the ticker
 * and match captures of one trade-id step). `trade_id` is what advances by one per trade
 * (1568267 → 1568268 in the same captures), so it is the sequence we check for gaps, and the
 * heartbeat's `last_trade_id` lets us notice trades missed during a quiet period.
 */
import type { VenueTrade } from '../../core/events.ts';
import { clip, decimalString, invalid, isObject, isoMs, parseObject, safeInt, type Json } from './guards.ts';
import { integerString } from './fields.ts';
import type { ParseResult, VenueAdapter } from './types.ts';

function parseMatch(m: Json, recvMs: number, symbol: string): ParseResult {
  const px = decimalString(m.price);
  const qty = decimalString(m.size);
  const tsMs = isoMs(m.time);
  if (px === null || px <= 0) return invalid(`${String(m.type)}: bad price ${clip(JSON.stringify(m.price) ?? 'undefined', 40)}`);
  if (qty === null || qty <= 0) return invalid(`${String(m.type)}: bad size`);
  if (tsMs === null) return invalid(`${String(m.type)}: bad time`);
  const product = m.product_id;
  if (product !== undefined && product !== symbol) return invalid(`${String(m.type)}: unexpected product ${clip(String(product), 40)}`);
  // `side` and `trade_id` are in every real match; the seed frame omits both, so an
  // absent field is reported honestly (side `unknown`, a key built from the frame's own
  // fields) while a present but malformed one rejects the frame.
  const makerSide = m.side;
  let side: VenueTrade['side'] = 'unknown';
  if (makerSide !== undefined) {
    if (makerSide !== 'buy' && makerSide !== 'sell') return invalid(`${String(m.type)}: bad side`);
    side = makerSide === 'sell' ? 'buy' : 'sell'; // maker side → aggressor side
  }
  const rawTradeId = m.trade_id;
  const tradeId = rawTradeId === undefined ? null : safeInt(rawTradeId);
  if (rawTradeId !== undefined && tradeId === null) return invalid(`${String(m.type)}: bad trade_id`);
  const trade: VenueTrade = {
    event_type: 'venue_trade', venue: 'coinbase', symbol, px, qty, side,
    trade_id: tradeId !== null ? integerString(tradeId) : `${String(m.time)}/${String(m.price)}/${String(m.size)}`,
    ts_exchange_ms: tsMs, ts_unix_ms: recvMs,
  };
  return tradeId !== null ? { kind: 'trades', trades: [trade], seq: tradeId } : { kind: 'trades', trades: [trade] };
}

/** The `subscriptions` reply acknowledges us only if `matches` lists our product. */
function parseSubscriptions(m: Json, symbol: string): ParseResult {
  if (!Array.isArray(m.channels)) return invalid('subscriptions: no channels');
  const matches = m.channels.find((c) => isObject(c) && c.name === 'matches');
  const products = isObject(matches) && Array.isArray(matches.product_ids) ? matches.product_ids : [];
  if (!products.includes(symbol)) {
    return { kind: 'error', message: `subscriptions reply does not list matches for ${symbol}`, subscription: true };
  }
  return { kind: 'ack', detail: `matches ${symbol}` };
}

function parseHeartbeat(m: Json, symbol: string): ParseResult {
  if (m.product_id !== symbol) return invalid(`heartbeat: unexpected product ${clip(String(m.product_id), 40)}`);
  const lastTradeId = safeInt(m.last_trade_id);
  return lastTradeId === null ? { kind: 'control', detail: 'heartbeat' } : { kind: 'control', detail: 'heartbeat', seq: lastTradeId };
}

function parseError(m: Json): ParseResult {
  const message = typeof m.message === 'string' ? m.message : 'error';
  const reason = typeof m.reason === 'string' ? `: ${m.reason}` : '';
  // "Failed to subscribe" is a refusal of our subscription; other errors (slow consumer…)
  // are reported and the socket's own close/staleness handling takes over.
  return { kind: 'error', message: clip(`${message}${reason}`), subscription: /subscri/i.test(message) };
}

export function parseCoinbase(frame: string, recvMs: number, symbol: string): ParseResult {
  const m = parseObject(frame);
  if (typeof m === 'string') return invalid(m);
  switch (m.type) {
    case 'match':
    case 'last_match':
      return parseMatch(m, recvMs, symbol);
    case 'heartbeat':
      return parseHeartbeat(m, symbol);
    case 'subscriptions':
      return parseSubscriptions(m, symbol);
    case 'error':
      return parseError(m);
    default:
      // The docs allow new types at any time; we count them rather than guess their meaning.
      return invalid(typeof m.type === 'string' ? `unknown type ${clip(m.type, 40)}` : 'missing type');
  }
}

export const coinbase: VenueAdapter = {
  venue: 'coinbase',
  acksSubscription: true,
  subscribe: (symbol) => [JSON.stringify({ type: 'subscribe', product_ids: [symbol], channels: ['matches', 'heartbeat'] })],
  parse: parseCoinbase,
};
