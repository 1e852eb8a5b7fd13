/**
 * The server side of each venue's public trade protocol, for loopback fakes: how the venue
 * answers a subscribe (ack or refusal), a ping, and what its trade and heartbeat frames look
 * like. Every frame is built from a real fixture in test/fixtures/venues/ with only the
 * values changed, so the fakes speak the shapes the parsers will meet live.
 */
import { readFileSync } from 'node:fs';
import type { VenueName } from '../../../src/app/config.ts';

export interface FakeTrade {
  px: number;
  id: number;
  qty?: number;
  /** Exchange time; defaults to now. */
  tsMs?: number;
  /** Aggressor side; defaults to buy. */
  side?: 'buy' | 'sell';
}

/** What one connection has subscribed to (symbol / channel / streams). */
export interface ConnState {
  topics: string[];
  combined: boolean;
  subscribed: boolean;
  /** Highest trade id sent on this connection (Coinbase heartbeats carry it). */
  lastTradeId: number;
}

export interface Reply {
  frames: string[];
  /** Topics acknowledged by this reply (the connection is then subscribed). */
  subscribe?: string[];
}

export interface VenueProtocol {
  /** Called on connect with the request path (Binance can carry streams in it). */
  onConnect?(path: string, conn: ConnState): string[];
  /** Answers one client frame; `reject` = refuse subscriptions the way the venue does. */
  onClientFrame(text: string, reject: boolean): Reply | null;
  /** One trade frame per subscribed topic. */
  trade(t: Required<FakeTrade>, conn: ConnState): string[];
  /** A server heartbeat, for venues that send them unasked. */
  heartbeat?(conn: ConnState): string;
  /** The venue text a refusal carries. */
  rejectText(topic: string): string;
  /** A fixed part of that text, which tests expect to find in the surfaced error. */
  rejectHint: string;
}

const fx = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`test/fixtures/venues/${name}`, 'utf8')) as Record<string, unknown>;
const json = (v: unknown) => JSON.stringify(v);
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '123Z'); // microsecond precision, like the venues
const parse = (text: string): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};
const firstArg = (v: unknown): unknown => (Array.isArray(v) ? v[0] : undefined);

const coinbase: VenueProtocol = {
  onClientFrame(text, reject) {
    const m = parse(text);
    if (m?.type !== 'subscribe') return null;
    const product = String(firstArg(m.product_ids));
    if (reject) return { frames: [json({ type: 'error', message: 'Failed to subscribe', reason: this.rejectText(product) })] };
    const names = Array.isArray(m.channels)
      ? m.channels.map((c) => (typeof c === 'string' ? c : String((c as { name?: unknown }).name)))
      : [];
    const sub = { ...fx('coinbase_exchange_subscriptions.json'), channels: names.map((name) => ({ name, product_ids: [product] })) };
    return { frames: [json(sub)], subscribe: [product] };
  },
  trade: (t, conn) =>
    conn.topics.map((product) =>
      json({
        ...fx('coinbase_match.json'),
        trade_id: t.id,
        sequence: 1_000_000 + t.id * 7,
        price: String(t.px),
        size: String(t.qty),
        product_id: product,
        time: iso(t.tsMs),
        side: t.side === 'buy' ? 'sell' : 'buy', // match.side is the maker's
      }),
    ),
  heartbeat: (conn) =>
    json({
      ...fx('coinbase_exchange_heartbeat_documented.json'),
      last_trade_id: conn.lastTradeId,
      product_id: conn.topics[0],
      time: new Date().toISOString(),
    }),
  rejectText: (product) => `${product} is not a valid product`,
  rejectHint: 'is not a valid product',
};

