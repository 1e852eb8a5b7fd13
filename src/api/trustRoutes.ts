/**
 * GET /trust: how far to trust the paper PnL (src/analytics) — tape confirmation, markouts,
 * the fill-model PnL range, calibration, basis and measured latency, as computed from the run's inputs so far.
 * docs/methodology.md ("How far to trust the paper PnL") explains every field.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { TrustReport } from '../analytics/trustReport.ts';
import type { BasisReport } from '../analytics/basis.ts';
import type { FeedWarning } from '../core/wire.ts';
import { StrategiesResponseSchema, TrustReportSchema, TrustResponseSchema, type StrategyRow } from '../core/trustWire.ts';

export {
  StrategiesResponseSchema,
  StrategyRowSchema,
  TrustReportSchema,
  TrustResponseSchema,
  type StrategyRow,
} from '../core/trustWire.ts';

// The drift check between the wire schema (core, read by the dashboard) and the analytics' own type.
TrustReportSchema satisfies z.ZodType<TrustReport>;

export interface TrustSources {
  /** The run's analytics; without it GET /trust answers `{ trust: null }`. */
  trust?: () => TrustReport;
  /** The main run and its side-by-side configurations; without it GET /strategies answers `[]`. */
  strategies?: () => StrategyRow[];
  /** The run's basis tracker; its warnings join GET /feed/health (and the WebSocket snapshot). */
  basis?: () => BasisReport;
  /**
   * Changes whenever the inputs behind the figures do (the engine's input count): a body is
   * computed once per value, and while inputs keep coming at most once per
   * TRUST_CACHE_MAX_AGE_MS. Without it, bodies are only cached for that long.
   */
  version?: () => number;
  /** Wall clock, for the cache's age; injectable for tests. */
  nowMs?: () => number;
}

/**
 * How stale a /trust or /strategies body may be while the run goes on. The report is read
 * from running figures (src/analytics/fillFigures.ts): a few ms whatever the run's age, most
 * of it the latency percentiles and the basis series (it once walked every fill: 40-75 ms
 * after 6 h of the noisy sim); a thousand concurrent calls used to queue one computation
 * each ahead of every health probe. The dashboard polls every 3 s, so a body up to 2 s old
 * costs it nothing.
 */
export const TRUST_CACHE_MAX_AGE_MS = 2_000;

/**
 * A JSON body computed at most once per input version (or per max age), kept as bytes: a
 * burst of calls then costs one report and no per-call serialization or validation (the
 * response schemas are checked by the tests, test/integration/api-trust.test.ts).
 */
function cachedBody(build: () => unknown, src: TrustSources): () => Buffer {
  const now = src.nowMs ?? Date.now;
  let key: number | null = null;
  let atMs = Number.NEGATIVE_INFINITY;
  let body: Buffer | null = null;
  return () => {
    const v = src.version ? src.version() : null;
    const t = now();
    if (body === null || (!(v !== null && v === key) && t - atMs >= TRUST_CACHE_MAX_AGE_MS)) {
      body = Buffer.from(JSON.stringify(build()));
      key = v;
      atMs = t;
    }
    return body;
  };
}

/** One warning per resolution source whose latest basis to the venue median is above the threshold. */
export function basisWarnings(r: BasisReport): FeedWarning[] {
  return r.sources
    .filter((b) => b.warning && b.last_bps !== null)
    .map((b) => ({
      kind: 'basis' as const,
      source: b.source,
      last_bps: b.last_bps!,
      warn_bps: r.warn_bps,
      message: `venue median vs ${b.source}: ${b.last_bps!.toFixed(1)} bps, above ${r.warn_bps} bps: the outcome may differ from what the median says`,
    }));
}

export function registerTrustRoutes(root: FastifyInstance, src: TrustSources): void {
  // Untyped routes: the body is sent as bytes (the schema stays, for the OpenAPI document).
  const app = root;
  const trustBody = cachedBody(() => ({ trust: src.trust ? src.trust() : null }), src);
  const strategiesBody = cachedBody(() => ({ strategies: src.strategies ? src.strategies() : [] }), src);
  app.get(
    '/trust',
    {
      schema: {
        description: 'How far to trust the paper PnL: tape confirmation, markouts, fill-model PnL range, calibration, basis, latency',
        response: { 200: TrustResponseSchema },
      },
    },
    (_req, reply) => reply.type('application/json').send(trustBody()),
  );
  app.get(
    '/strategies',
    {
      schema: {
        description: 'The main run and each --strategies configuration side by side on the same inputs',
        response: { 200: StrategiesResponseSchema },
      },
    },
    (_req, reply) => reply.type('application/json').send(strategiesBody()),
  );
}
