/**
 * Crash recovery, the pure part: rebuilding a paper account from what a run journaled
 * (its fills and settlements, replayed onto its starting account with the same Portfolio
 * code the engine used), the kill switch's day, and the orders that were still working
 * when the process died. The journal edge (src/journal/recover.ts) reads the rows; the
 * engine applies the result through its `restore` option and says what it restored in
 * its first output events.
 */
import type { Outcome, Side } from '../core/events.ts';
import type { OutputEvent, Tif } from '../core/outputs.ts';
import { Portfolio, type Holding } from './portfolio.ts';

/** The kill switch's UTC day: its starting equity and whether it tripped. */
export interface RestoredDay {
  day_start_ms: number;
  start_equity_usd: number;
  halted_at_ms: number | null;
}

/** An order still working when the run stopped: cancelled by the restart. */
export interface CancelledOrder {
  intent_id: string;
  market_id: string;
  token_id: string;
  side: Side;
  tif: Tif;
  filled_qty: number;
  remaining_qty: number;
}

export interface AccountState {
  cash: number;
  realized: number;
  fees: number;
  /** Maker rebates credited (already in cash and realized). Optional: added later. */
  rebates?: number;
  holdings: Holding[];
}

/** What a new run takes over from a run that died. */
export interface RestoredAccount extends AccountState {
  from_run_id: string;
  /** Input time of the last event the dead run journaled. */
  last_ts_ms: number;
  day: RestoredDay | null;
  cancelled_orders: CancelledOrder[];
}

/** The account-changing events of a run, in journal order. */
export type AccountEvent =
  | {
      kind: 'fill';
      market_id: string;
      token_id: string;
      outcome: Outcome;
      side: Side;
      qty: number;
      fill_px: number;
      fee: number;
      /** A maker fill's rebate (null or absent: none). */
      rebate?: number | null;
    }
  | { kind: 'settlement'; market_id: string; winning_token_id: string; pnl_adjustment: number | null };

/** Order lifecycle events of a run, in journal order (the subset of outputs that open or close orders). */
export type OrderEvent =
  | { event_type: 'paper_intent'; intent_id: string; market_id: string; token_id: string; side: Side; qty: number; tif: Tif }
  | { event_type: 'paper_fill'; intent_id: string; qty: number }
  | { event_type: 'order_expired'; intent_id: string }
  | { event_type: 'risk_reject'; intent_id: string | null };

const QTY_EPS = 1e-9;

export function freshAccount(cash: number): AccountState {
  return { cash, realized: 0, fees: 0, holdings: [] };
}

/** Loads `state` into `p` (cash, realized PnL, fees, holdings). */
export function loadAccount(p: Portfolio, state: AccountState): void {
  p.cash = state.cash;
  p.realized = state.realized;
  p.fees = state.fees;
  p.rebates = state.rebates ?? 0;
  p.holdings.clear();
  for (const h of state.holdings) p.holdings.set(h.token_id, { ...h });
}

/**
 * Replays a run's fills and settlements onto the account it started from. A correction
 * (an official result overriding our own reading) moves cash and realized PnL by its
 * journaled adjustment. Returns the account and how many events did not fit it (a sell of
 * shares the account does not hold: a journal that lost rows), which are skipped.
 */
export function rebuildAccount(start: AccountState, events: Iterable<AccountEvent>): { account: AccountState; inconsistent: number } {
  const p = new Portfolio(start.cash);
  loadAccount(p, start);
  let inconsistent = 0;
  for (const e of events) {
    if (e.kind === 'fill') {
      if (e.side === 'sell' && e.qty > p.held(e.token_id) + QTY_EPS) {
        inconsistent += 1;
        continue;
      }
      p.apply({ market_id: e.market_id, token_id: e.token_id, outcome: e.outcome }, e.side, e.qty, e.fill_px, e.fee);
      if (e.rebate) p.rebate(e.rebate);
    } else if (e.pnl_adjustment !== null) {
      p.cash += e.pnl_adjustment;
      p.realized += e.pnl_adjustment;
    } else {
      p.settle(e.market_id, e.winning_token_id);
    }
  }
  const holdings = [...p.holdings.values()].map((h) => ({ ...h }));
  return { account: { cash: p.cash, realized: p.realized, fees: p.fees, rebates: p.rebates, holdings }, inconsistent };
}

