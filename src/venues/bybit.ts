/**
 * Bybit v5 public spot WebSocket (wss://stream.bybit.com/v5/public/spot), `publicTrade`.
 *
 * Formats (bybit-exchange/docs `docs/v5/websocket/public/trade.mdx` and
 * `docs/v5/websocket/wss-authentication.mdx`; frames in test/fixtures/venues/bybit_*.json):
 * - subscribe: {"op":"subscribe","args":["publicTrade.BTCUSDT"]}
 * - ack:       {"success":true,"ret_msg":"","conn_id":"…","op":"subscribe"}
 * - refusal:   {"success":false,"ret_msg":"Invalid topic: …","conn_id":"…","op":"subscribe"}
 * - ping:      the client sends {"op":"ping"} every 20 s; spot answers
 *              {"success":true,"ret_msg":"pong","conn_id":"…","op":"ping"}, other
 *              endpoints {"op":"pong","args":[…],"conn_id":"…"}.
 * - trades:    {"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":…,"data":[{"T","s","S",
 *              "v","p","i","BT","seq"?}]}. `S` is the taker's (aggressor's) side, `T` the fill
 *              time in ms, `i` the trade id; newer frames add `seq` (cross sequence).
 */
import type { VenueTrade } from '../core/events.ts';
import type { ParseResult, VenueAdapter } from './types.ts';
import { NOT_JSON, PONG, invalid, isCount, isPositive, isRecord, parseDecimal, parseJson, show, symbolMatches } from './fields.ts';

const VENUE = 'bybit';
/** Bybit's documented heartbeat cadence: one ping every 20 s keeps the connection open. */
const PING_INTERVAL_MS = 20_000;
const TRADE_TOPIC = 'publicTrade.';

/** Holds the highest `seq` seen in the frame being parsed (reset per frame). */
interface SeqBox {
  seq: number;
}

function mapTrade(item: unknown, recvMs: number, symbol: string, box: SeqBox): VenueTrade | string {
  if (!isRecord(item)) return `trade item is ${show(item)}, not an object`;
  const sym = item.s;
  if (typeof sym !== 'string' || sym.length === 0) return `s is ${show(sym)}`;
  if (!symbolMatches(sym, symbol)) return `s ${sym} is not the configured ${symbol}`;
  const id = item.i;
  if (typeof id !== 'string' || id.length === 0) return `i is ${show(id)}`;
  const px = parseDecimal(item.p);
  if (!isPositive(px)) return `p ${show(item.p)} is not a positive decimal`;
  const qty = parseDecimal(item.v);
  if (!isPositive(qty)) return `v ${show(item.v)} is not a positive decimal`;
  const takerSide = item.S;
  if (takerSide !== 'Buy' && takerSide !== 'Sell') return `S is ${show(takerSide)}`;
  const tsMs = item.T;
  if (!isCount(tsMs)) return `T ${show(tsMs)} is not a millisecond timestamp`;
  const seq = item.seq;
  if (seq !== undefined) {
    if (!isCount(seq)) return `seq ${show(seq)} is not a sequence number`;
    if (seq > box.seq) box.seq = seq;
  }
  return {
    event_type: 'venue_trade',
    venue: VENUE,
    symbol: sym,
    px,
    qty,
    side: takerSide === 'Buy' ? 'buy' : 'sell',
    trade_id: id,
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
}

function parseTrades(data: unknown, recvMs: number, symbol: string): ParseResult {
  if (!Array.isArray(data) || data.length === 0) return invalid(`bybit publicTrade: data is ${show(data)}, not a non-empty array`);
  const trades: VenueTrade[] = [];
  const box: SeqBox = { seq: -1 };
  for (let i = 0; i < data.length; i++) {
    const t = mapTrade(data[i], recvMs, symbol, box);
    // One bad item makes the whole frame suspect: reject it rather than keep a part.
    if (typeof t === 'string') return invalid(`bybit trade ${i}: ${t}`);
    trades.push(t);
  }
  return box.seq >= 0 ? { kind: 'trades', trades, seq: box.seq } : { kind: 'trades', trades };
}

/** Replies to our own requests: subscribe acks/refusals and pongs. */
function parseOp(msg: Record<string, unknown>): ParseResult {
  const op = msg.op;
  const success = msg.success;
  const retMsg = typeof msg.ret_msg === 'string' ? msg.ret_msg : '';
  if (op === 'pong') return PONG;
  if (success === false) {
    return {
      kind: 'error',
      message: `bybit ${typeof op === 'string' ? op : show(op)} failed: ${retMsg || show(msg.ret_msg)}`,
      subscription: op === 'subscribe',
    };
  }
  if (success !== true) return invalid(`bybit: op ${show(op)} reply without success flag`);
  if (op === 'ping' && retMsg === 'pong') return PONG;
  if (op === 'subscribe') return { kind: 'ack', detail: 'bybit subscribed' };
  if (typeof op === 'string') return { kind: 'control', detail: `bybit ${op} ok` };
  return invalid(`bybit: reply with op ${show(op)}`);
}

export const bybit: VenueAdapter = {
  defaultUrl: 'wss://stream.bybit.com/v5/public/spot',
  defaultSymbol: 'BTCUSDT',
  venue: VENUE,
  subscribe(symbol: string): string[] {
    // Bybit symbols are upper case (BTCUSDT); topics are case-sensitive.
    return [JSON.stringify({ op: 'subscribe', args: [`${TRADE_TOPIC}${symbol.toUpperCase()}`] })];
  },
  ping: { intervalMs: PING_INTERVAL_MS, frame: () => '{"op":"ping"}' },
  acksSubscription: true,
  parse(frame: string, recvMs: number, symbol: string): ParseResult {
    const msg = parseJson(frame);
    if (msg === undefined) return NOT_JSON;
    if (!isRecord(msg)) return invalid(`bybit: frame is ${show(msg)}, not a JSON object`);
    const topic = msg.topic;
    if (typeof topic === 'string') {
      if (!topic.startsWith(TRADE_TOPIC)) return { kind: 'control', detail: `bybit ${topic} frame ignored` };
      return parseTrades(msg.data, recvMs, symbol);
    }
    if (msg.op !== undefined || msg.success !== undefined) return parseOp(msg);
    return invalid('bybit: frame has neither topic nor op');
  },
};
