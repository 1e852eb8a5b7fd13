/**
 * `polylab report` over the journal: the run's events, in order, into the one read model
 * (src/views), and its fills, rejects, expiries, settlements and equity points as CSV.
 */
import type { OutputEvent } from '../core/outputs.ts';
import { RunView } from '../views/runView.ts';
import { reportOf, type RunReport } from '../views/report.ts';
import type { Db } from './db.ts';
import { iterateEvents, runEvents, type RunSummaryRow } from './queries.ts';
import type { RunRecord } from './recover.ts';

export { formatReport, type RunReport } from '../views/report.ts';

type Ev = Record<string, unknown> & { event_type: string };

/** Folds every journaled event of the run, as the run's own summary folded them live. */
export function buildReport(db: Db, run: RunSummaryRow): RunReport<RunRecord> {
  const view = new RunView({ recentMax: 100 });
  for (const row of runEvents(db, run.run_id)) view.apply(JSON.parse(row.body) as OutputEvent);
  const { fills: _f, rejects: _r, settlements: _s, equity: _e, realized: _re, fees: _fe, ...record } = run;
  return reportOf(view, record);
}

/** The CSV columns: the required ones first, then context. */
export const CSV_COLUMNS = [
  'run_id',
  'ts_unix_ms',
  'event_type',
  'market_id',
  'token_id',
  'side',
  'qty',
  'fill_px',
  'fee',
  'pnl',
  'outcome',
  'reason',
  'intent_id',
  'liquidity',
  'equity',
  'cash',
] as const;
const CSV_TYPES = ['paper_fill', 'risk_reject', 'order_expired', 'settlement', 'pnl'] as const;

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The run's fills, rejects, expiries, settlements and equity points as CSV lines (header first). */
export function* csvLines(db: Db, runId: string): Generator<string> {
  yield CSV_COLUMNS.join(',');
  for (const row of iterateEvents(db, runId, CSV_TYPES)) {
    const e = JSON.parse(row.body) as Ev;
    const pnl = e.event_type === 'settlement' ? (e.pnl_adjustment ?? e.realized_pnl) : e.event_type === 'pnl' ? e.realized : null;
    const outcome = e.outcome ?? e.winning_outcome;
    const rec: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      run_id: runId,
      ts_unix_ms: e.ts_unix_ms,
      event_type: e.event_type,
      market_id: e.market_id,
      token_id: e.token_id ?? e.winning_token_id,
      side: e.side,
      qty: e.qty ?? e.remaining_qty,
      fill_px: e.fill_px,
      fee: e.fee ?? (e.event_type === 'pnl' ? e.fees : null),
      pnl,
      outcome,
      reason: e.reason,
      intent_id: e.intent_id,
      liquidity: e.liquidity,
      equity: e.equity,
      cash: e.cash,
    };
    yield CSV_COLUMNS.map((c) => csvCell(rec[c])).join(',');
  }
}
