/**
 * The one retry delay of the lab: capped exponential backoff with jitter. Used by the
 * resilient socket, the Gamma rollover, the CLOB REST client and the dashboard's own
 * connection (web/src/conn.ts bundles this file, so it stays pure: no imports, no clock,
 * the random source passed in).
 */

export interface BackoffPolicy {
  /** Delay of the first retry (attempt 0) before jitter. */
  initialMs: number;
  /** Ceiling of the un-jittered delay. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /**
   * Fraction of the delay randomized. `around` (the default): 0.3 → delay × [0.7, 1.3];
   * `below`: 0.5 → delay × [0.5, 1.0], never above the cap.
   */
  jitter: number;
  jitterMode?: 'around' | 'below';
}

/** Exponents above this change nothing (any sane cap is reached) and keep `factor ** n` finite. */
const MAX_EXPONENT = 30;

/** Delay before retry `attempt` (0-based): `initialMs × factor^attempt`, capped at `maxMs`, then jittered. */
export function backoffDelayMs(attempt: number, p: BackoffPolicy, random: () => number): number {
  const base = Math.min(p.maxMs, p.initialMs * p.factor ** Math.min(Math.max(0, attempt), MAX_EXPONENT));
  const spread = base * p.jitter;
  const width = p.jitterMode === 'below' ? spread : 2 * spread;
  return Math.max(0, Math.round(base - spread + width * random()));
}
