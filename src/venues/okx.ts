/**
 * OKX v5 public WebSocket (wss://ws.okx.com:8443/ws/v5/public), `trades` channel.
 *
 * Formats (OKX v5 docs, "WebSocket → Public channel → Trades channel" and "Connect";
 * real frames in test/fixtures/venues/okx_*.json):
 * - subscribe: {"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]}
 * - ack:       {"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"…"}
 * - error:     {"event":"error","code":"60012","msg":"Invalid request: …","connId":"…"}
 * - notice:    {"event":"notice","code":"64008","msg":"The connection will soon be closed…"}
 * - trades:    {"arg":{…},"data":[{"instId","tradeId","px","sz","side","ts","count"?}]}
 *   `side` is the taker's (aggressor's) side; `ts` is the fill time in ms as a string.
 * - heartbeat: the client sends the bare text `ping` when idle (the server closes a
 *   connection silent for 30 s) and gets the bare text `pong` back — not JSON.
 */
import type { VenueTrade } from '../core/events.ts';
import type { ParseResult, VenueAdapter } from './types.ts';
import { NOT_JSON, PONG, invalid, isPositive, isRecord, parseCountString, parseDecimal, parseJson, show, symbolMatches } from './fields.ts';

const VENUE = 'okx';
/** Well inside OKX's 30 s idle limit, so one late timer tick cannot cost the connection. */
const PING_INTERVAL_MS = 20_000;

/** One trade item → a normalized trade, or the reason it is unusable. */
function mapTrade(item: unknown, recvMs: number, symbol: string): VenueTrade | string {
  if (!isRecord(item)) return `trade item is ${show(item)}, not an object`;
  const instId = item.instId;
  if (typeof instId !== 'string' || instId.length === 0) return `instId is ${show(instId)}`;
  if (!symbolMatches(instId, symbol)) return `instId ${instId} is not the configured ${symbol}`;
  const tradeId = item.tradeId;
  if (typeof tradeId !== 'string' || tradeId.length === 0) return `tradeId is ${show(tradeId)}`;
  const px = parseDecimal(item.px);
  if (!isPositive(px)) return `px ${show(item.px)} is not a positive decimal`;
  const qty = parseDecimal(item.sz);
  if (!isPositive(qty)) return `sz ${show(item.sz)} is not a positive decimal`;
  const side = item.side;
  if (side !== 'buy' && side !== 'sell') return `side is ${show(side)}`;
  const tsMs = parseCountString(item.ts);
  if (Number.isNaN(tsMs)) return `ts ${show(item.ts)} is not a millisecond timestamp`;
  return {
    event_type: 'venue_trade',
    venue: VENUE,
    symbol: instId,
    px,
    qty,
    side,
    trade_id: tradeId,
    ts_exchange_ms: tsMs,
    ts_unix_ms: recvMs,
  };
}

function parseTrades(data: unknown, recvMs: number, symbol: string): ParseResult {
  if (!Array.isArray(data) || data.length === 0) return invalid(`okx trades: data is ${show(data)}, not a non-empty array`);
  const trades: VenueTrade[] = [];
  for (let i = 0; i < data.length; i++) {
    const t = mapTrade(data[i], recvMs, symbol);
    // One bad item makes the whole frame suspect: reject it rather than keep a part.
    if (typeof t === 'string') return invalid(`okx trade ${i}: ${t}`);
    trades.push(t);
  }
  return { kind: 'trades', trades };
}

function parseEvent(msg: Record<string, unknown>, event: unknown): ParseResult {
  const text = (v: unknown): string => (typeof v === 'string' ? v : show(v));
  switch (event) {
    case 'subscribe': {
      const arg = isRecord(msg.arg) ? msg.arg : {};
      return { kind: 'ack', detail: `okx subscribed ${text(arg.channel)} ${text(arg.instId)}` };
    }
    case 'error':
      // We only ever send subscribe requests (the ping is a bare text frame), so an error
      // event is OKX refusing the subscription.
      return { kind: 'error', message: `okx error ${text(msg.code)}: ${text(msg.msg)}`, subscription: true };
    case 'unsubscribe':
    case 'notice':
    case 'channel-conn-count':
      return { kind: 'control', detail: `okx ${event} ${text(msg.code ?? '')} ${text(msg.msg ?? '')}`.trim() };
    default:
      return invalid(`okx: unknown event ${show(event)}`);
  }
}

export const okx: VenueAdapter = {
  defaultUrl: 'wss://ws.okx.com:8443/ws/v5/public',
  defaultSymbol: 'BTC-USDT',
  venue: VENUE,
  subscribe(symbol: string): string[] {
    // OKX instrument ids are upper case (BTC-USDT).
    return [JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades', instId: symbol.toUpperCase() }] })];
  },
  ping: { intervalMs: PING_INTERVAL_MS, frame: () => 'ping' },
  acksSubscription: true,
  parse(frame: string, recvMs: number, symbol: string): ParseResult {
    if (frame === 'pong') return PONG;
    const msg = parseJson(frame);
    if (msg === undefined) return NOT_JSON;
    if (!isRecord(msg)) return invalid(`okx: frame is ${show(msg)}, not a JSON object`);
    if (msg.event !== undefined) return parseEvent(msg, msg.event);
    const arg = msg.arg;
    if (!isRecord(arg) || typeof arg.channel !== 'string') return invalid('okx: frame has neither event nor arg.channel');
    if (arg.channel !== 'trades') return { kind: 'control', detail: `okx ${arg.channel} frame ignored` };
    return parseTrades(msg.data, recvMs, symbol);
  },
};
