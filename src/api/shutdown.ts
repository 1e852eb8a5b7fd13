/**
 * Bounded shutdown of the HTTP server. `app.close()` waits for every connection to end;
 * a client stuck half-way through a request, or a WebSocket peer that never answers the
 * close handshake, would hold it for as long as it likes (43 s was measured with a
 * half-sent request). Every socket the server accepted is tracked, upgraded ones
 * included, and whatever is still open at the deadline is destroyed.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface SocketTracker {
  readonly open: () => number;
  destroyAll: () => void;
}

export function trackSockets(server: Server): SocketTracker {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    open: () => sockets.size,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

/** Runs `close`; if it has not finished after `graceMs`, destroys every tracked socket and waits for it to finish. */
export async function closeWithin(close: Promise<void>, tracker: SocketTracker, graceMs: number): Promise<'clean' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => resolve('forced'), graceMs);
  });
  const outcome = await Promise.race([close.then(() => 'clean' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'forced') {
    tracker.destroyAll();
    await close;
  }
  return outcome;
}
