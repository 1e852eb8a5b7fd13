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
import type { VenueTrade } from '../core/events.ts';
import { clip, decimalString, invalid, isObject, isoMs, parseObject, safeInt, type Json } from './guards.ts';
import { decimalAt, integerString } from './fields.ts';
import { FrameScanner } from './scan.ts';
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
    event_type: 'venue_trade',
    venue: 'coinbase',
    symbol,
    px,
    qty,
    side,
    trade_id: tradeId !== null ? integerString(tradeId) : `${String(m.time)}/${String(m.price)}/${String(m.size)}`,
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
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

/** The reference mapper: JSON.parse, then the guards. `parseCoinbase` must always agree with it. */
export function parseCoinbaseReference(frame: string, recvMs: number, symbol: string): ParseResult {
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

// ---- Guarded scanner for the hot frame (see scan.ts for why and for the rules) ----

const scan = new FrameScanner();

/** Every match Coinbase sends starts so (coinbase_match.json); anything else goes to the reference. */
const MATCH_PREFIX = '{"type":"match",';
const TRADE_ID = 1;
const MAKER_ORDER_ID = 2;
const TAKER_ORDER_ID = 4;
const SIDE = 8;
const SIZE = 16;
const PRICE = 32;
const PRODUCT_ID = 64;
const SEQUENCE = 128;
const TIME = 256;
/** The fields the reference reads; without one of them it takes another branch, so we defer. */
const REQUIRED = TRADE_ID | SIDE | SIZE | PRICE | PRODUCT_ID | TIME;

/** The key starting at `i` as one of the flags above, 0 if unknown; its text is `"key":`. */
function matchKey(s: string, i: number): number {
  switch (s.charCodeAt(i + 1)) {
    case 116 /* t */:
      return scan.keyAt(s, i, '"trade_id":')
        ? TRADE_ID
        : scan.keyAt(s, i, '"time":')
          ? TIME
          : scan.keyAt(s, i, '"taker_order_id":')
            ? TAKER_ORDER_ID
            : 0;
    case 109 /* m */:
      return scan.keyAt(s, i, '"maker_order_id":') ? MAKER_ORDER_ID : 0;
    case 115 /* s */:
      return scan.keyAt(s, i, '"side":') ? SIDE : scan.keyAt(s, i, '"size":') ? SIZE : scan.keyAt(s, i, '"sequence":') ? SEQUENCE : 0;
    case 112 /* p */:
      return scan.keyAt(s, i, '"price":') ? PRICE : scan.keyAt(s, i, '"product_id":') ? PRODUCT_ID : 0;
    default:
      return 0;
  }
}

/** Length of each key with its quotes and colon: where its value starts. */
function keyChars(key: number): number {
  switch (key) {
    case TRADE_ID:
      return 11;
    case MAKER_ORDER_ID:
    case TAKER_ORDER_ID:
      return 17;
    case SIDE:
    case SIZE:
    case TIME:
      return 7;
    case PRICE:
      return 8;
    case PRODUCT_ID:
      return 13;
    default:
      return 11; // SEQUENCE
  }
}

/** A `match` frame read without JSON.parse, or null when the reference must decide. */
export function scanCoinbaseMatch(s: string, recvMs: number, symbol: string): ParseResult | null {
  if (!s.startsWith(MATCH_PREFIX) || !scan.isPlain(symbol)) return null;
  let seen = 0;
  let px = 0;
  let qty = 0;
  let tsMs = -1;
  let tradeId = 0;
  let side: 'buy' | 'sell' = 'buy';
  let tradeIdText = '';
  let at = MATCH_PREFIX.length;
  for (;;) {
    const key = matchKey(s, at);
    if (key === 0 || (seen & key) !== 0) return null;
    seen |= key;
    const v = at + keyChars(key);
    if (key === TRADE_ID || key === SEQUENCE) {
      at = scan.integerEnd(s, v);
      if (at < 0) return null;
      if (key === TRADE_ID) {
        tradeId = scan.num;
        // The digits of a JSON integer without leading zero below 2^53 are String(id) itself.
        tradeIdText = s.slice(v, at);
      }
    } else if (key === SIDE) {
      // Maker side → aggressor side, as in parseMatch.
      if (scan.quotedAt(s, v, 'sell')) side = 'buy';
      else if (scan.quotedAt(s, v, 'buy')) side = 'sell';
      else return null;
      at = v + (side === 'buy' ? 6 : 5);
    } else if (key === PRODUCT_ID) {
      if (!scan.quotedAt(s, v, symbol)) return null;
      at = v + symbol.length + 2;
    } else if (key === TIME) {
      at = scan.isoStringEnd(s, v);
      if (at < 0) return null;
      tsMs = scan.num;
    } else {
      at = scan.stringEnd(s, v);
      if (at < 0) return null;
      if (key === PRICE || key === SIZE) {
        const x = decimalAt(s, v + 1, at - 1);
        if (!(x > 0 && x < Number.POSITIVE_INFINITY)) return null;
        if (key === PRICE) px = x;
        else qty = x;
      }
    }
    const c = s.charCodeAt(at++);
    if (c === 125 /* } */) break;
    if (c !== 44 /* , */) return null;
  }
  if (at !== s.length || (seen & REQUIRED) !== REQUIRED) return null;
  const trade: VenueTrade = {
    event_type: 'venue_trade',
    venue: 'coinbase',
    symbol,
    px,
    qty,
    side,
    trade_id: tradeIdText,
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
  return { kind: 'trades', trades: [trade], seq: tradeId };
}

/** The scanner for the hot `match` frame, the reference path for every other frame. */
export function parseCoinbase(frame: string, recvMs: number, symbol: string): ParseResult {
  return scanCoinbaseMatch(frame, recvMs, symbol) ?? parseCoinbaseReference(frame, recvMs, symbol);
}

export const coinbase: VenueAdapter = {
  defaultUrl: 'wss://ws-feed.exchange.coinbase.com',
  defaultSymbol: 'BTC-USD',
  venue: 'coinbase',
  acksSubscription: true,
  subscribe: (symbol) => [JSON.stringify({ type: 'subscribe', product_ids: [symbol], channels: ['matches', 'heartbeat'] })],
  parse: parseCoinbase,
};
