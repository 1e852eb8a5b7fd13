/**
 * The runtime net of the safety checks (the third, after the lint rule and the text scan):
 * what the loopback fakes actually received must all be reads — GET requests, and socket
 * frames that subscribe, unsubscribe or ping (eslint-rules/readVocabulary.js) — and a
 * tripwire server shows that a run which should touch no network touches nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { frameProblem, READ_METHODS } from '../../../eslint-rules/readVocabulary.js';

/** Every request method and socket frame a run sent, as the fakes recorded them. */
export interface Received {
  methods: readonly string[];
  frames: readonly string[];
}

/** What is not a read among `received`, one line each (empty when every one is a read). */
export function nonReads(received: Received): string[] {
  const bad = received.methods.filter((m) => !READ_METHODS.has(m.toUpperCase())).map((m) => `HTTP ${m}`);
  for (const f of received.frames) {
    const why = frameProblem(f);
    if (why) bad.push(`frame ${f.slice(0, 80)}: ${why}`);
  }
  return bad;
}

/** A server that answers nothing and records every HTTP request and WebSocket upgrade. */
export interface Tripwire {
  httpUrl: string;
  wsUrl: string;
  hits: string[];
  close: () => Promise<void>;
}

export async function tripwire(): Promise<Tripwire> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(503).end();
  });
  server.on('upgrade', (req, socket) => {
    hits.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  server.on('connection', () => hits.push('CONNECT'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Every network endpoint of the lab pointed at `url`s of the tripwire. */
export function allEndpointsAt(t: Tripwire): Record<string, string> {
  const env: Record<string, string> = {
    POLYLAB_GAMMA_URL: t.httpUrl,
    POLYLAB_CLOB_URL: t.httpUrl,
    POLYLAB_CLOB_WS_URL: t.wsUrl,
    POLYLAB_RTDS_URL: t.wsUrl,
  };
  for (const v of ['COINBASE', 'KRAKEN', 'BITSTAMP', 'OKX', 'BYBIT', 'BINANCE']) env[`POLYLAB_${v}_WS_URL`] = t.wsUrl;
  return env;
}
