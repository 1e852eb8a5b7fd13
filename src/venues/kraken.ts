/**
 * Kraken Spot WebSocket v2 (wss://ws.kraken.com/v2), channel `trade`.
 *
 * Formats (sources):
 * - subscribe `{"method":"subscribe","params":{"channel":"trade","symbol":[…],"snapshot":…}}`:
 *   https://docs.kraken.com/exchange/api-reference/spot-websocket-v2/trade
 *   (kraken_v2_subscribe_request_documented.json).
 * - ack `{"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":"BTC/USD"},
 *   "success":true,…}` and refusal `{"error":"Currency pair not supported XBT/USD",
 *   "method":"subscribe","success":false,…}`: live captures kraken_v2_subscribe_ack.json /
 *   kraken_v2_subscribe_error.json.
 * - trades `{"channel":"trade","type":"update"|"snapshot","data":[{symbol,side,price,qty,
 *   ord_type,trade_id,timestamp}]}`: capture kraken_v2_trade.json and the documented
 *   snapshot. Prices and sizes are JSON numbers; `side` is the taker's side (Kraken's schema:
 *   "Taker order direction"); `trade_id` is "Sequence number unique per trading book", so it
 *   is our gap check.
 * - `{"channel":"heartbeat"}` about once a second when nothing else is sent (docs
 *   "Heartbeat": sent automatically once subscribed) and `{"channel":"status",…}` on connect.
 *   Kraken needs no client ping while heartbeats flow; `{"method":"pong"}` answers a ping.
 *
 * We subscribe with `snapshot: false`: a snapshot replays the last 50 trades, and stamping
 * history with our receive time would make old prints look fresh to the median. A snapshot
 * that arrives anyway is acknowledged as control and ignored.
 */
import type { VenueTrade } from '../core/events.ts';
import { clip, invalid, isObject, isoMs, parseObject, positiveNumber, safeInt, type Json } from './guards.ts';
import { integerString } from './fields.ts';
import { FrameScanner } from './scan.ts';
import type { ParseResult, VenueAdapter } from './types.ts';

