/**
 * Faulty loopback servers for the "feeds that never lie" tests: a WebSocket endpoint that
 * refuses the upgrade with an HTTP status (451 as Binance.com answers from some countries,
 * 403 as Bybit does), and an HTTP server whose body never ends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefusingServer {
  url: string;
  /** Upgrade requests refused so far. */
  refused: number;
  close: () => Promise<void>;
}

/** Binance's documented restricted-location answer (HTTP 451), as a public report quotes it. */
export const BINANCE_451_BODY =
  '{"code":0,"msg":"Service unavailable from a restricted location according to \'b. Eligibility\' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error."}';

/** Every WebSocket upgrade is answered with `status` and `body`, as a geo-blocking venue does. */
export async function refusingWsServer(status: number, body: string): Promise<RefusingServer> {
  const http = createServer((_req, res) => res.writeHead(status).end(body));
  const srv: RefusingServer = { url: '', refused: 0, close: () => closeServer(http) };
  http.on('upgrade', (_req, socket) => {
    srv.refused += 1;
    socket.end(
      `HTTP/1.1 ${status} Unavailable For Legal Reasons\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  srv.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  return srv;
}

export interface EndlessServer {
  url: string;
  /** Bytes written to clients so far. */
  sent: () => number;
  /** Requests whose client went away before the (never-coming) end. */
  abandoned: () => number;
  close: () => Promise<void>;
}

/**
 * Answers every GET with HTTP 200 and a JSON-looking body that never ends (`[` then
 * endless array items), written as fast as the client reads it.
 */
export async function endlessBodyServer(): Promise<EndlessServer> {
  let sent = 0;
  let abandoned = 0;
  const chunk = Buffer.from(`${JSON.stringify({ id: 'x', slug: 'y', padding: 'z'.repeat(16_000) })},`);
  const http = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let open = true;
    req.socket.on('close', () => {
      if (open) abandoned += 1;
      open = false;
    });
    const pump = () => {
      while (open) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.write('[');
    pump();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    sent: () => sent,
    abandoned: () => abandoned,
    close: () => closeServer(http),
  };
}

function closeServer(http: Server): Promise<void> {
  http.closeAllConnections();
  return new Promise<void>((r) => http.close(() => r()));
}
