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

/** What to do about a venue that refuses us where we connect from (told by the venue feeds and the doctor). */
export const BLOCKED_HINT =
  'the venue refuses connections from here: use POLYLAB_REGION=us (Binance.US) or remove it from POLYLAB_VENUES — see README "Blocked venues"';

/** One source's line of `polylab doctor`. */
export interface DoctorRow {
  source: string;
  ok: boolean;
  detail: string;
  latency_ms: number | null;
  /** Set when the source refuses us where we connect from (HTTP 451/403): shown as `blocked`. */
  blocked?: boolean;
}

/** The detail of a refused WebSocket upgrade: blocked (451/403: the venue's message and what to do) or the status. */
export function refusedUpgradeDetail(status: number, body: string): { detail: string; blocked: boolean } {
  const text = refusalText(body);
  if (BLOCKED_STATUSES.includes(status))
    return { detail: `blocked: HTTP ${status} on connect${text ? ` (${text})` : ''} — ${BLOCKED_HINT}`, blocked: true };
  return { detail: `HTTP ${status} on connect`, blocked: false };
}

/** Reads a refused upgrade's status and body, then reports it through `done`. */
export function onRefusedUpgrade(res: IncomingMessage, done: (ok: boolean, detail: string, blocked: boolean) => void): void {
  const status = res.statusCode ?? 0;
  void readSmall(res, REFUSAL_BODY_MAX).then((body) => {
    const r = refusedUpgradeDetail(status, body);
    done(false, r.detail, r.blocked);
  });
}
