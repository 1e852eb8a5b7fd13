/**
 * The Trust panel's data: GET /trust and GET /strategies (same origin, read-only) every few
 * seconds. Polling rather than the WebSocket: the report is a whole-run aggregate that
 * changes slowly, and a failed poll just keeps the last figures (the banner already says
 * when the lab is away).
 */
import { StrategiesResponseSchema, TrustResponseSchema, type StrategyRow } from '../../src/core/trustWire.ts';
import type { TrustReportWire as TrustReport } from '../../src/core/trustWire.ts';

export const TRUST_POLL_MS = 3_000;

export interface TrustData {
  trust: TrustReport | null;
  strategies: StrategyRow[];
  /** Date.now() of the last successful poll. */
  atMs: number;
}

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Polls until the page closes; `onData` gets each parsed answer, `onError` a failure (bad
 * answers included). While `connected()` says the lab's socket is down it skips the request:
 * the banner already says the lab is away, and a refused fetch would only add console errors.
 */
export function pollTrust(onData: (d: TrustData) => void, onError: (why: string) => void, connected: () => boolean = () => true): void {
  const tick = async () => {
    try {
      if (!connected()) return;
      const [t, s] = await Promise.all([getJson('/trust'), getJson('/strategies')]);
      const trust = TrustResponseSchema.safeParse(t);
      const strategies = StrategiesResponseSchema.safeParse(s);
      if (!trust.success || !strategies.success) onError('unexpected answer from /trust or /strategies');
      else onData({ trust: trust.data.trust, strategies: strategies.data.strategies, atMs: Date.now() });
    } catch (err) {
      onError((err as Error).message);
    } finally {
      window.setTimeout(() => void tick(), TRUST_POLL_MS);
    }
  };
  void tick();
}
