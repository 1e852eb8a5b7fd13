/**
 * Binance spot market streams (wss://stream.binance.com:9443/ws), `<symbol>@trade`.
 *
 * Formats (binance/binance-spot-api-docs `web-socket-streams.md`; frames in
 * test/fixtures/venues/binance_*.json):
 * - subscribe: {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}; reply
 *   {"result":null,"id":1}; a refused request gets {"error":{"code":2,"msg":"…"},"id":1}
 *   (the docs' error table also shows the bare form {"code":2,"msg":"…"}).
 * - trade:    {"e":"trade","E","s","t","p","q","T","m","M"}; `t` trade id, `T` trade time.
 * - aggTrade: {"e":"aggTrade","E","s","a","p","q","f","l","T","m","M"}; `a` the aggregate id.
 *   We subscribe to `trade` (one event per fill, so every print is seen at its own price);
 *   `aggTrade` is parsed too so a stream switch or a recording of it still maps.
 *   `m` = "is the buyer the market maker?": true means the seller was the aggressor.
 * - Combined streams (/stream?streams=…) wrap events as {"stream":"…","data":{…}}; the
 *   `!serverShutdown` notice arrives as {"e":"serverShutdown","E":…} (wrapped or not).
 * - Heartbeat: the server sends WebSocket protocol ping frames (every 20 s) which the ws
 *   library answers; there is no application-level ping.
 */
import type { VenueTrade } from '../core/events.ts';
import type { ParseResult, VenueAdapter } from './types.ts';
import { NOT_JSON, integerString, invalid, isCount, isPositive, isRecord, parseDecimal, parseJson, show, symbolMatches } from './fields.ts';

const VENUE = 'binance';

/** A `trade` or `aggTrade` event → one normalized trade; `idKey` is `t` or `a`. */
function mapTrade(ev: Record<string, unknown>, idKey: 't' | 'a', recvMs: number, symbol: string): ParseResult {
  const sym = ev.s;
  if (typeof sym !== 'string' || sym.length === 0) return invalid(`binance ${ev.e}: s is ${show(sym)}`);
  if (!symbolMatches(sym, symbol)) return invalid(`binance ${ev.e}: s ${sym} is not the configured ${symbol}`);
  const id = ev[idKey];
  if (!isCount(id)) return invalid(`binance ${ev.e}: ${idKey} ${show(id)} is not a trade id`);
  const px = parseDecimal(ev.p);
  if (!isPositive(px)) return invalid(`binance ${ev.e}: p ${show(ev.p)} is not a positive decimal`);
  const qty = parseDecimal(ev.q);
  if (!isPositive(qty)) return invalid(`binance ${ev.e}: q ${show(ev.q)} is not a positive decimal`);
  const tsMs = ev.T;
  if (!isCount(tsMs)) return invalid(`binance ${ev.e}: T ${show(tsMs)} is not a millisecond timestamp`);
  const buyerIsMaker = ev.m;
  if (typeof buyerIsMaker !== 'boolean') return invalid(`binance ${ev.e}: m is ${show(buyerIsMaker)}`);
  const trade: VenueTrade = {
    event_type: 'venue_trade',
    venue: VENUE,
    symbol: sym,
    px,
    qty,
    // The maker rested the order; the other party crossed the spread and is the aggressor.
    side: buyerIsMaker ? 'sell' : 'buy',
    trade_id: integerString(id),
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
  return { kind: 'trades', trades: [trade] };
}

/** Replies to our SUBSCRIBE request (they carry `id`, never `e`). */
function parseReply(msg: Record<string, unknown>): ParseResult | undefined {
  const err = msg.error;
  if (isRecord(err))
    return {
      kind: 'error',
      message: `binance error ${show(err.code)}: ${typeof err.msg === 'string' ? err.msg : show(err.msg)}`,
      subscription: true,
    };
  if (typeof msg.code === 'number' && typeof msg.msg === 'string')
    return { kind: 'error', message: `binance error ${msg.code}: ${msg.msg}`, subscription: true };
  if ('result' in msg && 'id' in msg) {
    // `null` is the documented success of SUBSCRIBE; a list answers LIST_SUBSCRIPTIONS.
    return msg.result === null
      ? { kind: 'ack', detail: `binance request ${show(msg.id)} ok` }
      : { kind: 'control', detail: 'binance request result' };
  }
  return undefined;
}

function parseEvent(ev: Record<string, unknown>, recvMs: number, symbol: string): ParseResult {
  const type = ev.e;
  if (type === 'trade') return mapTrade(ev, 't', recvMs, symbol);
  if (type === 'aggTrade') return mapTrade(ev, 'a', recvMs, symbol);
  // The server announces a restart ~10 min ahead; the socket layer reconnects when it closes.
  if (type === 'serverShutdown') return { kind: 'control', detail: 'binance serverShutdown announced' };
  if (typeof type === 'string') return { kind: 'control', detail: `binance ${type} event ignored` };
  // bookTicker events are the one documented stream payload without `e`.
  if (typeof ev.u === 'number' && typeof ev.b === 'string') return { kind: 'control', detail: 'binance bookTicker ignored' };
  return parseReply(ev) ?? invalid('binance: frame is neither an event nor a reply');
}

export const binance: VenueAdapter = {
  defaultUrl: 'wss://stream.binance.com:9443/ws',
  defaultSymbol: 'btcusdt',
  venue: VENUE,
  subscribe(symbol: string): string[] {
    // Stream names are lower case (docs: "All symbols for streams are lowercase").
    return [JSON.stringify({ method: 'SUBSCRIBE', params: [`${symbol.toLowerCase()}@trade`], id: 1 })];
  },
  acksSubscription: true,
  parse(frame: string, recvMs: number, symbol: string): ParseResult {
    const msg = parseJson(frame);
    if (msg === undefined) return NOT_JSON;
    if (!isRecord(msg)) return invalid(`binance: frame is ${show(msg)}, not a JSON object`);
    // Raw /ws frames (what we subscribe to) are events themselves: test that first.
    if (msg.e !== undefined) return parseEvent(msg, recvMs, symbol);
    if (typeof msg.stream === 'string') {
      const data = msg.data;
      if (!isRecord(data)) return invalid(`binance ${msg.stream}: data is ${show(data)}, not an object`);
      return parseEvent(data, recvMs, symbol);
    }
    return parseEvent(msg, recvMs, symbol);
  },
};
