/**
 * `polylab report`: what a journaled run did — fills, rejects by reason, settlements and
 * win rate, PnL and fees, the average edge paid against the model's fair value, maximum
 * drawdown of the equity curve, PnL per market — as text or JSON, and its rows as CSV.
 */
import type { Db } from './db.ts';
import { iterateEvents, rejectsByReason, type RunSummaryRow } from './queries.ts';
import type { RunRecord } from './recover.ts';

export interface MarketPnl {
  market_id: string;
  fills: number;
  fees: number;
  /** Cash in minus cash out: sells and payouts less buys and fees. */
  net_cash: number;
  /** Shares still held (0 once settled). */
  open_qty: number;
  winning_outcome: string | null;
  /** Net cash of a settled market (its PnL); null while shares are open. */
  pnl: number | null;
}

export interface RunReport {
  run: RunRecord;
  fills: number;
  buys: number;
  sells: number;
  volume_usd: number;
  fees: number;
  /** Maker rebates earned (summed from the fills' `rebate`). */
  rebates: number;
  rejects: number;
  rejects_by_reason: Record<string, number>;
  settlements: number;
  /** Settled markets traded at a profit / at a loss, and wins / (wins + losses). */
  wins: number;
  losses: number;
  win_rate: number | null;
  realized_pnl: number | null;
  unrealized_pnl: number | null;
  equity: number | null;
  /** Per share, quantity-weighted: model fair − price − fee for buys, price − fee − fair for sells. */
  avg_edge_paid: number | null;
  max_drawdown_usd: number;
  max_drawdown_frac: number;
  markets: MarketPnl[];
}

type Ev = Record<string, unknown> & { event_type: string };

interface Acc {
  markets: Map<string, MarketPnl & { held: Map<string, number> }>;
  fairOfIntent: Map<string, number>;
  lastFair: number | null;
  edgeSum: number;
  edgeQty: number;
  buys: number;
  sells: number;
  volume: number;
  fees: number;
  rebates: number;
  fills: number;
}

function market(acc: Acc, id: string) {
  let m = acc.markets.get(id);
  if (!m)
    acc.markets.set(
      id,
      (m = { market_id: id, fills: 0, fees: 0, net_cash: 0, open_qty: 0, winning_outcome: null, pnl: null, held: new Map() }),
    );
  return m;
}

function onFill(acc: Acc, e: Ev): void {
  const qty = e.qty as number;
  const px = e.fill_px as number;
  const fee = e.fee as number;
  const rebate = typeof e.rebate === 'number' ? e.rebate : 0;
  const buy = e.side === 'buy';
  const m = market(acc, e.market_id as string);
  m.fills += 1;
  m.fees += fee;
  m.net_cash += (buy ? -1 : 1) * qty * px - fee + rebate;
  m.held.set(e.token_id as string, (m.held.get(e.token_id as string) ?? 0) + (buy ? qty : -qty));
  acc.fills += 1;
  acc.fees += fee;
  acc.rebates += rebate;
  acc.volume += qty * px;
  if (buy) acc.buys += 1;
  else acc.sells += 1;
  const fair = acc.fairOfIntent.get(e.intent_id as string);
  if (fair !== undefined) {
    acc.edgeSum += qty * (buy ? fair - px : px - fair) - fee;
    acc.edgeQty += qty;
  }
}

function onSettlement(acc: Acc, e: Ev): void {
  const m = market(acc, e.market_id as string);
  if (e.pnl_adjustment !== undefined) m.net_cash += e.pnl_adjustment as number;
  else m.net_cash += e.payout as number;
  m.held.clear();
  m.winning_outcome = e.winning_outcome as string;
}

/** Walks the run's decision and account events once. */
function accumulate(db: Db, runId: string): Acc {
  const acc: Acc = {
    markets: new Map(),
    fairOfIntent: new Map(),
    lastFair: null,
    edgeSum: 0,
    edgeQty: 0,
    buys: 0,
    sells: 0,
    volume: 0,
    fees: 0,
    rebates: 0,
    fills: 0,
  };
  for (const row of iterateEvents(db, runId, ['signal', 'paper_intent', 'paper_fill', 'settlement'])) {
    const e = JSON.parse(row.body) as Ev;
    if (e.event_type === 'signal') {
      const fair = (e.numbers as Record<string, unknown>).fair;
      acc.lastFair = typeof fair === 'number' ? fair : null;
    } else if (e.event_type === 'paper_intent') {
      // The engine emits an intent right after the signal that caused it.
      if (acc.lastFair !== null) acc.fairOfIntent.set(e.intent_id as string, acc.lastFair);
    } else if (e.event_type === 'paper_fill') onFill(acc, e);
    else onSettlement(acc, e);
  }
  return acc;
}

function drawdown(db: Db, runId: string): { usd: number; frac: number } {
  let peak = -Infinity;
  let usd = 0;
  let frac = 0;
  for (const p of db.prepare('SELECT equity FROM equity WHERE run_id = ? ORDER BY event_id').iterate(runId) as IterableIterator<{
    equity: number;
  }>) {
    peak = Math.max(peak, p.equity);
    if (peak - p.equity > usd) {
      usd = peak - p.equity;
      frac = peak > 0 ? usd / peak : 0;
    }
  }
  return { usd, frac };
}