function parseTradeItem(d: unknown, recvMs: number, symbol: string): VenueTrade | string {
  if (!isObject(d)) return 'trade: item is not an object';
  if (d.symbol !== symbol) return `trade: unexpected symbol ${clip(String(d.symbol), 40)}`;
  const px = positiveNumber(d.price);
  const qty = positiveNumber(d.qty);
  const tradeId = safeInt(d.trade_id);
  const tsMs = isoMs(d.timestamp);
  if (px === null) return 'trade: bad price';
  if (qty === null) return 'trade: bad qty';
  const side = d.side;
  if (side !== 'buy' && side !== 'sell') return 'trade: bad side';
  if (tradeId === null) return 'trade: bad trade_id';
  if (tsMs === null) return 'trade: bad timestamp';
  return {
    event_type: 'venue_trade',
    venue: 'kraken',
    symbol,
    px,
    qty,
    side,
    trade_id: integerString(tradeId),
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
}

function parseTrades(m: Json, recvMs: number, symbol: string): ParseResult {
  const data = m.data;
  if (!Array.isArray(data) || data.length === 0) return invalid('trade: empty data');
  if (m.type === 'snapshot') return { kind: 'control', detail: `snapshot of ${data.length} historical trades ignored` };
  if (m.type !== 'update') return invalid(`trade: unknown type ${clip(String(m.type), 40)}`);
  // Sized up front: `push` onto `[]` would allocate room for 17 trades, for the usual one.
  const trades = new Array<VenueTrade>(data.length);
  // One bad item rejects the frame: a partly valid frame points at a format change.
  for (let i = 0; i < data.length; i++) {
    const t = parseTradeItem(data[i], recvMs, symbol);
    if (typeof t === 'string') return invalid(t);
    trades[i] = t;
  }
  // The items passed safeInt, so their ids are numbers; read them back rather than re-parse
  // the id strings just built.
  const first = (data[0] as Json).trade_id as number;
  const last = (data[data.length - 1] as Json).trade_id as number;
  return { kind: 'trades', trades, seqFirst: first, seq: last };
}

function parseStatus(m: Json): ParseResult {
  const d = Array.isArray(m.data) ? m.data[0] : undefined;
  const system = isObject(d) && typeof d.system === 'string' ? d.system : 'unknown';
  return { kind: 'control', detail: `status: system ${clip(system, 40)}` };
}

function parseMethod(m: Json, symbol: string): ParseResult {
  if (m.method === 'pong') return { kind: 'pong' };
  if (m.success === false) {
    const error = typeof m.error === 'string' ? m.error : 'request refused';
    return { kind: 'error', message: clip(`${String(m.method)}: ${error}`), subscription: m.method === 'subscribe' };
  }
  if (m.method === 'subscribe' && m.success === true) {
    const r = m.result;
    if (isObject(r) && r.channel === 'trade' && r.symbol === symbol) return { kind: 'ack', detail: `trade ${symbol}` };
    return { kind: 'control', detail: 'subscribe ack for another channel' };
  }
  if (m.method === 'unsubscribe') return { kind: 'control', detail: 'unsubscribed' };
  return invalid(`unknown method ${clip(String(m.method), 40)}`);
}

/** The reference mapper: JSON.parse, then the guards. `parseKraken` must always agree with it. */
export function parseKrakenReference(frame: string, recvMs: number, symbol: string): ParseResult {
  const m = parseObject(frame);
  if (typeof m === 'string') return invalid(m);
  if (m.method !== undefined) return parseMethod(m, symbol);
  switch (m.channel) {
    case 'trade':
      return parseTrades(m, recvMs, symbol);
    case 'heartbeat':
      return { kind: 'control', detail: 'heartbeat' };
    case 'status':
      return parseStatus(m);
    default:
      return invalid(typeof m.channel === 'string' ? `unknown channel ${clip(m.channel, 40)}` : 'missing channel and method');
  }
}

// ---- Guarded scanner for the hot frame (see scan.ts for why and for the rules) ----

const scan = new FrameScanner();

/** Every trade update Kraken sends starts so (kraken_v2_trade.json); anything else goes to the reference. */
const UPDATE_PREFIX = '{"channel":"trade","type":"update","data":[{';
const SYMBOL = 1;
const SIDE = 2;
const PRICE = 4;
const QTY = 8;
const ORD_TYPE = 16;
const TRADE_ID = 32;
const TIMESTAMP = 64;
/** `ord_type` is not read by the reference, so it may be absent. */
const REQUIRED = SYMBOL | SIDE | PRICE | QTY | TRADE_ID | TIMESTAMP;

/** Where the last scanned item ended, and its trade id (numbers, not strings, for the gap check). */
let itemEnd = 0;
let itemTradeId = 0;

/** The key starting at `i` as one of the flags above, 0 if unknown; its text is `"key":`. */
function itemKey(s: string, i: number): number {
  switch (s.charCodeAt(i + 1)) {
    case 115 /* s */:
      return scan.keyAt(s, i, '"symbol":') ? SYMBOL : scan.keyAt(s, i, '"side":') ? SIDE : 0;
    case 112 /* p */:
      return scan.keyAt(s, i, '"price":') ? PRICE : 0;
    case 113 /* q */:
      return scan.keyAt(s, i, '"qty":') ? QTY : 0;
    case 111 /* o */:
      return scan.keyAt(s, i, '"ord_type":') ? ORD_TYPE : 0;
    case 116 /* t */:
      return scan.keyAt(s, i, '"trade_id":') ? TRADE_ID : scan.keyAt(s, i, '"timestamp":') ? TIMESTAMP : 0;
    default:
      return 0;
  }
}

/** Length of each key with its quotes and colon: where its value starts. */
const KEY_CHARS: Record<number, number> = { [SYMBOL]: 9, [SIDE]: 7, [PRICE]: 8, [QTY]: 6, [ORD_TYPE]: 11, [TRADE_ID]: 11, [TIMESTAMP]: 12 };

/** One trade object at `i` (its `{`), or null to defer to the reference. Sets `itemEnd`. */
function scanItem(s: string, i: number, recvMs: number, symbol: string): VenueTrade | null {
  let seen = 0;
  let px = 0;
  let qty = 0;
  let tsMs = -1;
  let side: 'buy' | 'sell' = 'buy';
  let tradeIdText = '';
  let at = i + 1;
  for (;;) {
    const key = itemKey(s, at);
    if (key === 0 || (seen & key) !== 0) return null;
    seen |= key;
    const v = at + (KEY_CHARS[key] as number);
    if (key === PRICE || key === QTY) {
      at = scan.plainNumberEnd(s, v);
      if (at < 0 || !(scan.num > 0)) return null;
      if (key === PRICE) px = scan.num;
      else qty = scan.num;
    } else if (key === TRADE_ID) {
      at = scan.integerEnd(s, v);
      if (at < 0) return null;
      itemTradeId = scan.num;
      // The digits of a JSON integer without leading zero below 2^53 are String(id) itself.
      tradeIdText = s.slice(v, at);
    } else if (key === SYMBOL) {
      if (!scan.quotedAt(s, v, symbol)) return null;
      at = v + symbol.length + 2;
    } else if (key === SIDE) {
      if (scan.quotedAt(s, v, 'buy')) side = 'buy';
      else if (scan.quotedAt(s, v, 'sell')) side = 'sell';
      else return null;
      at = v + side.length + 2;
    } else if (key === TIMESTAMP) {
      at = scan.isoStringEnd(s, v);
      if (at < 0) return null;
      tsMs = scan.num;
    } else {
      at = scan.stringEnd(s, v); // ord_type: any plain string, not read
      if (at < 0) return null;
    }
    const c = s.charCodeAt(at++);
    if (c === 125 /* } */) break;
    if (c !== 44 /* , */) return null;
  }
  if ((seen & REQUIRED) !== REQUIRED) return null;
  itemEnd = at;
  return {
    event_type: 'venue_trade',
    venue: 'kraken',
    symbol,
    px,
    qty,
    side,
    trade_id: tradeIdText,
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
}

/** A trade update read without JSON.parse, or null when the reference must decide. */
export function scanKrakenUpdate(s: string, recvMs: number, symbol: string): ParseResult | null {
  if (!s.startsWith(UPDATE_PREFIX) || !scan.isPlain(symbol)) return null;
  let at = UPDATE_PREFIX.length - 1;
  const first = scanItem(s, at, recvMs, symbol);
  if (first === null) return null;
  const trades = [first];
  const seqFirst = itemTradeId;
  at = itemEnd;
  // Items are separated by `,{`; the frame ends with `]}` and nothing after it.
  while (s.charCodeAt(at) === 44 /* , */ && s.charCodeAt(at + 1) === 123 /* { */) {
    const t = scanItem(s, at + 1, recvMs, symbol);
    if (t === null) return null;
    trades.push(t);
    at = itemEnd;
  }
  if (at + 2 !== s.length || s.charCodeAt(at) !== 93 /* ] */ || s.charCodeAt(at + 1) !== 125 /* } */) return null;
  return { kind: 'trades', trades, seqFirst, seq: itemTradeId };
}

/** The scanner for the hot trade update, the reference path for every other frame. */
export function parseKraken(frame: string, recvMs: number, symbol: string): ParseResult {
  return scanKrakenUpdate(frame, recvMs, symbol) ?? parseKrakenReference(frame, recvMs, symbol);
}

export const kraken: VenueAdapter = {
  defaultUrl: 'wss://ws.kraken.com/v2',
  defaultSymbol: 'BTC/USD',
  venue: 'kraken',
  acksSubscription: true,
  subscribe: (symbol) => [JSON.stringify({ method: 'subscribe', params: { channel: 'trade', symbol: [symbol], snapshot: false } })],
  parse: parseKraken,
};
