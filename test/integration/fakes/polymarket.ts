/**
 * Loopback fakes of Polymarket's public servers for integration tests: a WebSocket server
 * (market channel or data socket) that records what clients send, answers `PING` with
 * `PONG`, can refuse handshakes with HTTP 429 and drop connections; and a CLOB REST server
 * serving GET /book?token_id= and GET /markets/<id> from tables the test fills.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeWs {
  url: string;
  /** Every text frame received, per connection (index = connection order). */
  received: string[][];
  connections: WebSocket[];
  /** Handshakes answered with HTTP 429. */
  refused: number;
  /** Refuse the next `n` handshakes with HTTP 429. */
  refuseNext: (n: number) => void;
  /** While set, every handshake is answered with this HTTP status (the server down). */
  refuseAll: number | null;
  /** Every HTTP request (method and path), handshakes included: a read-only client only ever sends GET. */
  httpRequests: { method: string; url: string }[];
  /** Sends `text` on every open connection. */
  broadcast: (text: string) => void;
  /** Sends `text` on the connection at `index`. */
  sendTo: (index: number, text: string) => void;
  /** Kills every open connection without a close handshake. */
  dropAll: () => void;
  open: () => WebSocket[];
  close: () => Promise<void>;
}

export async function fakeWsServer(onMessage?: (ws: WebSocket, text: string, index: number) => void): Promise<FakeWs> {
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const received: string[][] = [];
  const connections: WebSocket[] = [];
  let refuseCount = 0;
  const fake: FakeWs = {
    url: '',
    received,
    connections,
    refused: 0,
    refuseAll: null,
    httpRequests: [],
    refuseNext: (n) => {
      refuseCount = n;
    },
    broadcast: (text) => {
      for (const c of fake.open()) c.send(text);
    },
    sendTo: (i, text) => connections[i]?.send(text),
    dropAll: () => {
      for (const c of fake.open()) c.terminate();
    },
    open: () => connections.filter((c) => c.readyState === c.OPEN),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  // A plain HTTP request is recorded and refused: this server only speaks WebSocket.
  server.on('request', (req, res) => {
    fake.httpRequests.push({ method: req.method ?? '', url: req.url ?? '' });
    res.writeHead(req.method === 'GET' ? 426 : 405).end();
  });
  server.on('upgrade', (req, socket, head) => {
    fake.httpRequests.push({ method: req.method ?? '', url: req.url ?? '' });
    if (fake.refuseAll !== null) {
      fake.refused += 1;
      socket.end(`HTTP/1.1 ${fake.refuseAll} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (refuseCount > 0) {
      refuseCount -= 1;
      fake.refused += 1;
      socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const index = connections.length;
      connections.push(ws);
      received.push([]);
      ws.on('message', (d) => {
        const text = d.toString();
        received[index]!.push(text);
        if (text === 'PING') ws.send('PONG');
        onMessage?.(ws, text, index);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export interface FakeRest {
  url: string;
  /** Request paths (with query), in order. */
  requests: string[];
  /** Request methods, in the same order. */
  methods: string[];
  /** Every request's method and path: anything but GET is answered 405. */
  seen: { method: string; url: string }[];
  /** token_id → /book body. */
  books: Map<string, unknown>;
  /** condition id → /markets/<id> body. */
  markets: Map<string, unknown>;
  /** Answer the next `n` requests with HTTP 429 (Retry-After: `retryAfterS`). */
  rateLimitNext: (n: number, retryAfterS?: number) => void;
  close: () => Promise<void>;
}

export async function fakeClobRest(): Promise<FakeRest> {
  const requests: string[] = [];
  const methods: string[] = [];
  const seen: { method: string; url: string }[] = [];
  const books = new Map<string, unknown>();
  const markets = new Map<string, unknown>();
  let limited = 0;
  let retryAfter = 0;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push(req.url ?? '');
    methods.push(req.method ?? '');
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET') return json(res, 405, { error: 'method' });
    if (limited > 0) {
      limited -= 1;
      res.writeHead(429, retryAfter > 0 ? { 'retry-after': String(retryAfter) } : {});
      return res.end();
    }
    if (url.pathname === '/book') {
      const body = books.get(url.searchParams.get('token_id') ?? '');
      return body ? json(res, 200, body) : json(res, 404, { error: 'No orderbook exists for the requested token id' });
    }
    const m = /^\/markets\/(.+)$/.exec(url.pathname);
    const body = m ? markets.get(decodeURIComponent(m[1]!)) : undefined;
    return body ? json(res, 200, body) : json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    methods,
    seen,
    books,
    markets,
    rateLimitNext: (n, s = 0) => {
      limited = n;
      retryAfter = s;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export { until } from './kit.ts';
