/**
 * `polylab doctor`, Polymarket part: one plain GET to Gamma and to the CLOB REST API, and
 * one connection to the CLOB market socket and to the real-time data socket (subscribed to
 * Chainlink BTC/USD, waiting for its first message). Rows share the venue doctor's shape.
 */
import WebSocket from 'ws';
import { BLOCKED_STATUSES, onRefusedUpgrade, type DoctorRow } from '../net/refusal.ts';
import { RTDS_CHAINLINK_SUBSCRIBE } from './rtds.ts';
import { polyboltSubscribeFrame } from './wire/polyboltMessages.ts';
import { describeError } from '../net/errors.ts';
import { httpGet } from '../net/httpBody.ts';

/** The doctor reads at most this much of an HTTP answer. */
const DOCTOR_BODY_MAX_BYTES = 1024 * 1024;

/** GET `url`; ok when the answer is HTTP 200 with a JSON body. Never rejects. */
export async function checkHttp(source: string, url: string, timeoutMs: number): Promise<DoctorRow> {
  const t0 = performance.now();
  const res = await httpGet(url, { maxBytes: DOCTOR_BODY_MAX_BYTES, timeoutMs });
  const latencyMs = Math.round(performance.now() - t0);
  if (!res.ok) {
    if (res.status === null) {
      const detail = res.kind === 'timeout' ? `timeout after ${timeoutMs} ms` : res.message;
      return { source, ok: false, detail, latency_ms: null };
    }
    const waitS = res.retryAfterMs !== null ? ` (Retry-After ${Math.round(res.retryAfterMs / 1_000)} s)` : '';
    const detail = res.status === 429 ? `rate limited: HTTP 429${waitS}` : res.message;
    return { source, ok: false, detail, latency_ms: latencyMs, ...(BLOCKED_STATUSES.includes(res.status) ? { blocked: true } : {}) };
  }
  if (res.status !== 200) return { source, ok: false, detail: `HTTP ${res.status}`, latency_ms: latencyMs };
  try {
    JSON.parse(res.text);
  } catch {
    return { source, ok: false, detail: 'HTTP 200 but not JSON', latency_ms: null };
  }
  return { source, ok: true, detail: `HTTP 200, ${res.bytes} bytes`, latency_ms: latencyMs };
}

/** Opens a socket, sends `hello`, and is ok on the first message (or on open if `okOnOpen`). */
export function checkSocket(source: string, url: string, hello: string | null, okOnOpen: boolean, timeoutMs: number): Promise<DoctorRow> {
  const t0 = performance.now();
  return new Promise<DoctorRow>((resolve) => {
    let ws: WebSocket | null = null;
    const done = (ok: boolean, detail: string, blocked = false) => {
      clearTimeout(timer);
      if (ws) {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
      }
      resolve({ source, ok, detail, latency_ms: Math.round(performance.now() - t0), ...(blocked ? { blocked } : {}) });
    };
    const timer = setTimeout(() => done(false, `timeout after ${timeoutMs} ms`), timeoutMs);
    try {
      ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    } catch (err) {
      return done(false, describeError(err));
    }
    ws.on('open', () => {
      if (hello !== null) ws!.send(hello);
      if (okOnOpen) done(true, 'connected');
    });
    ws.on('message', (d) => done(true, `first message: ${d.toString().slice(0, 60)}`));
    ws.on('unexpected-response', (_req, res) => onRefusedUpgrade(res, done));
    ws.on('error', (err) => done(false, describeError(err)));
    ws.on('close', (code) => done(false, `closed by server (${code})`));
  });
}

export interface PolymarketEndpoints {
  gammaUrl: string;
  clobUrl: string;
  clobWsUrl: string;
  rtdsUrl: string;
  /** Checked (an open connection; the doctor never sends the credentials) when PolyBolt is in use. */
  polyboltUrl?: string | null;
}

export function checkPolymarket(e: PolymarketEndpoints, timeoutMs: number): Promise<DoctorRow[]> {
  const base = (u: string) => u.replace(/\/+$/, '');
  return Promise.all([
    checkHttp('gamma', `${base(e.gammaUrl)}/events/keyset?limit=1&closed=false`, timeoutMs),
    checkHttp('clob_rest', `${base(e.clobUrl)}/time`, timeoutMs),
    // An empty market subscription: the socket accepts it and stays quiet, so open = ok.
    checkSocket('polymarket_ws', e.clobWsUrl, JSON.stringify({ assets_ids: [], type: 'market' }), true, timeoutMs),
    checkSocket('rtds', e.rtdsUrl, RTDS_CHAINLINK_SUBSCRIBE, false, timeoutMs),
    // PolyBolt answers a subscription before auth with an error and stays open: open = ok.
    ...(e.polyboltUrl ? [checkSocket('polybolt', e.polyboltUrl, polyboltSubscribeFrame(), true, timeoutMs)] : []),
  ]);
}
