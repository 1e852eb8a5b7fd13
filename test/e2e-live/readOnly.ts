/**
 * The runtime half of the safety proof: every loopback server of the paper-live world
 * records what the lab sends it, and this guard judges each record. A read-only client
 * may send an HTTP GET (an upgrade is a GET too) and, on a WebSocket, only the
 * subscription and ping messages of that server's own protocol. Anything else — a POST,
 * an unknown or authenticated message, a key the protocol's subscribe frame does not
 * have — is a violation, and the tests fail on the first one.
 *
 * The servers refuse what they record: HTTP fakes answer a non-GET with 405, the venue
 * fakes never answer a frame their protocol does not know, and the Polymarket socket
 * fakes (world/marketSocket.ts, world/rtds.ts) close a violating connection with 1008.
 *
 * Protocols (the same sources as src/venues/*.ts and src/polymarket/*.ts):
 * Coinbase Exchange `{"type":"subscribe"}`, Kraken v2 `{"method":"subscribe"|"ping"}`,
 * Bitstamp `{"event":"bts:subscribe"|"bts:heartbeat"}`, OKX `{"op":"subscribe"}` and bare
 * `ping`, Bybit v5 `{"op":"subscribe"|"ping"}`, Binance `{"method":"SUBSCRIBE"}`; the CLOB
 * market channel `{"assets_ids","type":"market"}` / `{"operation":"subscribe"|"unsubscribe"}`
 * and `PING`; the real-time data socket `{"action":"subscribe","subscriptions":[…]}` on the
 * `crypto_prices*` topics and `PING`.
 */
import type { FakeRest, FakeWs } from '../integration/fakes/polymarket.ts';
import type { FakeVenue } from '../integration/fakes/venueServers.ts';
import type { FakeGamma } from '../integration/gammaFake.ts';

export interface Violation {
  server: string;
  what: string;
}

type Json = Record<string, unknown>;

interface FrameRule {
  /** Top-level keys the protocol's read messages have. */
  keys: readonly string[];
  /** The message kind field and the values that are reads (subscribe, unsubscribe, ping). */
  field: string;
  reads: readonly string[];
  /** Bare text frames that are pings. */
  text?: readonly string[];
  /** Extra checks on a JSON read message; a string says what is wrong. */
  check?: (m: Json) => string | null;
}

const parseObject = (text: string): Json | null => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
};

/** The market channel only: `type` must be `market` (the `user` channel takes credentials). */
const clobCheck = (m: Json): string | null => {
  if (!Array.isArray(m.assets_ids) || !m.assets_ids.every((a) => typeof a === 'string')) return 'no assets_ids list';
  if ('type' in m && m.type !== 'market') return `channel ${String(m.type)}`;
  return 'type' in m || 'operation' in m ? null : 'neither a subscription nor an operation';
};

/** Only the public crypto price topics, with no credentials. */
const rtdsCheck = (m: Json): string | null => {
  if (!Array.isArray(m.subscriptions)) return 'no subscriptions list';
  for (const s of m.subscriptions as Json[]) {
    if (typeof s !== 'object' || s === null) return 'a subscription that is not an object';
    const extra = Object.keys(s).filter((k) => !['topic', 'type', 'filters'].includes(k));
    if (extra.length > 0) return `subscription keys ${extra.join(', ')}`;
    if (typeof s.topic !== 'string' || !s.topic.startsWith('crypto_prices')) return `topic ${String(s.topic)}`;
  }
  return null;
};

/** Keys that carry credentials, at any depth: a public read needs none. */
const CREDENTIAL_KEY = /^(auth|.*_auth|api_?key|key|secret|passphrase|sign|signature|token|jwt|password)$/i;

function credentialKey(v: unknown, depth = 0): string | null {
  if (depth > 6 || typeof v !== 'object' || v === null) return null;
  for (const [k, x] of Object.entries(v)) {
    if (CREDENTIAL_KEY.test(k)) return k;
    const inner = credentialKey(x, depth + 1);
    if (inner !== null) return inner;
  }
  return null;
}

/** Bitstamp's private channels are named `private-…` and need a token. */
const bitstampCheck = (m: Json): string | null => {
  const channel = (m.data as { channel?: unknown } | undefined)?.channel;
  return typeof channel === 'string' && channel.startsWith('private-') ? `private channel ${channel}` : null;
};