/** Orders opened by a `paper_intent` and not yet filled in full, expired or rejected. */
export function openOrders(events: Iterable<OrderEvent>): CancelledOrder[] {
  const open = new Map<string, CancelledOrder & { qty: number }>();
  for (const e of events) {
    if (e.event_type === 'paper_intent') {
      open.set(e.intent_id, {
        intent_id: e.intent_id,
        market_id: e.market_id,
        token_id: e.token_id,
        side: e.side,
        tif: e.tif,
        qty: e.qty,
        filled_qty: 0,
        remaining_qty: e.qty,
      });
      continue;
    }
    if (e.intent_id === null) continue;
    const o = open.get(e.intent_id);
    if (!o) continue;
    if (e.event_type === 'paper_fill') {
      o.filled_qty += e.qty;
      o.remaining_qty = o.qty - o.filled_qty;
      if (o.remaining_qty <= QTY_EPS) open.delete(e.intent_id);
    } else {
      open.delete(e.intent_id);
    }
  }
  return [...open.values()].map(({ qty: _qty, ...o }) => o);
}

export interface DayEvidence {
  /** UTC day start of the dead run's last event. */
  day_start_ms: number;
  /** The dead run's equity points (pnl events) of that day, oldest first. */
  equity: ReadonlyArray<{ ts_unix_ms: number; equity: number }>;
  /** `daily_loss_limit` rejects of that day: they carry the exact day start equity. */
  halts: ReadonlyArray<{ day_start_equity: number; halted_at_ms: number }>;
  /** The day the dead run itself had restored, if any. */
  prior: RestoredDay | null;
  daily_loss_limit_usd: number;
}

/**
 * The kill switch's day as the dead run last knew it. Its exact starting equity is in a
 * `daily_loss_limit` reject when one was journaled; otherwise the day's first equity point
 * (a `pnl` event: at most one pnl interval after the day's first tick) or the day the run
 * itself restored stands in for it. The switch counts as tripped if a reject says so or an
 * equity point of the day fell the limit below the start.
 */
export function restoreDay(d: DayEvidence): RestoredDay | null {
  const halt = d.halts[0];
  if (halt) return { day_start_ms: d.day_start_ms, start_equity_usd: halt.day_start_equity, halted_at_ms: halt.halted_at_ms };
  const prior = d.prior && d.prior.day_start_ms === d.day_start_ms ? d.prior : null;
  const first = d.equity[0];
  const start = prior?.start_equity_usd ?? first?.equity;
  if (start === undefined) return null;
  let halted = prior?.halted_at_ms ?? null;
  for (const p of d.equity) {
    if (halted !== null) break;
    if (start - p.equity >= d.daily_loss_limit_usd) halted = p.ts_unix_ms;
  }
  return { day_start_ms: d.day_start_ms, start_equity_usd: start, halted_at_ms: halted };
}

/**
 * What a restored run says first, after `run_started`: each order the restart cancelled
 * (`order_expired`, reason `restart`, its id prefixed with the dead run's) and each
 * position it took over.
 */
export function restoredEvents(r: RestoredAccount, tsMs: number): OutputEvent[] {
  const out: OutputEvent[] = [];
  for (const o of r.cancelled_orders) {
    out.push({
      event_type: 'order_expired',
      intent_id: `${r.from_run_id}/${o.intent_id}`,
      market_id: o.market_id,
      token_id: o.token_id,
      side: o.side,
      tif: o.tif,
      reason: 'restart',
      filled_qty: o.filled_qty,
      remaining_qty: o.remaining_qty,
      ts_unix_ms: tsMs,
    });
  }
  for (const h of r.holdings)
    out.push({
      event_type: 'position',
      market_id: h.market_id,
      token_id: h.token_id,
      outcome: h.outcome,
      qty: h.qty,
      avg_cost: h.avg_cost,
      ts_unix_ms: tsMs,
    });
  return out;
}
