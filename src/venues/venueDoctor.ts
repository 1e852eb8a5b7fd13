/**
 * `polylab doctor`, venue part: connect to each configured venue once, subscribe, and wait
 * for the acknowledgement, a first trade, an error or the timeout. One row per source.
 */
import WebSocket from 'ws';
import { ADAPTERS, type VenueEndpoint, type VenueName } from './index.ts';
import type { VenueAdapter } from './types.ts';
import { describeError } from '../net/errors.ts';
import { onRefusedUpgrade, type DoctorRow } from '../net/refusal.ts';

export type { DoctorRow } from '../net/refusal.ts';

export interface DoctorOptions {
  timeoutMs: number;
  adapters?: Partial<Record<VenueName, VenueAdapter>>;
}

/** Checks one venue; never rejects. */
export function checkVenue(source: string, adapter: VenueAdapter, url: string, symbol: string, timeoutMs: number): Promise<DoctorRow> {
  const t0 = performance.now();
  return new Promise<DoctorRow>((resolve) => {
    let settled = false;
    let phase = 'connecting';
    let ws: WebSocket;
    const done = (ok: boolean, detail: string, blocked = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      ws.terminate();
      resolve({ source, ok, detail, latency_ms: Math.round(performance.now() - t0), ...(blocked ? { blocked } : {}) });
    };
    const timer = setTimeout(() => done(false, `timeout after ${timeoutMs} ms (${phase})`), timeoutMs);
    try {
      ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false, maxPayload: 8 << 20 });
    } catch (err) {
      clearTimeout(timer);
      resolve({ source, ok: false, detail: describeError(err), latency_ms: null });
      return;
    }
    ws.on('open', () => {
      phase = adapter.acksSubscription ? 'waiting for the subscription ack' : 'waiting for a first trade';
      for (const f of adapter.subscribe(symbol)) ws.send(f);
    });
    ws.on('message', (data) => {
      const r = adapter.parse(data.toString(), Date.now(), symbol);
      if (r.kind === 'ack') done(true, `subscribed (${r.detail})`);
      else if (r.kind === 'trades' && r.trades[0]) done(true, `trade ${r.trades[0].px} ${r.trades[0].symbol}`);
      else if (r.kind === 'error') done(false, `venue error: ${r.message}`);
      else if (r.kind === 'ping') ws.send(r.reply);
    });
    ws.on('unexpected-response', (_req, res) => onRefusedUpgrade(res, done));
    ws.on('error', (err) => done(false, describeError(err)));
    ws.on('close', (code) => done(false, `closed by server (${code})`));
  });
}

/** Checks every configured venue in parallel. */
export async function runDoctor(venues: readonly VenueEndpoint[], opts: DoctorOptions): Promise<DoctorRow[]> {
  const adapters = opts.adapters ?? ADAPTERS;
  return Promise.all(
    venues.map(({ venue, url, symbol }) => {
      const adapter = adapters[venue];
      if (!adapter)
        return Promise.resolve<DoctorRow>({ source: venue, ok: false, detail: `no adapter for ${venue} in this build`, latency_ms: null });
      return checkVenue(venue, adapter, url, symbol, opts.timeoutMs);
    }),
  );
}