const kraken: VenueProtocol = {
  onConnect: () => [json(fx('kraken_v2_status.json'))],
  onClientFrame(text, reject) {
    const m = parse(text);
    if (m?.method === 'ping')
      return {
        frames: [json({ method: 'pong', req_id: m.req_id, time_in: new Date().toISOString(), time_out: new Date().toISOString() })],
      };
    if (m?.method !== 'subscribe') return null;
    const params = (m.params ?? {}) as { symbol?: unknown; snapshot?: unknown };
    const symbol = String(firstArg(params.symbol));
    if (reject) return { frames: [json({ ...fx('kraken_v2_subscribe_error.json'), error: this.rejectText(symbol), symbol })] };
    const ack = fx('kraken_v2_subscribe_ack.json');
    return { frames: [json({ ...ack, result: { channel: 'trade', snapshot: params.snapshot ?? true, symbol } })], subscribe: [symbol] };
  },
  trade: (t, conn) =>
    conn.topics.map((symbol) =>
      json({
        ...fx('kraken_v2_trade.json'),
        data: [{ symbol, side: t.side, price: t.px, qty: t.qty, ord_type: 'market', trade_id: t.id, timestamp: iso(t.tsMs) }],
      }),
    ),
  heartbeat: () => json(fx('kraken_v2_heartbeat.json')),
  rejectText: (symbol) => `Currency pair not supported ${symbol}`,
  rejectHint: 'Currency pair not supported',
};

const bitstamp: VenueProtocol = {
  onClientFrame(text, reject) {
    const m = parse(text);
    if (m?.event === 'bts:heartbeat') return { frames: [json({ event: 'bts:heartbeat', channel: '', data: { status: 'success' } })] };
    if (m?.event !== 'bts:subscribe') return null;
    const channel = String((m.data as { channel?: unknown } | undefined)?.channel);
    if (reject) return { frames: [json({ event: 'bts:error', channel: '', data: { code: null, message: this.rejectText(channel) } })] };
    return { frames: [json({ ...fx('bitstamp_subscription_succeeded.json'), channel })], subscribe: [channel] };
  },
  trade: (t, conn) =>
    conn.topics.map((channel) =>
      json({
        ...fx('bitstamp_trade.json'),
        channel,
        data: {
          id: t.id,
          timestamp: String(Math.floor(t.tsMs / 1000)),
          amount: t.qty,
          amount_str: t.qty.toFixed(8),
          price: t.px,
          price_str: String(t.px),
          type: t.side === 'buy' ? 0 : 1,
          microtimestamp: String(t.tsMs * 1000),
          buy_order_id: 1443875737346049,
          sell_order_id: 1443875731320832,
        },
      }),
    ),
  rejectText: () => 'Bad subscription string.',
  rejectHint: 'Bad subscription string',
};

const okx: VenueProtocol = {
  onClientFrame(text, reject) {
    if (text === 'ping') return { frames: ['pong'] };
    const m = parse(text);
    if (m?.op !== 'subscribe') return null;
    const arg = (firstArg(m.args) ?? {}) as { channel?: unknown; instId?: unknown };
    const instId = String(arg.instId);
    if (reject)
      return {
        frames: [json({ event: 'error', code: '60018', msg: this.rejectText(`${String(arg.channel)}:${instId}`), connId: 'a4d3ae55' })],
      };
    return {
      frames: [json({ ...fx('okx_subscribe_ack.json'), arg: { channel: arg.channel, instId }, connId: 'a4d3ae55' })],
      subscribe: [`${String(arg.channel)}:${instId}`],
    };
  },
  trade: (t, conn) =>
    conn.topics.map((topic) => {
      const [channel, instId] = topic.split(':');
      return json({
        arg: { channel, instId },
        data: [{ instId, tradeId: String(t.id), px: String(t.px), sz: String(t.qty), side: t.side, ts: String(t.tsMs), count: '1' }],
      });
    }),
  rejectText: (topic) => `Wrong URL or channel:${topic.replace(':', ',instId:')} doesn't exist.`,
  rejectHint: "doesn't exist",
};

