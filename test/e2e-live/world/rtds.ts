/**
 * A loopback real-time data socket: records each connection's subscriptions and sends,
 * once a second, one update per subscribed topic — Chainlink BTC/USD spot, the 30 s and
 * 60 s Chainlink TWAPs, Binance BTC/USDT — built from the fixtures
 * (rtds_chainlink_update_live.json, rtds_crypto_prices_twap_thirty_update.json, the
 * sixty twin, rtds_crypto_prices_update.json) with the price and time changed. Each topic
 * prints its own level, so a test can tell which one fixed a price to beat.
 */
import { readFileSync } from 'node:fs';
import type { WebSocket } from 'ws';
import { fakeWsServer, type FakeWs } from '../../integration/fakes/polymarket.ts';
import { frameViolation } from '../readOnly.ts';

const fx = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as { payload: Record<string, unknown> } & Record<string, unknown>;

/** The price each topic prints. */
export interface RtdsLevels {
  crypto_prices_chainlink: number;
  crypto_prices_twap_thirty: number;
  crypto_prices_twap_sixty: number;
  crypto_prices: number;
}

const FIXTURES: Record<keyof RtdsLevels, string> = {
  crypto_prices_chainlink: 'rtds_chainlink_update_live.json',
  crypto_prices_twap_thirty: 'rtds_crypto_prices_twap_thirty_update.json',
  crypto_prices_twap_sixty: 'rtds_crypto_prices_twap_sixty_update.json',
  crypto_prices: 'rtds_crypto_prices_update.json',
};

export interface RtdsFake {
  ws: FakeWs;
  levels: RtdsLevels;
  /** Topics some open connection is subscribed to. */
  topics: () => string[];
  close: () => Promise<void>;
}

/** The E18 fixed-point form the socket carries beside the float. */
const e18 = (v: number) => (BigInt(Math.round(v * 1e6)) * 10n ** 12n).toString();

function update(topic: keyof RtdsLevels, value: number, nowMs: number): string {
  const o = fx(FIXTURES[topic]);
  const full = topic === 'crypto_prices' ? value.toFixed(8) : e18(value);
  Object.assign(o.payload, { timestamp: nowMs, value, full_accuracy_value: full });
  return JSON.stringify({ ...o, timestamp: nowMs + 40 });
}

export async function startRtds(levels: RtdsLevels): Promise<RtdsFake> {
  const subs = new Map<WebSocket, Set<keyof RtdsLevels>>();
  const ws = await fakeWsServer((sock, text) => {
    if (text === 'PING') return;
    if (frameViolation('rtds', text) !== null) return void sock.close(1008, 'not a subscription');
    const m = JSON.parse(text) as { action: string; subscriptions: { topic: string }[] };
    let set = subs.get(sock);
    if (!set) {
      subs.set(sock, (set = new Set()));
      sock.on('close', () => subs.delete(sock));
    }
    for (const s of m.subscriptions) {
      if (!(s.topic in FIXTURES)) continue;
      if (m.action === 'subscribe') set.add(s.topic as keyof RtdsLevels);
      else set.delete(s.topic as keyof RtdsLevels);
    }
  });
  const pump = setInterval(() => {
    const now = Date.now();
    for (const [sock, set] of subs)
      for (const topic of set) if (sock.readyState === sock.OPEN) sock.send(update(topic, levels[topic], now));
  }, 1_000);
  return {
    ws,
    levels,
    topics: () => [...new Set([...subs.values()].flatMap((s) => [...s]))].sort(),
    close: async () => {
      clearInterval(pump);
      await ws.close();
    },
  };
}
