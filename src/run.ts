/**
 * Composition helpers for `polylab run`: build the engine from config, drive it from a
 * source of inputs at full speed or in real time, fan its outputs out to sinks, and
 * summarize the run. cli.ts wires these to the process (signals, ports, files).
 */
import type { Config, Mode } from './config.ts';
import type { InputEvent } from './core/events.ts';
import type { OutputEvent } from './core/outputs.ts';
import { Engine } from './core/engine.ts';
import { createStrategy } from './strategy/strategies.ts';
import type { RiskLimits } from './strategy/risk.ts';
import type { RestoredAccount } from './paper/restore.ts';

export type Sink = (e: OutputEvent) => void;

export function buildEngine(cfg: Config, mode: Mode | 'replay', runId: string, seed: number | null, restore?: RestoredAccount | null): Engine {
  return new Engine({
    ...(restore ? { restore } : {}),
    runId,
    mode,
    seed,
    strategy: createStrategy(cfg.strategy, { divergenceThreshold: cfg.divergenceThreshold, orderQtyShares: cfg.orderQtyShares, edgeMin: cfg.edgeMin, edgeExit: cfg.edgeExit }),
    median: { stalenessMs: cfg.medianStalenessMs, outlierBps: cfg.medianOutlierBps, minVenues: cfg.medianMinVenues },
    vol: { halfLifeMs: cfg.volHalfLifeMs, floorAnnual: cfg.volFloorAnnual },
    equityUsd: cfg.equityUsd,
    riskMaxMarketFraction: cfg.riskMaxMarketFraction,
    risk: riskLimitsFromConfig(cfg),
    latencyMs: cfg.latencyMs,
    slippageBps: cfg.slippageBps,
    tif: cfg.tif,
    gtcTtlMs: cfg.gtcTtlMs,
  });
}

/** The risk limits of strategy/risk.ts from their `POLYLAB_RISK_*` settings. */
export function riskLimitsFromConfig(cfg: Config): RiskLimits {
  return {
    maxMarketFraction: cfg.riskMaxMarketFraction, maxTotalFraction: cfg.riskMaxTotalFraction, maxOrderQtyShares: cfg.riskMaxOrderQtyShares,
    maxOrderNotionalUsd: cfg.riskMaxOrderNotionalUsd, minOrderQtyShares: cfg.riskMinOrderQtyShares, maxOpenMarkets: cfg.riskMaxOpenMarkets,
    dailyLossLimitUsd: cfg.riskDailyLossLimitUsd, maxMedianAgeMs: cfg.riskMaxMedianAgeMs, minVenues: cfg.riskMinVenues,
    maxBookAgeMs: cfg.riskMaxBookAgeMs, maxSpread: cfg.riskMaxSpread, noNewRiskBeforeEndMs: cfg.riskNoNewRiskBeforeEndMs, cooldownMs: cfg.riskCooldownMs,
  };
}

export interface DriveOptions {
  /** Stop once input time passes start + durationMs (null = until the source ends or abort). */
  durationMs: number | null;
  /** `max` runs as fast as possible; `1x`/`10x` pace input time against the wall clock. */
  speed: 'max' | '1x' | '10x';
  signal?: AbortSignal;
  /** Wall clock, injectable for tests. */
  nowMs?: () => number;
  /** Sees every input just before the engine does (capture). */
  onInput?: (input: InputEvent) => void;
  /** Awaited now and then at full speed, so sinks that write to disk keep up. */
  backpressure?: () => Promise<void>;
}

/** Sleeps `ms`, or less if `signal` aborts; leaves no listener behind either way. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Feeds `inputs` through `engine`, sending every output to `sink`. Returns the last input time. */
export async function drive(engine: Engine, inputs: Iterable<InputEvent>, sink: Sink, opts: DriveOptions): Promise<number> {
  const now = opts.nowMs ?? Date.now;
  const factor = opts.speed === '1x' ? 1 : opts.speed === '10x' ? 10 : 0;
  let first: number | null = null;
  let last = 0;
  const wallStart = now();
  let sinceYield = 0;
  for (const input of inputs) {
    if (opts.signal?.aborted) break;
    first ??= input.ts_unix_ms;
    if (opts.durationMs !== null && input.ts_unix_ms - first > opts.durationMs) break;
    if (factor > 0) {
      const due = wallStart + (input.ts_unix_ms - first) / factor;
      const wait = due - now();
      if (wait > 1) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
    } else if (++sinceYield >= 20_000) {
      // Even at full speed, let signals, timers and API requests in now and then.
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
      await opts.backpressure?.();
    }
    last = input.ts_unix_ms;
    opts.onInput?.(input);
    for (const out of engine.step(input)) sink(out);
  }
  return last;
}

export interface RunSummary {
  run_id: string;
  inputs: number;
  intents: number;
  fills: number;
  rejects: number;
  rejects_by_reason: Record<string, number>;
  settlements: number;
  medians: number;
  realized_pnl: number;
  unrealized_pnl: number;
  fees: number;
  equity: number;
  /** SHA-256 of the output events without the run's identity (src/digest.ts), when computed. */
  digest?: string;
}

/** Collects a summary from the output stream. */
export class SummarySink {
  private readonly s: RunSummary = { run_id: '', inputs: 0, intents: 0, fills: 0, rejects: 0, rejects_by_reason: {}, settlements: 0, medians: 0, realized_pnl: 0, unrealized_pnl: 0, fees: 0, equity: 0 };

  readonly sink: Sink = (e) => {
    const s = this.s;
    switch (e.event_type) {
      case 'run_started': s.run_id = e.run_id; break;
      case 'btc_median': s.medians += 1; break;
      case 'paper_intent': s.intents += 1; break;
      case 'paper_fill': s.fills += 1; break;
      case 'risk_reject': s.rejects += 1; s.rejects_by_reason[e.reason] = (s.rejects_by_reason[e.reason] ?? 0) + 1; break;
      case 'settlement': s.settlements += 1; break;
      case 'pnl': s.realized_pnl = e.realized; s.unrealized_pnl = e.unrealized; s.fees = e.fees; s.equity = e.equity; break;
      default: break;
    }
  };

  summary(inputs: number): RunSummary {
    return { ...this.s, inputs, rejects_by_reason: { ...this.s.rejects_by_reason } };
  }
}

export function formatSummary(s: RunSummary): string {
  const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;
  const reasons = Object.entries(s.rejects_by_reason).sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${r}=${n}`).join(', ');
  return [
    `Polylab run ${s.run_id} — summary`,
    `  inputs        ${s.inputs}`,
    `  medians       ${s.medians}`,
    `  intents       ${s.intents}`,
    `  fills         ${s.fills}`,
    `  rejects       ${s.rejects}${reasons ? ` (${reasons})` : ''}`,
    `  settlements   ${s.settlements}`,
    `  realized PnL  ${usd(s.realized_pnl)} (fees ${usd(s.fees)} included)`,
    `  unrealized    ${usd(s.unrealized_pnl)} (marked at best bid)`,
    `  equity        ${usd(s.equity)}`,
    ...(s.digest ? [`  digest        ${s.digest}`] : []),
    '  paper trading only: no order was sent anywhere.',
  ].join('\n');
}
