/**
 * GET /trust: how far to trust the paper PnL (src/analytics) — tape confirmation, markouts,
 * the fill-model PnL range, calibration, basis and measured latency, as computed from the run's inputs so far.
 * docs/methodology.md ("How far to trust the paper PnL") explains every field.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
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
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/trust',
    {
      schema: {
        description: 'How far to trust the paper PnL: tape confirmation, markouts, fill-model PnL range, calibration, basis, latency',
        response: { 200: TrustResponseSchema },
      },
    },
    () => ({ trust: src.trust ? src.trust() : null }),
  );
  app.get(
    '/strategies',
    {
      schema: {
        description: 'The main run and each --strategies configuration side by side on the same inputs',
        response: { 200: StrategiesResponseSchema },
      },
    },
    () => ({ strategies: src.strategies ? src.strategies() : [] }),
  );
}
