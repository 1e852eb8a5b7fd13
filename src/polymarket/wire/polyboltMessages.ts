/**
 * Pure parser of PolyBolt frames (Polymarket's live data socket, wss://ws-live-v2.polymarket.com/ws)
 * into a closed union, and the subscribe frame. No clock, no I/O.
 *
 * Protocol (docs.polymarket.com/api-reference/live-data/overview and
 * docs.polymarket.com/migrate/rtds-to-polybolt "Migrate from RTDS to PolyBolt", both read
 * through the `search` tool on 2026-12-06):
 * - acknowledgements `{"op":"authed"|"subscribed"|"unsubscribed"|"pong", "channel"?, "rid"?}`
 *   and errors `{"op":"error","code","channel"?,"rid"?}`; `sub_limit`, `rate_limited` and
 *   `auth_attempts` are followed by close 4008, the others leave the connection open;
 * - data envelopes `{"v":1,"channel","seq","ts","snapshot"?,"dropped"?,"payload"}`: `seq`
 *   is consecutive per connection and channel (snapshots included) and resets on reconnect;
 *   `dropped` counts frames the server dropped for this channel since the last one delivered;
 * - each new subscription gets one snapshot (`snapshot: true`, payload `{symbol, data: [...]}`
 *   with the last two minutes, possibly empty), then live updates (payload `{symbol, value,
 *   full_accuracy_value, timestamp}`); TWAP payloads add `window_seconds` (60 only: "other
 *   windows carry no data"); prefer the exact decimal `full_accuracy_value` over `value`;
 * - `price.crypto` is Pyth by default (the payload's `source` names the vendor; a
 *   `chainlink` source is Chainlink), `price.crypto.twap` is Chainlink's 60 s TWAP. There is
 *   no 30 s TWAP and no Binance channel.
 * Frame shapes also checked against captured staging frames in a public client's tests
 * (2026-09-08 capture, read 2026-12-06).
 */
import type { ReferencePrice, ReferenceSource } from '../../core/events.ts';

export const POLYBOLT_TWAP_WINDOW_S = 60;
export const POLYBOLT_SYMBOL = 'btcusd';

/** Error codes the docs say are followed by close 4008 (a client bug: do not retry blindly). */
const CLOSING_ERRORS = new Set(['sub_limit', 'rate_limited', 'auth_attempts']);

export type PolyBoltMessage =
  | { kind: 'ack'; op: 'authed' | 'subscribed' | 'unsubscribed' | 'pong'; channel: string | null }
  | { kind: 'error'; code: string; channel: string | null; closes: boolean }
  | {
      kind: 'prices';
      channel: string;
      seq: number;
      /** Frames the server dropped on this channel before this one (0 when absent). */
      dropped: number;
      snapshot: boolean;
      prices: ReferencePrice[];
      /** Points in the payload that were not usable prices (counted, never thrown). */
      bad: number;
    }
  /** A frame we do not use (another channel or window): counted. */
  | { kind: 'ignored'; why: string }
  | { kind: 'invalid'; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ACK_OPS = new Set(['authed', 'subscribed', 'unsubscribed', 'pong']);

/** The subscribe frame: the 60 s Chainlink TWAP and the spot reference of BTC, batched. */
export function polyboltSubscribeFrame(): string {
  return JSON.stringify({
    op: 'subscribe',
    rid: 's1',
    subscriptions: [
      { channel: 'price.crypto.twap', filter: { symbol: POLYBOLT_SYMBOL, window_seconds: POLYBOLT_TWAP_WINDOW_S } },
      { channel: 'price.crypto', filter: { symbol: POLYBOLT_SYMBOL } },
    ],
  });
}

export function parsePolyBoltFrame(text: string, recvMs: number): PolyBoltMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'bad JSON' };
  }
  if (!isObj(v)) return { kind: 'invalid', reason: 'not an object' };
  const channel = typeof v.channel === 'string' ? v.channel : null;
  if (typeof v.op === 'string') {
    if (v.op === 'error') {
      const code = typeof v.code === 'string' ? v.code : 'unknown';
      return { kind: 'error', code, channel, closes: CLOSING_ERRORS.has(code) };
    }
    if (ACK_OPS.has(v.op)) return { kind: 'ack', op: v.op as 'authed', channel };
    return { kind: 'ignored', why: `op ${v.op}` };
  }
  if (v.v !== 1) return { kind: 'invalid', reason: `unknown envelope version ${String(v.v)}` };
  if (channel === null || !Number.isInteger(v.seq) || !isObj(v.payload))
    return { kind: 'invalid', reason: 'envelope without channel, seq or payload' };
  const source = sourceOf(channel, v.payload);
  if (typeof source !== 'string' || !source.startsWith('src:')) return { kind: 'ignored', why: source };
  const dropped = Number.isInteger(v.dropped) && (v.dropped as number) > 0 ? (v.dropped as number) : 0;
  const points = v.snapshot === true ? v.payload.data : [v.payload];
  if (!Array.isArray(points)) return { kind: 'invalid', reason: `${channel} snapshot without data` };
  const prices: ReferencePrice[] = [];
  let bad = 0;
  for (const p of points) {
    const price = pointOf(p, source.slice(4) as ReferenceSource, recvMs);
    if (price) prices.push(price);
    else bad += 1;
  }
  return { kind: 'prices', channel, seq: v.seq as number, dropped, snapshot: v.snapshot === true, prices, bad };
}

/** `src:<ReferenceSource>` for a usable channel and payload, else why it is ignored. */
function sourceOf(channel: string, payload: Obj): string {
  if (payload.symbol !== POLYBOLT_SYMBOL) return `symbol ${String(payload.symbol)}`;
  if (channel === 'price.crypto.twap')
    return payload.window_seconds === POLYBOLT_TWAP_WINDOW_S ? 'src:chainlink_twap60' : `TWAP window ${String(payload.window_seconds)}`;
  if (channel === 'price.crypto') return payload.source === 'chainlink' ? 'src:chainlink' : 'src:pyth';
  return `channel ${channel}`;
}

function pointOf(p: unknown, source: ReferenceSource, recvMs: number): ReferencePrice | null {
  if (!isObj(p)) return null;
  const exact = typeof p.full_accuracy_value === 'string' && p.full_accuracy_value.length > 0 ? +p.full_accuracy_value : NaN;
  const px = Number.isFinite(exact) ? exact : typeof p.value === 'number' ? p.value : NaN;
  const ts = p.timestamp;
  if (!(px > 0) || !Number.isFinite(px) || !Number.isInteger(ts) || (ts as number) < 0) return null;
  return { event_type: 'reference_price', source, symbol: 'btc/usd', px, ts_exchange_ms: ts as number, ts_unix_ms: recvMs };
}
