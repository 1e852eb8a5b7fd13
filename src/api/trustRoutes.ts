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

const num = z.number();
const maybe = num.nullable();
const models = z.object({ optimistic: num, default: num, pessimistic: num });

export const TrustReportSchema = z.object({
  fills: z.number().int().nonnegative(),
  dropped_fills: z.number().int().nonnegative(),
  tape: z.object({
    window_ms: z.number().int().nonnegative(),
    confirmed: z.number().int().nonnegative(),
    unconfirmed: z.number().int().nonnegative(),
    unknown: z.number().int().nonnegative(),
    confirmed_share: maybe,
    settled_pnl: num,
    confirmed_pnl: num,
    confirmed_pnl_share: maybe,
  }),
  markouts: z.array(
    z.object({
      strategy: z.string(),
      side: z.enum(['buy', 'sell']),
      fills: z.number().int().nonnegative(),
      horizons: z.array(
        z.object({ horizon_ms: z.number().int().positive(), samples: z.number().int().nonnegative(), mid: maybe, exit: maybe }),
      ),
      settlement: z.object({ samples: z.number().int().nonnegative(), avg: maybe }),
    }),
  ),
  fill_models: z.object({
    pessimistic_latency: z.enum(['double', 'measured_p99']),
    settled_trades: z.number().int().nonnegative(),
    pnl: models,
    low: num,
    high: num,
    /** Resting orders' settled PnL under both queue models (analytics/queueRange.ts). */
    queue: z
      .object({
        configured: z.enum(['conservative', 'probabilistic']),
        maker_fills: z.number().int().nonnegative(),
        shadow_fills: z.number().int().nonnegative(),
        pnl: z.object({ conservative: num, probabilistic: num }),
      })
      .optional(),
  }),
  calibration: z.array(
    z.object({
      strategy: z.string(),
      family: z.string(),
      count: num,
      brier: maybe,
      log_loss: maybe,
      ece: maybe,
      bins: z.array(z.object({ lo: num, hi: num, count: num, mean_forecast: maybe, observed_rate: maybe })),
    }),
  ),
  basis: z.object({
    warn_bps: num,
    sources: z.array(
      z.object({
        source: z.string(),
        samples: z.number().int().nonnegative(),
        mean_bps: maybe,
        max_abs_bps: maybe,
        last_bps: maybe,
        warning: z.boolean(),
        above_warn: z.number().int().nonnegative(),
        series: z.array(z.object({ ts_unix_ms: z.number().int(), bps: num })),
      }),
    ),
    flip_risk_markets: z.array(z.string()),
    flip_risk_count: z.number().int().nonnegative(),
  }),
  latency: z.array(
    z.object({
      source: z.string(),
      samples: z.number().int().nonnegative(),
      exchange_to_receive_p50_ms: maybe,
      exchange_to_receive_p99_ms: maybe,
      receive_to_decision_p50_ms: maybe,
      receive_to_decision_p99_ms: maybe,
    }),
  ),
}) satisfies z.ZodType<TrustReport>;

export const TrustResponseSchema = z.object({ trust: TrustReportSchema.nullable() });

/**
 * One strategy configuration's line of the side-by-side table (src/app/lanes.ts): counts and
 * PnL from its own engine; `pnl_low`/`pnl_high` the fill-model range of its settled trades;
 * `confirmed_share` of its fills; `markout_5s` the quantity-weighted 5 s mid markout over
 * both sides (per share); `brier` over all its scored decisions.
 */
export const StrategyRowSchema = z.object({
  name: z.string(),
  strategy: z.string(),
  fills: z.number().int().nonnegative(),
  rejects: z.number().int().nonnegative(),
  realized_pnl: num,
  equity: num,
  pnl_low: num,
  pnl_high: num,
  confirmed_share: maybe,
  markout_5s: maybe,
  brier: maybe,
});
export type StrategyRow = z.infer<typeof StrategyRowSchema>;
export const StrategiesResponseSchema = z.object({ strategies: z.array(StrategyRowSchema) });

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
 * How stale a /trust or /strategies body may be while the run goes on. Computing the report
 * costs ~14 ms of main-thread CPU early in a run and grows with it (40-75 ms after 6 h of
 * the noisy sim); a thousand concurrent calls used to queue all of it ahead of every health
 * probe. The dashboard polls every 3 s, so a body up to 2 s old costs it nothing.
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
