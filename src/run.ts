/**
 * Composition helpers for `polylab run`: build the engine from config, drive it from a
 * source of inputs at full speed or in real time, fan its outputs out to sinks, and
 * summarize the run. cli.ts wires these to the process (signals, ports, files).
 */
import type { Config, Speed } from './config.ts';
import type { InputEvent } from './core/events.ts';
import type { OutputEvent, OutputOf, RunMode } from './core/outputs.ts';
import { Engine } from './engine/engine.ts';
import { Analytics } from './analytics/analytics.ts';
import { formatTrust, type TrustReport } from './analytics/report.ts';
import { createStrategy } from './strategy/strategies.ts';
import type { RiskLimits } from './strategy/risk.ts';
import type { SimOptions } from './feeds/sim/sim.ts';
import type { RestoredAccount } from './paper/restore.ts';

export type Sink = (e: OutputEvent) => void;

export function buildEngine(cfg: Config, mode: RunMode, runId: string, seed: number | null, restore?: RestoredAccount | null): Engine {
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

/** The trust analytics (src/analytics) priced with the same latency and slippage as the paper execution. */
export function buildAnalytics(cfg: Config): Analytics {
  return new Analytics({ latencyMs: cfg.latencyMs, slippageBps: cfg.slippageBps, pessimisticLatency: cfg.pessimisticLatency, tape: { windowMs: cfg.tapeWindowMs } });
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

/** `auto` speed: a sim without a duration runs at a watchable 10x until Ctrl-C; anything else as fast as it can. */
export function resolveSpeed(cfg: Pick<Config, 'mode' | 'speed' | 'durationMs'>): Speed {
  if (cfg.speed !== 'auto') return cfg.speed;
  return cfg.mode === 'sim' && cfg.durationMs === null ? '10x' : 'max';
}

/** The simulator's options from config: the seed, the market profile and its realism overrides. */
export function simOptionsFromConfig(cfg: Config): SimOptions {
  return {
    seed: cfg.seed,
    market: cfg.simMarket,
    realism: {
      volAnnual: cfg.simVolAnnual, spread: cfg.simSpread, depthShares: cfg.simDepthShares, depthDecay: cfg.simDepthDecay, bookMs: cfg.simBookMs,
      makerReactionMs: cfg.simMakerReactionMs, impactPerShare: cfg.simImpactPerShare, oracleBasisBps: cfg.simOracleBasisBps,
      oracleLagMs: cfg.simOracleLagMs, outageMsPerMinute: cfg.simOutageMs, outlierRate: cfg.simOutlierRate,
    },
  };
}

export interface DriveOptions {
  /** Stop once input time passes start + durationMs (null = until the source ends or abort). */
  durationMs: number | null;
  /** `max` runs as fast as possible; `1x`/`10x` pace input time against the wall clock. */
  speed: Speed;
  signal?: AbortSignal;
  /** Wall clock, injectable for tests. */
  nowMs?: () => number;
  /**
   * Sees each input with the engine's outputs for it, right after the sink and before the
   * next input is drawn: the trust analytics, and the simulator's makers reacting to our
   * fills. Pure functions of the stream, so the run stays deterministic.
   */
  observe?: (input: InputEvent, outs: readonly OutputEvent[]) => void;
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

/** At full speed, the clock is read every this many inputs, and the loop yields every this many ms. */
const YIELD_CHECK_EVERY = 500;
const YIELD_EVERY_MS = 10;

/** Feeds `inputs` through `engine`, sending every output to `sink`. Returns the last input time. */
export async function drive(engine: Engine, inputs: Iterable<InputEvent>, sink: Sink, opts: DriveOptions): Promise<number> {
  const now = opts.nowMs ?? Date.now;
  const factor = opts.speed === '1x' ? 1 : opts.speed === '10x' ? 10 : 0;
  let first: number | null = null;
  let last = 0;
  const wallStart = now();
  let sinceYield = 0;
  let lastYieldMs = wallStart;
  for (const input of inputs) {
    if (opts.signal?.aborted) break;
    first ??= input.ts_unix_ms;
    if (opts.durationMs !== null && input.ts_unix_ms - first > opts.durationMs) break;
    if (factor > 0) {
      const due = wallStart + (input.ts_unix_ms - first) / factor;
      const wait = due - now();
      if (wait > 1) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
    } else if (++sinceYield >= YIELD_CHECK_EVERY) {
      // Even at full speed, let signals, timers and API requests in every few milliseconds.
      sinceYield = 0;
      if (now() - lastYieldMs >= YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        await opts.backpressure?.();
        lastYieldMs = now();
      }
    }
    last = input.ts_unix_ms;
    opts.onInput?.(input);
    const outs = engine.step(input);
    for (const out of outs) sink(out);
    opts.observe?.(input, outs);
  }
  return last;
}

export interface RunSummary {
  run_id: string;
  inputs: number;
  intents: number;
  fills: number;
  /** Reject events: one per reject episode (a decision refused tick after tick) or order-level refusal. */
  rejects: number;
  rejects_by_reason: Record<string, number>;
  /** Every refusal, the repeats inside episodes included. */
  reject_occurrences: number;
  reject_occurrences_by_reason: Record<string, number>;
  settlements: number;
  medians: number;
  realized_pnl: number;
  unrealized_pnl: number;
  fees: number;
  equity: number;
  /** Closed trades: a token position from its first fill until flat again (sold out or settled). */
  trades: number;
  wins: number;
  /** Share of closed trades with a positive PnL (fees included); null without any. */
  win_rate: number | null;
  /** Per share: what fills paid against the mid of the book they met (buy: price − mid, sell: mid − price), fees included. */
  avg_edge_paid: number | null;
  /** Largest fall of equity from a previous peak (USD), over the `pnl` events, and as a fraction of that peak. */
  max_drawdown: number;
  max_drawdown_frac: number;
  /** The sim market profile that produced these numbers (null outside sim). */
  sim_market: string | null;
  /** SHA-256 of the output events without the run's identity (src/digest.ts), when computed. */
  digest?: string;
}

interface OpenTrade { market_id: string; qty: number; cost: number; proceeds: number }

/** Collects a summary from the output stream. */
export class SummarySink {
  private readonly s: RunSummary;
  private readonly open = new Map<string, OpenTrade>();
  private readonly mids = new Map<string, number>();
  private edgePaid = 0;
  private edgeShares = 0;
  private peak = -Infinity;

  constructor(opts: { simMarket?: string | null } = {}) {
    this.s = {
      run_id: '', inputs: 0, intents: 0, fills: 0, rejects: 0, rejects_by_reason: {}, reject_occurrences: 0, reject_occurrences_by_reason: {}, settlements: 0, medians: 0,
      realized_pnl: 0, unrealized_pnl: 0, fees: 0, equity: 0, trades: 0, wins: 0, win_rate: null, avg_edge_paid: null, max_drawdown: 0, max_drawdown_frac: 0, sim_market: opts.simMarket ?? null,
    };
  }

  readonly sink: Sink = (e) => {
    const s = this.s;
    switch (e.event_type) {
      case 'run_started': s.run_id = e.run_id; break;
      case 'btc_median': s.medians += 1; break;
      case 'paper_intent': s.intents += 1; break;
      case 'quote': if (e.mid !== null) this.mids.set(e.token_id, e.mid); break;
      case 'paper_fill': s.fills += 1; this.onFill(e); break;
      case 'risk_reject':
        s.rejects += 1;
        bump(s.rejects_by_reason, e.reason, 1);
        this.occurred(e.reason, 1);
        break;
      // The first occurrence was counted with its risk_reject.
      case 'reject_episode_ended': this.occurred(e.reason, e.occurrences - 1); break;
      case 'settlement': s.settlements += 1; if (e.corrects_outcome === undefined) this.onSettled(e.market_id, e.winning_token_id); break;
      case 'pnl': s.realized_pnl = e.realized; s.unrealized_pnl = e.unrealized; s.fees = e.fees; s.equity = e.equity; this.onEquity(e.equity); break;
      default: break;
    }
  };

  private occurred(reason: string, n: number): void {
    this.s.reject_occurrences += n;
    bump(this.s.reject_occurrences_by_reason, reason, n);
  }

  private onFill(f: OutputOf<'paper_fill'>): void {
    const mid = this.mids.get(f.token_id);
    if (mid !== undefined) {
      this.edgePaid += (f.side === 'buy' ? f.fill_px - mid : mid - f.fill_px) * f.qty + f.fee;
      this.edgeShares += f.qty;
    }
    let t = this.open.get(f.token_id);
    if (!t) this.open.set(f.token_id, (t = { market_id: f.market_id, qty: 0, cost: 0, proceeds: 0 }));
    if (f.side === 'buy') {
      t.qty += f.qty;
      t.cost += f.qty * f.fill_px + f.fee;
      return;
    }
    t.qty -= f.qty;
    t.proceeds += f.qty * f.fill_px - f.fee;
    if (t.qty <= 1e-9) this.close(f.token_id, t);
  }

  /** Every open trade of the market ends: the winning token pays 1.00 a share. */
  private onSettled(marketId: string, winningTokenId: string): void {
    for (const [tokenId, t] of this.open) {
      if (t.market_id !== marketId) continue;
      if (tokenId === winningTokenId) t.proceeds += t.qty;
      this.close(tokenId, t);
    }
  }

  private close(tokenId: string, t: OpenTrade): void {
    this.open.delete(tokenId);
    this.s.trades += 1;
    if (t.proceeds - t.cost > 1e-9) this.s.wins += 1;
  }

  private onEquity(equity: number): void {
    this.peak = Math.max(this.peak, equity);
    const dd = this.peak - equity;
    if (dd > this.s.max_drawdown) {
      this.s.max_drawdown = dd;
      this.s.max_drawdown_frac = this.peak > 0 ? dd / this.peak : 0;
    }
  }

  summary(inputs: number): RunSummary {
    const s = this.s;
    return {
      ...s, inputs, rejects_by_reason: { ...s.rejects_by_reason }, reject_occurrences_by_reason: { ...s.reject_occurrences_by_reason },
      win_rate: s.trades > 0 ? s.wins / s.trades : null, avg_edge_paid: this.edgeShares > 0 ? this.edgePaid / this.edgeShares : null,
    };
  }
}

const bump = (m: Record<string, number>, k: string, n: number) => {
  m[k] = (m[k] ?? 0) + n;
};

/** What each sim market profile means for the numbers above it. */
const SIM_MARKET_NOTE: Record<string, string> = {
  efficient: 'makers quote the true probability: this PnL is what an efficient market allows',
  noisy: 'books are fair value plus crowd error: model strategies win by construction, the PnL means nothing',
};

export function formatSummary(s: RunSummary, trust?: TrustReport): string {
  const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;
  const reasons = Object.keys(s.reject_occurrences_by_reason).sort().map((r) => `${r}=${s.rejects_by_reason[r] ?? 0}/${s.reject_occurrences_by_reason[r]}`).join(', ');
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `Polylab run ${s.run_id} — summary`,
    `  inputs        ${s.inputs}`,
    `  medians       ${s.medians}`,
    `  intents       ${s.intents}`,
    `  fills         ${s.fills}`,
    `  rejects       ${s.rejects} episodes, ${s.reject_occurrences} occurrences${reasons ? ` (reason=episodes/occurrences: ${reasons})` : ''}`,
    `  settlements   ${s.settlements}`,
    `  trades        ${s.trades} closed, win rate ${s.win_rate === null ? '-' : `${pct(s.win_rate)} (${s.wins} won)`}`,
    `  edge paid     ${s.avg_edge_paid === null ? '-' : `$${s.avg_edge_paid.toFixed(4)} per share against the mid at each fill, fees included`}`,
    `  realized PnL  ${usd(s.realized_pnl)} (fees ${usd(s.fees)} included)`,
    `  unrealized    ${usd(s.unrealized_pnl)} (marked at best bid)`,
    `  equity        ${usd(s.equity)}`,
    `  max drawdown  ${usd(s.max_drawdown)} (${pct(s.max_drawdown_frac)} of the peak before it)`,
    ...(s.sim_market === null ? [] : [`  sim market    ${s.sim_market}: ${SIM_MARKET_NOTE[s.sim_market] ?? 'a custom profile'}`]),
    ...(trust ? formatTrust(trust) : []),
    ...(s.digest ? [`  digest        ${s.digest}`] : []),
    '  paper trading only: no order was sent anywhere.',
  ].join('\n');
}
