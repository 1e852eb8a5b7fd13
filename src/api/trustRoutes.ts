/**
 * GET /trust: how far to trust the paper PnL (src/analytics) — tape confirmation, markouts,
 * the fill-model PnL range, calibration, basis and measured latency, as computed from the run's inputs so far.
 * docs/methodology.md ("How far to trust the paper PnL") explains every field.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TrustReport } from '../analytics/report.ts';

const num = z.number();
const maybe = num.nullable();
const models = z.object({ optimistic: num, default: num, pessimistic: num });

export const TrustReportSchema = z.object({
  fills: z.number().int().nonnegative(),
  dropped_fills: z.number().int().nonnegative(),
  tape: z.object({
    window_ms: z.number().int().nonnegative(), confirmed: z.number().int().nonnegative(), unconfirmed: z.number().int().nonnegative(), unknown: z.number().int().nonnegative(),
    confirmed_share: maybe, settled_pnl: num, confirmed_pnl: num, confirmed_pnl_share: maybe,
  }),
  markouts: z.array(z.object({
    strategy: z.string(), side: z.enum(['buy', 'sell']), fills: z.number().int().nonnegative(),
    horizons: z.array(z.object({ horizon_ms: z.number().int().positive(), samples: z.number().int().nonnegative(), mid: maybe, exit: maybe })),
    settlement: z.object({ samples: z.number().int().nonnegative(), avg: maybe }),
  })),
  fill_models: z.object({ settled_trades: z.number().int().nonnegative(), pnl: models, low: num, high: num }),
  calibration: z.array(z.object({
    strategy: z.string(), family: z.string(), count: num, brier: maybe, log_loss: maybe, ece: maybe,
    bins: z.array(z.object({ lo: num, hi: num, count: num, mean_forecast: maybe, observed_rate: maybe })),
  })),
  basis: z.object({
    warn_bps: num,
    sources: z.array(z.object({
      source: z.string(), samples: z.number().int().nonnegative(), mean_bps: maybe, max_abs_bps: maybe, last_bps: maybe, warning: z.boolean(),
      above_warn: z.number().int().nonnegative(), series: z.array(z.object({ ts_unix_ms: z.number().int(), bps: num })),
    })),
    flip_risk_markets: z.array(z.string()),
  }),
  latency: z.array(z.object({
    source: z.string(), samples: z.number().int().nonnegative(), exchange_to_receive_p50_ms: maybe, exchange_to_receive_p99_ms: maybe,
    receive_to_decision_p50_ms: maybe, receive_to_decision_p99_ms: maybe,
  })),
}) satisfies z.ZodType<TrustReport>;

export const TrustResponseSchema = z.object({ trust: TrustReportSchema.nullable() });

/** `report` is the run's analytics; without one the route answers `{ trust: null }`. */
export function registerTrustRoutes(root: FastifyInstance, report: (() => TrustReport) | undefined): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/trust', { schema: { description: 'How far to trust the paper PnL: tape confirmation, markouts, fill-model PnL range, calibration', response: { 200: TrustResponseSchema } } },
    () => ({ trust: report ? report() : null }));
}
