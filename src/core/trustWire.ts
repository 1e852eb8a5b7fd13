/**
 * Wire schemas of GET /trust and GET /strategies (src/api/trustRoutes.ts serves them, the
 * dashboard and `polylab report` parse them): with the event contract, so a reader needs
 * no server module. docs/methodology.md ("How far to trust the paper PnL") explains every field.
 */
import { z } from 'zod';

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
});
/** The trust report as served; src/api/trustRoutes.ts checks it against analytics' TrustReport at compile time. */
export type TrustReportWire = z.infer<typeof TrustReportSchema>;

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