export function buildReport(db: Db, run: RunSummaryRow): RunReport {
  const acc = accumulate(db, run.run_id);
  const last = db
    .prepare('SELECT realized, unrealized, equity FROM equity WHERE run_id = ? ORDER BY event_id DESC LIMIT 1')
    .get(run.run_id) as { realized: number; unrealized: number; equity: number } | undefined;
  const markets = [...acc.markets.values()].map(({ held, ...m }) => {
    const open = [...held.values()].reduce((s, q) => s + Math.max(0, q), 0);
    return { ...m, open_qty: open, pnl: m.winning_outcome !== null || open <= 1e-9 ? m.net_cash : null };
  });
  const decided = markets.filter((m) => m.pnl !== null);
  const wins = decided.filter((m) => m.pnl! > 0).length;
  const losses = decided.filter((m) => m.pnl! < 0).length;
  const dd = drawdown(db, run.run_id);
  const rejects = rejectsByReason(db, run.run_id);
  const { fills: _f, rejects: _r, settlements, equity: _e, realized: _re, fees: _fe, ...record } = run;
  return {
    run: record,
    fills: acc.fills,
    buys: acc.buys,
    sells: acc.sells,
    volume_usd: acc.volume,
    fees: acc.fees,
    rebates: acc.rebates,
    rejects: Object.values(rejects).reduce((s, n) => s + n, 0),
    rejects_by_reason: rejects,
    settlements,
    wins,
    losses,
    win_rate: wins + losses > 0 ? wins / (wins + losses) : null,
    realized_pnl: last?.realized ?? null,
    unrealized_pnl: last?.unrealized ?? null,
    equity: last?.equity ?? null,
    avg_edge_paid: acc.edgeQty > 0 ? acc.edgeSum / acc.edgeQty : null,
    max_drawdown_usd: dd.usd,
    max_drawdown_frac: dd.frac,
    markets,
  };
}

const usd = (x: number | null) => (x === null ? '-' : `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`);
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** A warning line for a run the journal does not hold whole (incomplete) or that never ran (failed). */
function endNote(run: RunRecord): string[] {
  if (run.status === 'incomplete')
    return [
      `  INCOMPLETE    ${run.not_journaled ?? '?'} events of this run were not journaled (${run.reason ?? 'write failed'}): every figure below is short of what the run did`,
    ];
  if (run.status === 'failed') return [`  FAILED        the run failed at start: ${run.reason ?? 'no reason kept'}`];
  return [];
}

export function formatReport(r: RunReport, maxMarkets = 30): string {
  const run = r.run;
  const reasons = Object.entries(r.rejects_by_reason)
    .map(([k, n]) => `${k}=${n}`)
    .join(', ');
  const lines = [
    `Polylab report — run ${run.run_id} (${run.mode}, ${run.strategy}${run.seed === null ? '' : `, seed ${run.seed}`}, ${run.status})`,
    ...endNote(run),
    `  input time    ${iso(run.started_ms)} → ${iso(run.stopped_ms)}${run.parent_run_id ? `  (continues ${run.parent_run_id})` : ''}${run.replay_of ? `  (replay of ${run.replay_of})` : ''}`,
    `  fills         ${r.fills} (${r.buys} buys, ${r.sells} sells), volume ${usd(r.volume_usd)}, fees ${usd(r.fees)}`,
    ...(r.rebates > 0 ? [`  rebates       ${usd(r.rebates)} earned on maker fills (apart from the fees paid above)`] : []),
    `  rejects       ${r.rejects}${reasons ? ` (${reasons})` : ''}`,
    `  settlements   ${r.settlements}; markets won ${r.wins}, lost ${r.losses}${r.win_rate === null ? '' : `, win rate ${(100 * r.win_rate).toFixed(1)}%`}`,
    `  realized PnL  ${usd(r.realized_pnl)} (fees included)`,
    `  unrealized    ${usd(r.unrealized_pnl)} (marked at best bid)`,
    `  equity        ${usd(r.equity)}`,
    `  avg edge paid ${r.avg_edge_paid === null ? '-' : `${r.avg_edge_paid.toFixed(4)} per share`} (model fair value − price − fee)`,
    `  max drawdown  ${usd(r.max_drawdown_usd)} (${(100 * r.max_drawdown_frac).toFixed(2)}% of the peak)`,
  ];
  if (r.markets.length > 0) {
    const shown = [...r.markets].sort((a, b) => Math.abs(b.net_cash) - Math.abs(a.net_cash)).slice(0, maxMarkets);
    lines.push(`  per market (${shown.length} of ${r.markets.length}, largest first):`);
    const w = Math.max(...shown.map((m) => m.market_id.length));
    for (const m of shown) {
      const state =
        m.pnl === null
          ? `open ${m.open_qty} sh, net cash ${usd(m.net_cash)}`
          : `pnl ${usd(m.pnl)}${m.winning_outcome ? ` (${m.winning_outcome} won)` : ''}`;
      lines.push(`    ${m.market_id.padEnd(w)}  ${String(m.fills).padStart(4)} fills  fees ${usd(m.fees).padStart(8)}  ${state}`);
    }
  }
  return lines.join('\n');
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
