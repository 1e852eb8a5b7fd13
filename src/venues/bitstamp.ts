/**
 * Bitstamp WebSocket API v2 (wss://ws.bitstamp.net), channel `live_trades_<pair>`.
 *
 * Formats (sources: https://www.bitstamp.net/websocket/v2/, captures from cryptofeed
 * sample_data/BITSTAMP.ws.1.0 in test/fixtures/venues/bitstamp_*.json, and client code that
 * handles the control events):
 * - subscribe `{"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}`, ack
 *   `{"event":"bts:subscription_succeeded","channel":"live_trades_btcusd","data":{}}`.
 * - trade `{"event":"trade","channel":"live_trades_ethusd","data":{"id":216000477,
 *   "timestamp":"1641343699","amount":0.0792,"price":3805.44,"type":0,
 *   "microtimestamp":"1641343699596000",…}}`; docs: "type: Trade type (0 - buy; 1 - sell)",
 *   the side of the taker order that made the trade. `id` is global across pairs, so there
 *   is no per-pair sequence to check for gaps.
 * - heartbeat: the client sends `{"event":"bts:heartbeat"}` (docs "Heartbeat"; Bitstamp
 *   closes idle connections) and gets `{"event":"bts:heartbeat","channel":"",
 *   "data":{"status":"success"}}` back.
 * - `{"event":"bts:request_reconnect","channel":"","data":""}`: the server is about to go
 *   away ("forced reconnection"); we reconnect at once instead of waiting for the close.
 * - `{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}`
 *   (also "Invalid channel provided.", "Incorrect JSON format.").
 */
import type { VenueTrade } from '../core/events.ts';
import { clip, invalid, isObject, parseObject, positiveNumber, safeInt, type Json } from './guards.ts';
import { integerString, parseCountString } from './fields.ts';
import type { ParseResult, VenueAdapter } from './types.ts';

const DIGITS = /^\d{1,17}$/;

/**
 * Bitstamp's decimal-string times → ms: `microtimestamp` (the precise one) else `timestamp`
 * (seconds); both are digit strings in every capture. Up to 16 digits are read by the shared
 * scanner in fields.ts; longer (up to 17) digit strings keep the regex + Number path.
 */
function tradeTimeMs(d: Json): number | null {
  const us = d.microtimestamp;
  if (typeof us === 'string') {
    const x = parseCountString(us);
    if (!Number.isNaN(x)) return Math.floor(x / 1000);
    if (DIGITS.test(us)) return Math.floor(Number(us) / 1000);
  }
  const s = d.timestamp;
  if (typeof s === 'string') {
    const x = parseCountString(s);
    if (!Number.isNaN(x)) return x * 1000;
    if (DIGITS.test(s)) return Number(s) * 1000;
  }
  return null;
}

function parseTrade(m: Json, recvMs: number, symbol: string): ParseResult {
  const d = m.data;
  if (!isObject(d)) return invalid('trade: missing data');
  const px = positiveNumber(d.price);
  const qty = positiveNumber(d.amount);
  const id = safeInt(d.id);
  if (px === null) return invalid('trade: bad price');
  if (qty === null) return invalid('trade: bad amount');
  if (id === null) return invalid('trade: bad id');
  const type = d.type;
  if (type !== 0 && type !== 1) return invalid('trade: bad type');
  const tsMs = tradeTimeMs(d);
  if (tsMs === null) return invalid('trade: bad timestamp');
  const trade: VenueTrade = {
    event_type: 'venue_trade',
    venue: 'bitstamp',
    symbol,
    px,
    qty,
    side: type === 0 ? 'buy' : 'sell',
    trade_id: integerString(id),
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
  return { kind: 'trades', trades: [trade] };
}

// One-entry cache: the channel name is the same for every frame of a connection, so it is
// built once rather than concatenated (and flattened for the comparison) per frame.
let cachedSymbol = '';
let cachedChannel = 'live_trades_';

function channelOf(symbol: string): string {
  if (symbol !== cachedSymbol) {
    cachedSymbol = symbol;
    cachedChannel = `live_trades_${symbol}`;
  }
  return cachedChannel;
}

function parseError(m: Json): ParseResult {
  const d = m.data;
  const message = isObject(d) && typeof d.message === 'string' ? d.message : 'bts:error';
  const code = isObject(d) && (typeof d.code === 'number' || typeof d.code === 'string') ? ` (code ${String(d.code)})` : '';
  // We send only the subscription and heartbeats; an error naming a channel or subscription
  // refuses the subscription, anything else is reported without tearing the stream down.
  return { kind: 'error', message: clip(`${message}${code}`), subscription: /subscri|channel/i.test(message) };
}

export function parseBitstamp(frame: string, recvMs: number, symbol: string): ParseResult {
  const m = parseObject(frame);
  if (typeof m === 'string') return invalid(m);
  const channel = channelOf(symbol);
  switch (m.event) {
    case 'trade':
      if (m.channel !== channel) return invalid(`trade on unexpected channel ${clip(String(m.channel), 60)}`);
      return parseTrade(m, recvMs, symbol);
    case 'bts:subscription_succeeded':
      return m.channel === channel
        ? { kind: 'ack', detail: channel }
        : { kind: 'control', detail: `subscribed ${clip(String(m.channel), 60)}` };
    case 'bts:unsubscription_succeeded':
      return { kind: 'control', detail: 'unsubscribed' };
    case 'bts:heartbeat':
      return { kind: 'pong' };
    case 'bts:request_reconnect':
      return { kind: 'control', detail: 'bts:request_reconnect', reconnect: true };
    case 'bts:error':
      return parseError(m);
    default:
      return invalid(typeof m.event === 'string' ? `unknown event ${clip(m.event, 40)}` : 'missing event');
  }
}

export const bitstamp: VenueAdapter = {
  defaultUrl: 'wss://ws.bitstamp.net',
  defaultSymbol: 'btcusd',
  venue: 'bitstamp',
  acksSubscription: true,
  subscribe: (symbol) => [JSON.stringify({ event: 'bts:subscribe', data: { channel: `live_trades_${symbol}` } })],
  // Bitstamp drops connections that stay quiet; a heartbeat every 10 s also gives us a reply
  // to measure liveness by when the market is slow.
  ping: { intervalMs: 10_000, frame: () => JSON.stringify({ event: 'bts:heartbeat' }) },
  parse: parseBitstamp,
};
