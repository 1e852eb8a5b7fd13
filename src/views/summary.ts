/**
 * The run summary printed at the end of `polylab run` and `polylab replay`: the read
 * model's figures (figures.ts) under the run's inputs, then the trust lines.
 */
import type { OutputEvent } from '../core/outputs.ts';
import { figureLine, figureLines, figureValues, type FigureValues } from './figures.ts';
import { RunView } from './runView.ts';

export type RunSummary = FigureValues & {
  run_id: string;
  /** Input events the engine stepped (its counter: inputs are not in the output stream). */
  inputs: number;
  /** The sim market profile that produced these numbers (null outside sim). */
  sim_market: string | null;
  /** SHA-256 of the output events without the run's identity (app/digest.ts), when computed. */
  digest?: string;
};

/** The run's figures as of now, read from a view. */
export function summaryOf(view: RunView, inputs: number, simMarket: string | null = null): RunSummary {
  return { run_id: view.currentRun()?.run_id ?? view.runs.at(-1)?.run_id ?? '', inputs, sim_market: simMarket, ...figureValues(view) };
}

/** Collects a summary from the output stream: a read model and the sim profile it ran on. */
export class SummarySink {
  readonly view: RunView;
  private readonly simMarket: string | null;

  /** `ledgersMax`: market ledgers kept for the per-market table (a sweep keeps every market of its capture). */
  constructor(opts: { simMarket?: string | null; ledgersMax?: number } = {}) {
    this.simMarket = opts.simMarket ?? null;
    this.view = new RunView({ recentMax: 100, ...(opts.ledgersMax !== undefined ? { ledgersMax: opts.ledgersMax } : {}) });
  }

  readonly sink = (e: OutputEvent): void => this.view.apply(e);

  summary(inputs: number): RunSummary {
    return summaryOf(this.view, inputs, this.simMarket);
  }
}

/** What each sim market profile means for the numbers above it. */
const SIM_MARKET_NOTE: Record<string, string> = {
  efficient: 'makers quote the true probability: this PnL is what an efficient market allows',
  noisy: 'books are fair value plus crowd error: model strategies win by construction, the PnL means nothing',
};

/** The summary text; `trustLines` (the analytics room formats them) go before the digest. */
export function formatSummary(s: RunSummary, trustLines: readonly string[] = []): string {
  return [
    `Polylab run ${s.run_id} — summary`,
    figureLine('inputs', String(s.inputs)),
    ...figureLines(s, 'summary'),
    ...(s.sim_market === null ? [] : [figureLine('sim market', `${s.sim_market}: ${SIM_MARKET_NOTE[s.sim_market] ?? 'a custom profile'}`)]),
    ...trustLines,
    ...(s.digest ? [figureLine('digest', s.digest)] : []),
    '  paper trading only: no order was sent anywhere.',
  ].join('\n');
}