export const FRAME_RULES: Readonly<Record<string, FrameRule>> = {
  coinbase: { keys: ['type', 'product_ids', 'channels'], field: 'type', reads: ['subscribe', 'unsubscribe'] },
  kraken: { keys: ['method', 'params', 'req_id'], field: 'method', reads: ['subscribe', 'unsubscribe', 'ping'] },
  bitstamp: { keys: ['event', 'data'], field: 'event', reads: ['bts:subscribe', 'bts:unsubscribe', 'bts:heartbeat'], check: bitstampCheck },
  okx: { keys: ['op', 'args', 'id'], field: 'op', reads: ['subscribe', 'unsubscribe'], text: ['ping'] },
  bybit: { keys: ['op', 'args', 'req_id'], field: 'op', reads: ['subscribe', 'unsubscribe', 'ping'] },
  binance: { keys: ['method', 'params', 'id'], field: 'method', reads: ['SUBSCRIBE', 'UNSUBSCRIBE'] },
  polymarket_ws: {
    keys: ['assets_ids', 'type', 'operation', 'custom_feature_enabled', 'initial_dump'],
    field: 'assets_ids',
    reads: [],
    text: ['PING'],
    check: clobCheck,
  },
  rtds: { keys: ['action', 'subscriptions'], field: 'action', reads: ['subscribe', 'unsubscribe'], text: ['PING'], check: rtdsCheck },
};

/** Why `text` is not a read message of `server`'s protocol, or null when it is one. */
export function frameViolation(server: string, text: string): string | null {
  const rule = FRAME_RULES[server];
  if (!rule) return `no protocol known for ${server}`;
  if (rule.text?.includes(text)) return null;
  const m = parseObject(text);
  if (!m) return `not a message of the protocol: ${text.slice(0, 80)}`;
  const credential = credentialKey(m);
  if (credential !== null) return `credentials (${credential}) in ${text.slice(0, 120)}`;
  const extra = Object.keys(m).filter((k) => !rule.keys.includes(k));
  if (extra.length > 0) return `keys ${extra.join(', ')} in ${text.slice(0, 120)}`;
  // Rules without listed reads (the market channel) are judged by their check alone.
  if (rule.reads.length > 0 && !rule.reads.includes(String(m[rule.field])))
    return `${rule.field} ${String(m[rule.field])} is not a subscription or ping`;
  return rule.check?.(m) ?? null;
}

const methodViolations = (server: string, requests: readonly { method: string; url: string }[]): Violation[] =>
  requests.filter((r) => r.method !== 'GET').map((r) => ({ server, what: `${r.method} ${r.url}` }));

/** Collects every server's records and judges them on demand. */
export class ReadOnlyGuard {
  private readonly watched: { name: string; violations: () => Violation[]; seen: () => number }[] = [];

  venue(v: FakeVenue): void {
    this.watched.push({
      name: v.venue,
      violations: () => [...methodViolations(v.venue, v.httpRequests), ...this.frames(v.venue, v.received)],
      seen: () => v.httpRequests.length + v.received.length,
    });
  }

  socket(name: 'polymarket_ws' | 'rtds', ws: FakeWs): void {
    this.watched.push({
      name,
      violations: () => [...methodViolations(name, ws.httpRequests), ...this.frames(name, ws.received.flat())],
      seen: () => ws.httpRequests.length + ws.received.flat().length,
    });
  }

  rest(rest: FakeRest): void {
    this.watched.push({ name: 'clob_rest', violations: () => methodViolations('clob_rest', rest.seen), seen: () => rest.seen.length });
  }

  gamma(g: FakeGamma): void {
    this.watched.push({
      name: 'gamma',
      violations: () =>
        methodViolations(
          'gamma',
          g.requests.map((r) => ({ method: r.method, url: r.path })),
        ),
      seen: () => g.requests.length,
    });
  }

  private frames(server: string, texts: readonly string[]): Violation[] {
    const out: Violation[] = [];
    for (const t of texts) {
      const why = frameViolation(server, t);
      if (why !== null) out.push({ server, what: why });
    }
    return out;
  }

  violations(): Violation[] {
    return this.watched.flatMap((w) => w.violations());
  }

  /** Requests and frames judged per server: proof that the guard saw the traffic it passes. */
  seen(): Record<string, number> {
    return Object.fromEntries(this.watched.map((w) => [w.name, w.seen()]));
  }
}
