/**
 * Who may talk to the API, checked before any route runs.
 *
 * - Host, on every request (DNS rebinding): a page on `evil.example` whose name is
 *   re-pointed at 127.0.0.1 reaches this server as a same-origin request carrying
 *   `Host: evil.example:8080`. The attacker controls the name, never an IP literal, so a
 *   Host is accepted when its name is an IP literal, a loopback name (`localhost`,
 *   `*.localhost`), the host the server is bound to, or the host of an allowed origin.
 * - Origin, on WebSocket upgrades: browsers let any page open a WebSocket anywhere and
 *   send its `Origin`; it is accepted when it is the server's own origin (same Host),
 *   a loopback origin, or listed in POLYLAB_WS_ALLOWED_ORIGINS. An upgrade without
 *   Origin comes from a non-browser client, which could send any Origin anyway, so it
 *   is accepted (the Host check still applies).
 *
 * Refusals are 403 with the coded error body, counted in `polylab_http_refused_total`,
 * and logged once per burst.
 */
import { isIP } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ApiMetrics } from './metrics.ts';
import type { ErrorBody } from '../core/wire.ts';

export interface GuardPolicy {
  /** The address the server listens on (POLYLAB_HOST). */
  bindHost: string;
  /** Extra browser origins allowed to open /ws, exactly as sent in `Origin`. */
  allowedOrigins: readonly string[];
}

export interface Refusal {
  reason: 'host' | 'origin';
  message: string;
}

/** `[::1]` → `::1`, lower case: the form `isIP` and comparisons expect. */
const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** The hostname of a `Host` header value (`name`, `name:port`, `[v6]:port`), or null if it is not one. */
export function hostnameOf(hostHeader: string): string | null {
  // A Host header is only host[:port]; anything with a path, query, credentials or spaces is not one.
  if (hostHeader === '' || /[\s/?#@\\]/.test(hostHeader)) return null;
  try {
    return bare(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return null;
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** A pure decision on one request's headers: null when it may pass. */
export function checkRequest(headers: { host?: string; origin?: string; upgrade?: string }, policy: GuardPolicy): Refusal | null {
  const hostHeader = headers.host ?? '';
  const hostname = hostnameOf(hostHeader);
  const knownNames = new Set([bare(policy.bindHost), ...policy.allowedOrigins.map((o) => bare(new URL(o).hostname))]);
  const hostOk = hostname !== null && (isIP(hostname) !== 0 || isLoopbackHost(hostname) || knownNames.has(hostname));
  if (!hostOk)
    return {
      reason: 'host',
      message: `Host ${JSON.stringify(hostHeader)} is not a name of this server (DNS rebinding guard); list its origin in POLYLAB_WS_ALLOWED_ORIGINS to allow it`,
    };
  if (headers.upgrade?.toLowerCase() !== 'websocket' || headers.origin === undefined) return null;
  const origin = headers.origin;
  // "null" (sandboxed or file pages) and garbage do not parse, and are refused.
  const url = URL.canParse(origin) ? new URL(origin) : null;
  const originOk =
    url !== null && (url.host === hostHeader.toLowerCase() || isLoopbackHost(url.hostname) || policy.allowedOrigins.includes(origin));
  if (!originOk)
    return {
      reason: 'origin',
      message: `WebSocket from origin ${JSON.stringify(origin)} refused: only this server's own, loopback or POLYLAB_WS_ALLOWED_ORIGINS origins may connect`,
    };
  return null;
}

/** Installs the guard as an onRequest hook of `app` (after @fastify/websocket's, see server.ts). */
export function registerRequestGuard(app: FastifyInstance, policy: GuardPolicy, metrics?: ApiMetrics): void {
  const refused = new Map<string, number>();
  app.addHook('onRequest', (req, reply, done) => {
    const h = req.headers;
    const refusal = checkRequest(
      { host: h.host, origin: h.origin, upgrade: typeof h.upgrade === 'string' ? h.upgrade : undefined },
      policy,
    );
    if (!refusal) return done();
    metrics?.httpRefused.inc({ reason: refusal.reason });
    const n = (refused.get(refusal.reason) ?? 0) + 1;
    refused.set(refusal.reason, n);
    if (n === 1 || n % 100 === 0) req.log.warn({ reason: refusal.reason, count: n, host: h.host, origin: h.origin }, refusal.message);
    const body: ErrorBody = { error: { code: 'FORBIDDEN', message: refusal.message, field: null } };
    reply.code(403).send(body);
  });
}

const warnedHosts = new Set<string>();

/** Says once per process and host that the API is reachable from other machines. */
export function warnIfExposed(host: string, log: Pick<FastifyBaseLogger, 'warn'>): boolean {
  if (isLoopbackHost(host) || warnedHosts.has(host)) return false;
  warnedHosts.add(host);
  log.warn(
    { host },
    `API bound to ${host}, not loopback: every machine that can reach it can read the lab's state (read-only; WebSocket origins are still checked)`,
  );
  return true;
}
