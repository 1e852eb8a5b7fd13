// Shared fixture for the sim-market tests: the real engine on the seeded sim (with the makers' feedback hook), every fill measured against the sim's own truth.
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent, Outcome } from '../../src/core/events.ts';
import type { OutputEvent, PaperFill } from '../../src/core/outputs.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SIM_START_MS, SimFeed, type SimOptions } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { drive } from '../../src/app/pacing.ts';
import { SummarySink, type RunSummary } from '../../src/app/runSummary.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Decision, MarketView, Strategy } from '../../src/strategy/types.ts';

export interface MeasuredFill {
  fill: PaperFill;
  /** The sim's true probability that this token pays, when the fill happened. */
  truth: number;
  /** The token's book when the fill happened (its last quote). */
  bid: number | null;
  ask: number | null;
}

export interface SimRun {
  fills: MeasuredFill[];
  winners: Map<string, Outcome>;
  summary: RunSummary;
  engine: Engine;
  outputs: number;
}

export interface SimRunOptions {
  seed: number;
  durationMs: number;
  /** A strategy object (tests' own) or the configured one (`POLYLAB_STRATEGY`). */
  strategy?: Strategy;
  env?: Record<string, string>;
  sim?: Partial<SimOptions>;
  /** Keep every output event (memory: only for short runs). */
  keep?: OutputEvent[];
}

export async function runSim(o: SimRunOptions): Promise<SimRun> {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim', ...o.env });
  const built = buildEngine(cfg, 'sim', `sim-${o.seed}`, o.seed);
  const engine = o.strategy ? new Engine({ ...built.params, strategy: o.strategy }) : built;
  const sim = new SimFeed({ seed: o.seed, market: cfg.simMarket, ...o.sim });
  const summary = new SummarySink({ simMarket: sim.market });
  const quotes = new Map<string, { bid: number | null; ask: number | null }>();
  const fills: MeasuredFill[] = [];
  const winners = new Map<string, Outcome>();
  let outputs = 0;
  const sink = (e: OutputEvent) => {
    outputs += 1;
    summary.sink(e);
    o.keep?.push(e);
    if (e.event_type === 'quote') quotes.set(e.token_id, { bid: e.best_bid, ask: e.best_ask });
    if (e.event_type === 'settlement') winners.set(e.market_id, e.winning_outcome);
    if (e.event_type !== 'paper_fill') return;
    const up = sim.truthUp(e.market_id);
    if (up === null) throw new Error(`no truth for ${e.market_id} at ${e.ts_unix_ms}`);
    const q = quotes.get(e.token_id);
    fills.push({ fill: e, truth: e.outcome === 'Up' ? up : 1 - up, bid: q?.bid ?? null, ask: q?.ask ?? null });
  };
  for (const e of engine.start(SIM_START_MS)) sink(e);
  const last = await drive(engine, sim.events(), sink, { durationMs: o.durationMs, speed: 'max', observe: sim.observeRun });
  for (const e of engine.stop(last)) sink(e);
  return { fills, winners, summary: summary.summary(engine.counters.inputs), engine, outputs };
}

/**
 * What a run's settled fills say about edge. Exactly, per fill with sign s (+1 buy, −1 sell):
 * PnL = s·q·(V − px) − fee = −[s·q·(px − τ) + fee] + s·q·(V − τ), with V the payout and τ the
 * truth at the fill. The first part is what the fill paid against the truth (small noise);
 * the second has mean zero in a market that prices the truth, and its spread across windows
 * gives the tolerance.
 */
export interface EdgeStats {
  windows: number;
  fills: number;
  shares: number;
  /** Realized PnL per share (settled fills only). */
  pnlPerShare: number;
  /** Paid against the truth per share, fees included. */
  costVsTruth: number;
  /** Half the quoted spread plus the taker fee, per share, averaged over the fills. */
  halfSpreadPlusFee: number;
  /** Standard error of pnlPerShare: √(Σ over windows of (Σ s·q·(V − τ))²) / shares. */
  stdErr: number;
}

export function edgeStats(run: SimRun): EdgeStats {
  const noiseByWindow = new Map<string, number>();
  let shares = 0;
  let pnl = 0;
  let cost = 0;
  let half = 0;
  let fills = 0;
  for (const { fill: f, truth, bid, ask } of run.fills) {
    const winner = run.winners.get(f.market_id);
    if (winner === undefined) continue;
    const v = winner === f.outcome ? 1 : 0;
    const s = f.side === 'buy' ? 1 : -1;
    fills += 1;
    shares += f.qty;
    pnl += s * f.qty * (v - f.fill_px) - f.fee;
    cost += s * f.qty * (f.fill_px - truth) + f.fee;
    half += (bid !== null && ask !== null ? (f.qty * (ask - bid)) / 2 : 0) + f.fee;
    noiseByWindow.set(f.market_id, (noiseByWindow.get(f.market_id) ?? 0) + s * f.qty * (v - truth));
  }
  let sq = 0;
  for (const x of noiseByWindow.values()) sq += x * x;
  return {
    windows: run.winners.size,
    fills,
    shares,
    pnlPerShare: pnl / shares,
    costVsTruth: cost / shares,
    halfSpreadPlusFee: half / shares,
    stdErr: Math.sqrt(sq) / shares,
  };
}

/** Buys `qty` of a random token at its ask, with chance `chance` per market per tick; holds to settlement. */
export class RandomBuyer implements Strategy {
  readonly name = 'random-buyer';
  private readonly rng: Rng;
  constructor(
    seed: number,
    private readonly chance = 0.05,
    private readonly qty = 20,
    private readonly only?: Outcome,
  ) {
    this.rng = new Rng(seed);
  }

  evaluate(view: MarketView): Decision[] {
    // Always the same draws per call, so the choices do not depend on the book.
    const go = this.rng.next() < this.chance;
    const pick = this.rng.next() < 0.5 ? 0 : 1;
    const t = this.only ? view.tokens.find((x) => x.outcome === this.only)! : view.tokens[pick]!;
    if (!go || t.best_ask === null) return [];
    return [
      {
        token_id: t.token_id,
        outcome: t.outcome,
        side: 'buy',
        qty: this.qty,
        limit_px: t.best_ask,
        reason: 'random',
        numbers: { ask: t.best_ask },
      },
    ];
  }
}

/** The feed's inputs for its first `ms` of sim time (from SIM_START_MS), each also handed to `each`. */
export function take(sim: SimFeed, ms: number, each?: (e: InputEvent) => void): InputEvent[] {
  const out: InputEvent[] = [];
  for (const e of sim.events()) {
    if (e.ts_unix_ms >= SIM_START_MS + ms) break;
    each?.(e);
    out.push(e);
  }
  return out;
}

/** The inputs of one type, typed as such. */
export const of = <K extends InputEvent['event_type']>(es: InputEvent[], k: K) =>
  es.filter((e): e is Extract<InputEvent, { event_type: K }> => e.event_type === k);
