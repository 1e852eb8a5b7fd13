/**
 * What a refused WebSocket upgrade tells us: the statuses that mean "blocked where you
 * connect from" (HTTP 451 as Binance.com answers from some countries, 403 as Bybit does)
 * and the venue's own message, read from the body with a small cap. Shared by the socket
 * and the doctor.
 */
import type { IncomingMessage } from 'node:http';

/** Statuses a venue answers the upgrade with when it refuses the region we connect from. */
export const BLOCKED_STATUSES: readonly number[] = [451, 403];
export const DEFAULT_BLOCKED_RETRY_MS = 300_000;
/** Bytes of a refused upgrade's body kept as its reason. */
export const REFUSAL_BODY_MAX = 512;

/** A refused upgrade's body as a one-line reason (at most 200 characters). */
export function refusalText(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Up to `maxBytes` of a (refused upgrade's) response body, the rest discarded, within 1 s. Never rejects. */
export function readSmall(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      res.removeAllListeners('data');
      res.destroy();
      resolve(Buffer.concat(chunks).toString('utf8', 0, Math.min(size, maxBytes)));
    };
    const timer = setTimeout(done, 1_000);
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= maxBytes) done();
    });
    res.on('end', done);
    res.on('error', done);
  });
}
