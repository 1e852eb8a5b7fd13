/**
 * `polylab report`: what a journaled run did, read by the same fold as the run summary
 * (the journal iterates the run's events into a RunView), so every figure both print is
 * the same number; then the per-market table.
 */
import type { MarketPnl } from './account.ts';
import { figureLine, figureLines, figureValues, type FigureValues } from './figures.ts';
import { table, usd } from './format.ts';
import type { RunView } from './runView.ts';

/** The run's identity as the journal keeps it. */
export interface RunIdentity {
  run_id: string;
  mode: string;
  strategy: string;
  seed: number | null;
  status: string;
  started_ms: number | null;
  stopped_ms: number | null;
  parent_run_id?: string | null;
  replay_of?: string | null;
  /** Events of an incomplete run that the journal does not hold (journal schema 3). */
  not_journaled?: number | null;
  /** Why a run is incomplete or failed. */
  reason?: string | null;
}

export type RunReport<R extends RunIdentity = RunIdentity> = FigureValues & {
  run: R;
  /** Every market the run traded, in the order first traded. */
  markets: MarketPnl[];
};

export function reportOf<R extends RunIdentity>(view: RunView, run: R): RunReport<R> {
  return { run, ...figureValues(view), markets: view.account.markets() };
}

/** An input time as ISO 8601 to the second. */
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** A warning under the title for a run the journal does not hold whole (incomplete) or that never ran (failed). */
function endNote(run: RunIdentity): string[] {
  if (run.status === 'incomplete')
    return [
      figureLine(
        'INCOMPLETE',
        `${run.not_journaled ?? '?'} events of this run were not journaled (${run.reason ?? 'write failed'}): every figure below is short of what the run did`,
      ),
    ];
  if (run.status === 'failed') return [figureLine('FAILED', `the run failed at start: ${run.reason ?? 'no reason kept'}`)];
  return [];
}

export function formatReport(r: RunReport, maxMarkets = 30): string {
  const run = r.run;
  const lines = [
    `Polylab report — run ${run.run_id} (${run.mode}, ${run.strategy}${run.seed === null ? '' : `, seed ${run.seed}`}, ${run.status})`,
    ...endNote(run),
    figureLine(
      'input time',
      `${iso(run.started_ms)} → ${iso(run.stopped_ms)}${run.parent_run_id ? `  (continues ${run.parent_run_id})` : ''}${run.replay_of ? `  (replay of ${run.replay_of})` : ''}`,
    ),
    ...figureLines(r, 'report'),
  ];
  if (r.markets.length > 0) {
    const shown = [...r.markets].sort((a, b) => Math.abs(b.net_cash) - Math.abs(a.net_cash)).slice(0, maxMarkets);
    lines.push(`  per market (${shown.length} of ${r.markets.length}, largest first):`);
    const rows = shown.map((m) => [
      m.market_id,
      String(m.fills),
      usd(m.fees),
      m.pnl === null
        ? `open ${m.open_qty} sh, net cash ${usd(m.net_cash)}`
        : `pnl ${usd(m.pnl)}${m.winning_outcome ? ` (${m.winning_outcome} won)` : ''}`,
    ]);
    lines.push(...table(['market', 'fills', 'fees', 'result'], rows, { indent: '    ', align: ['left', 'right', 'right', 'free'] }));
  }
  return lines.join('\n');
}
