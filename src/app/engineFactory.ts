/**
 * The engine and the trust analytics built from the lab's config, and the simulator's options:
 * the one place a `Config` becomes the plain option objects the pure floors take.
 */
import type { Config } from './config.ts';
import type { RunMode } from '../core/outputs.ts';
import { Engine } from '../engine/engine.ts';
import { Analytics } from '../analytics/analytics.ts';
import { createStrategy } from '../strategy/strategies.ts';
import type { RiskLimits } from '../strategy/risk.ts';
import { VENUE_NAMES } from '../venues/index.ts';
import type { SimOptions } from '../sim/sim.ts';
import type { RestoredAccount } from '../paper/restore.ts';

export function buildEngine(cfg: Config, mode: RunMode, runId: string, seed: number | null, restore?: RestoredAccount | null): Engine {
  return new Engine({
    ...(restore ? { restore } : {}),
    runId,
    mode,
    seed,
    strategy: createStrategy(cfg.strategy, {
      divergenceThreshold: cfg.divergenceThreshold,
      orderQtyShares: cfg.orderQtyShares,
      edgeMin: cfg.edgeMin,
      edgeExit: cfg.edgeExit,
      maker: {
        halfSpread: cfg.makerHalfSpread,
        qtyShares: cfg.makerQtyShares,
        skewPerShare: cfg.makerSkewPerShare,
        maxInventoryShares: cfg.makerMaxInventoryShares,
        pullBeforeEndMs: cfg.makerPullBeforeEndMs,
        maxReferenceAgeMs: cfg.makerMaxReferenceAgeMs,
      },
    }),
    median: { stalenessMs: cfg.medianStalenessMs, outlierBps: cfg.medianOutlierBps, minVenues: cfg.medianMinVenues },
    vol: { halfLifeMs: cfg.volHalfLifeMs, floorAnnual: cfg.volFloorAnnual },
    equityUsd: cfg.equityUsd,
    riskMaxMarketFraction: cfg.riskMaxMarketFraction,
    risk: riskLimitsFromConfig(cfg),
    latencyMs: cfg.latencyMs,
    slippageBps: cfg.slippageBps,
    tif: cfg.tif,
    gtcTtlMs: cfg.gtcTtlMs,
    takerDelayMs: cfg.takerDelayMs,
    ...(cfg.cancelLatencyMs !== null ? { cancelLatencyMs: cfg.cancelLatencyMs } : {}),
    queueModel: cfg.queueModel,
    queuePower: cfg.queuePower,
  });
}

/** The trust analytics (src/analytics) priced with the same latency and slippage as the paper execution. */
export function buildAnalytics(cfg: Config): Analytics {
  return new Analytics({
    latencyMs: cfg.latencyMs,
    slippageBps: cfg.slippageBps,
    pessimisticLatency: cfg.pessimisticLatency,
    tape: { windowMs: cfg.tapeWindowMs },
  });
}

/** The risk limits of strategy/risk.ts from their `POLYLAB_RISK_*` settings. */
export function riskLimitsFromConfig(cfg: Config): RiskLimits {
  return {
    maxMarketFraction: cfg.riskMaxMarketFraction,
    maxTotalFraction: cfg.riskMaxTotalFraction,
    maxOrderQtyShares: cfg.riskMaxOrderQtyShares,
    maxOrderNotionalUsd: cfg.riskMaxOrderNotionalUsd,
    minOrderQtyShares: cfg.riskMinOrderQtyShares,
    maxOpenMarkets: cfg.riskMaxOpenMarkets,
    dailyLossLimitUsd: cfg.riskDailyLossLimitUsd,
    maxMedianAgeMs: cfg.riskMaxMedianAgeMs,
    minVenues: cfg.riskMinVenues,
    maxBookAgeMs: cfg.riskMaxBookAgeMs,
    maxSpread: cfg.riskMaxSpread,
    noNewRiskBeforeEndMs: cfg.riskNoNewRiskBeforeEndMs,
    cooldownMs: cfg.riskCooldownMs,
  };
}

/** The simulator's options from config: the seed, the market profile and its realism overrides. */
export function simOptionsFromConfig(cfg: Config): SimOptions {
  return {
    seed: cfg.seed,
    market: cfg.simMarket,
    venues: VENUE_NAMES,
    realism: {
      volAnnual: cfg.simVolAnnual,
      spread: cfg.simSpread,
      depthShares: cfg.simDepthShares,
      depthDecay: cfg.simDepthDecay,
      bookMs: cfg.simBookMs,
      makerReactionMs: cfg.simMakerReactionMs,
      impactPerShare: cfg.simImpactPerShare,
      oracleBasisBps: cfg.simOracleBasisBps,
      oracleLagMs: cfg.simOracleLagMs,
      outageMsPerMinute: cfg.simOutageMs,
      outlierRate: cfg.simOutlierRate,
      noiseTakersPerMin: cfg.simNoiseTakersPerMin,
      noiseTakerShares: cfg.simNoiseTakerShares,
      informedTakersPerMin: cfg.simInformedTakersPerMin,
      informedEdge: cfg.simInformedEdge,
      informedTakerShares: cfg.simInformedTakerShares,
    },
  };
}
