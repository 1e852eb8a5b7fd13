/**
 * A loopback CLOB market channel: answers each subscription (`{"assets_ids","type":"market"}`
 * and later `operation` frames) with a `book` snapshot per known token, refreshes every
 * subscribed book once a second with a `price_change`, publishes a replaced book, and
 * announces official results (`market_resolved`, shape of
 * test/fixtures/polymarket/ws_market_market_resolved.json). A frame that is not a
 * subscription or a ping closes the connection with 1008 (the guard records it).
 */
import type { WebSocket } from 'ws';
import { fakeWsServer, type FakeWs } from '../../integration/fakes/polymarket.ts';
import { frameViolation } from '../readOnly.ts';
import type { FakeBooks } from './books.ts';

export interface MarketSocket {
  ws: FakeWs;
  /** Tokens each open connection is subscribed to. */
  subscribed: () => string[];
  /** Sends the current book of `token` to every connection subscribed to it. */
  publish: (token: string) => void;
  /** Announces the official winner of a market on every connection subscribed to it. */
  resolve: (market: string, tokens: readonly [string, string], winner: string, outcome: 'Up' | 'Down') => void;
  close: () => Promise<void>;
}

const REFRESH_MS = 1_000;

export async function startMarketSocket(books: FakeBooks): Promise<MarketSocket> {
  const subs = new Map<WebSocket, Set<string>>();
  const send = (sock: WebSocket, msg: unknown) => {
    if (sock.readyState === sock.OPEN) sock.send(JSON.stringify(msg));
  };
  const onMessage = (sock: WebSocket, text: string) => {
    if (text === 'PING') return; // answered with PONG by the fake itself
    if (frameViolation('polymarket_ws', text) !== null) return void sock.close(1008, 'not a subscription');
    const m = JSON.parse(text) as { assets_ids: string[]; type?: string; operation?: string };
    let set = subs.get(sock);
    if (!set) subs.set(sock, (set = new Set()));
    if (m.operation === 'unsubscribe') {
      for (const a of m.assets_ids) set.delete(a);
      return;
    }
    const known = m.assets_ids.filter((a) => books.has(a));
    for (const a of known) set.add(a);
    // The channel answers a subscription with one array of `book` messages.
    if (known.length > 0)
      send(
        sock,
        known.map((a) => books.snapshot(a, Date.now())),
      );
  };
  const ws = await fakeWsServer((sock, text) => {
    if (!subs.has(sock)) sock.on('close', () => subs.delete(sock));
    onMessage(sock, text);
  });
  const refresh = setInterval(() => {
    for (const [sock, set] of subs) {
      const byMarket = new Map<string, string[]>();
      for (const t of set) {
        const market = books.marketOf(t);
        if (market !== undefined) byMarket.set(market, [...(byMarket.get(market) ?? []), t]);
      }
      for (const [market, tokens] of byMarket) {
        const msg = books.refresh(market, tokens, Date.now());
        if (msg) send(sock, msg);
      }
    }
  }, REFRESH_MS);
  return {
    ws,
    subscribed: () => [...new Set([...subs.values()].flatMap((s) => [...s]))],
    publish: (token) => {
      for (const [sock, set] of subs) if (set.has(token)) send(sock, [books.snapshot(token, Date.now())]);
    },
    resolve: (market, tokens, winner, outcome) => {
      const msg = {
        event_type: 'market_resolved',
        id: '1031769',
        market,
        assets_ids: tokens,
        winning_asset_id: winner,
        winning_outcome: outcome,
        timestamp: String(Date.now()),
        tags: ['crypto'],
      };
      for (const [sock, set] of subs) if (tokens.some((t) => set.has(t))) send(sock, msg);
    },
    close: async () => {
      clearInterval(refresh);
      await ws.close();
    },
  };
}
