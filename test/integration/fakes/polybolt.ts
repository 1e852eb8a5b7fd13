/**
 * A loopback fake of PolyBolt (Polymarket's live data socket) speaking the documented
 * protocol: auth first (`authed`, or close 4001 on wrong credentials), `auth_required` for a
 * subscription before auth, then per subscription an acknowledgement and a snapshot, and
 * numbered live frames per connection and channel (`seq`, optional `dropped`). The test
 * drives the live frames and the closes (4003 drain, 4008 policy).
 */
import type { WebSocket } from 'ws';
import { fakeWsServer, type FakeWs } from './polymarket.ts';

export interface Point {
  timestamp: number;
  px: number;
}

export interface FakePolyBolt {
  ws: FakeWs;
  /** Auth frames received, parsed (a test checks they carried the credentials and nothing else). */
  auths: unknown[];
  /** Connections (by index) that authenticated. */
  authed: Set<number>;
  /** The TWAP snapshot sent to each new subscription (the last two minutes). */
  snapshot: Point[];
  /** Sends a live TWAP print on connection `index`; `skip` jumps the seq, `dropped` reports drops. */
  twap: (index: number, p: Point, o?: { skip?: number; dropped?: number }) => void;
  /** Closes connection `index` with a PolyBolt close code. */
  closeWith: (index: number, code: number, reason: string) => void;
  close: () => Promise<void>;
}

const envelope = (channel: string, seq: number, payload: object, extra: object = {}) =>
  JSON.stringify({ v: 1, channel, seq, ts: Date.now(), ...extra, payload });
const point = (p: Point) => ({ timestamp: p.timestamp, value: p.px, full_accuracy_value: p.px.toFixed(8) });

export async function fakePolyBolt(creds: { apiKey: string; secret: string; passphrase: string }): Promise<FakePolyBolt> {
  const seqs = new Map<number, Map<string, number>>();
  const nextSeq = (index: number, channel: string, skip = 0) => {
    const byChannel = seqs.get(index) ?? new Map<string, number>();
    seqs.set(index, byChannel);
    const seq = (byChannel.get(channel) ?? 0) + 1 + skip;
    byChannel.set(channel, seq);
    return seq;
  };
  const fake: FakePolyBolt = {
    ws: undefined as unknown as FakeWs,
    auths: [],
    authed: new Set(),
    snapshot: [],
    twap: (index, p, o = {}) =>
      fake.ws.sendTo(
        index,
        envelope(
          'price.crypto.twap',
          nextSeq(index, 'price.crypto.twap', o.skip ?? 0),
          { symbol: 'btcusd', source: 'chainlink', window_seconds: 60, ...point(p) },
          o.dropped ? { dropped: o.dropped } : {},
        ),
      ),
    closeWith: (index, code, reason) => fake.ws.connections[index]?.close(code, reason),
    close: () => fake.ws.close(),
  };
  const onMessage = (ws: WebSocket, text: string, index: number) => {
    const f = JSON.parse(text) as { op?: string; rid?: string; auth?: Record<string, string>; subscriptions?: { channel: string }[] };
    if (f.op === 'auth') {
      fake.auths.push(f);
      const ok = f.auth?.apiKey === creds.apiKey && f.auth?.secret === creds.secret && f.auth?.passphrase === creds.passphrase;
      if (!ok) return ws.close(4001, 'authentication failed');
      fake.authed.add(index);
      return ws.send(JSON.stringify({ op: 'authed', rid: f.rid }));
    }
    if (f.op !== 'subscribe') return;
    for (const s of f.subscriptions ?? []) {
      if (!fake.authed.has(index)) {
        ws.send(JSON.stringify({ op: 'error', code: 'auth_required', channel: s.channel, rid: f.rid }));
        continue;
      }
      ws.send(JSON.stringify({ op: 'subscribed', channel: s.channel, rid: f.rid }));
      const data = s.channel === 'price.crypto.twap' ? fake.snapshot.map(point) : [];
      const extra = s.channel === 'price.crypto.twap' ? { window_seconds: 60, source: 'chainlink' } : { source: 'pyth' };
      ws.send(envelope(s.channel, nextSeq(index, s.channel), { symbol: 'btcusd', ...extra, data }, { snapshot: true }));
    }
  };
  fake.ws = await fakeWsServer(onMessage);
  return fake;
}