const bybit: VenueProtocol = {
  onClientFrame(text, reject) {
    const m = parse(text);
    const reqId = m?.req_id !== undefined ? { req_id: m.req_id } : {};
    if (m?.op === 'ping') return { frames: [json({ ...fx('bybit_v5_pong_spot_documented.json'), ...reqId })] };
    if (m?.op !== 'subscribe') return null;
    const topics = Array.isArray(m.args) ? m.args.map(String) : [];
    if (reject)
      return { frames: [json({ ...fx('bybit_v5_subscribe_failure_fixture.json'), ret_msg: this.rejectText(topics.join(',')), ...reqId })] };
    return {
      frames: [json({ success: true, ret_msg: 'subscribe', conn_id: 'cejreaspqfm9se7usbrg-2xh', ...reqId, op: 'subscribe' })],
      subscribe: topics,
    };
  },
  trade: (t, conn) =>
    conn.topics
      .filter((topic) => topic.startsWith('publicTrade.'))
      .map((topic) =>
        json({
          topic,
          type: 'snapshot',
          ts: t.tsMs + 2,
          data: [
            {
              T: t.tsMs,
              s: topic.split('.').pop(),
              S: t.side === 'buy' ? 'Buy' : 'Sell',
              v: String(t.qty),
              p: String(t.px),
              L: 'PlusTick',
              i: String(t.id),
              BT: false,
              seq: 1_783_284_617 + t.id,
            },
          ],
        }),
      ),
  rejectText: (topic) => `Invalid topic: ${topic}`,
  rejectHint: 'Invalid topic',
};

function binanceEvent(stream: string, t: Required<FakeTrade>): Record<string, unknown> {
  const s = stream.split('@')[0]!.toUpperCase();
  const buyerIsMaker = t.side === 'sell'; // the aggressor sold into a resting buy
  if (stream.endsWith('@aggTrade'))
    return {
      e: 'aggTrade',
      E: t.tsMs + 1,
      s,
      a: t.id,
      p: t.px.toFixed(8),
      q: t.qty.toFixed(8),
      f: t.id,
      l: t.id,
      T: t.tsMs,
      m: buyerIsMaker,
      M: true,
    };
  return {
    ...(fx('binance_trade_2025_capture.json').data as Record<string, unknown>),
    E: t.tsMs + 1,
    s,
    t: t.id,
    p: t.px.toFixed(8),
    q: t.qty.toFixed(8),
    T: t.tsMs,
    m: buyerIsMaker,
  };
}

const binance: VenueProtocol = {
  onConnect(path, conn) {
    // Streams can be named in the URL: /ws/<stream> (raw) or /stream?streams=a/b (combined).
    conn.combined = path.startsWith('/stream');
    const streams = conn.combined
      ? (new URL(path, 'ws://x').searchParams.get('streams')?.split('/') ?? [])
      : path.split('/').slice(2).filter(Boolean);
    if (streams.length > 0) Object.assign(conn, { topics: streams, subscribed: true });
    return [];
  },
  onClientFrame(text, reject) {
    const m = parse(text);
    if (m?.method !== 'SUBSCRIBE') return null;
    const streams = Array.isArray(m.params) ? m.params.map(String) : [];
    if (reject) return { frames: [json({ code: 2, msg: this.rejectText(streams.join(',')), id: m.id })] };
    return { frames: [json({ ...fx('binance_subscribe_response_documented.json'), id: m.id })], subscribe: streams };
  },
  trade: (t, conn) =>
    conn.topics
      .filter((s) => /@(trade|aggTrade)$/.test(s))
      .map((stream) => {
        const data = binanceEvent(stream, t);
        return json(conn.combined ? { stream, data } : data);
      }),
  rejectText: (streams) => `Invalid request: invalid stream name ${streams}`,
  rejectHint: 'invalid stream name',
};

export const PROTOCOLS: Record<VenueName, VenueProtocol> = { coinbase, kraken, bitstamp, okx, bybit, binance };
