/**
 * Writes to the journal: runs, and batches of output events, each batch in one
 * transaction (a fill is in the journal whole or not at all). The typed tables (fills,
 * positions, settlements, equity) are filled from the same events in the same
 * transaction. Runs inside the writer worker; synchronous by nature (better-sqlite3).
 */
import type { Db } from './db.ts';

/** Per event of a batch, in order. */
export interface EventMeta {
  types: string[];
  ts: number[];
  markets: Array<string | null>;
}

/** One row of `runs` as the writer creates it. */
export interface RunRow {
  run_id: string;
  mode: string;
  seed: number | null;
  strategy: string;
  version: string;
  /** Settings of the run, JSON. */
  config: string;
  started_ms: number;
  started_wall_ms: number;
  pid: number | null;
  parent_run_id: string | null;
  /** The account the run started from (JSON of RestoredAccount), null when fresh. */
  restored: string | null;
  replay_of: string | null;
  capture_dir: string | null;
  /** Start time of the process `pid` (/proc, clock ticks since boot), so a reused pid is not taken for it; null where unknown. */
  pid_start?: string | null;
}

/** How a run ended: `incomplete` when events were not journaled, `failed` when its start failed. */
export type RunStatus = 'running' | 'stopped' | 'crashed' | 'incomplete' | 'failed';

/** The closing mark of a run. */
export interface RunEnd {
  runId: string;
  stoppedMs: number | null;
  status: Exclude<RunStatus, 'running'>;
  /** Events of the run that never reached the journal (incomplete runs). */
  notJournaled?: number;
  /** Why the run failed or is incomplete, in words. */
  reason?: string | null;
}

/** One row of `trust`: the run's final trust report, its fill-model range series and side-by-side rows, each as JSON. */
export interface TrustRow {
  run_id: string;
  ts_unix_ms: number;
  report: string;
  range: string;
  strategies: string;
}

type Row = Record<string, unknown>;

/** Events that also go to a typed table (the only lines the writer parses). */
const TYPED: ReadonlySet<string> = new Set(['paper_fill', 'position', 'settlement', 'pnl']);

export class JournalStore {
  private readonly insertRunStmt;
  private readonly insertEvent;
  private readonly insertFill;
  private readonly upsertPosition;
  private readonly insertSettlement;
  private readonly insertEquity;
  private readonly clearPositions;
  private readonly stopRunStmt;
  private readonly saveTrustStmt;
  private readonly noteMissingStmt;
  private readonly batchTx;

  constructor(private readonly db: Db) {
    this.insertRunStmt =
      db.prepare(`INSERT INTO runs (run_id, mode, seed, strategy, version, config, started_ms, started_wall_ms, status, pid, parent_run_id, restored, replay_of, capture_dir, pid_start)
      VALUES (@run_id, @mode, @seed, @strategy, @version, @config, @started_ms, @started_wall_ms, 'running', @pid, @parent_run_id, @restored, @replay_of, @capture_dir, @pid_start)`);
    this.insertEvent = db.prepare('INSERT INTO events (run_id, seq, ts_unix_ms, event_type, market_id, body) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertFill =
      db.prepare(`INSERT INTO fills (event_id, run_id, ts_unix_ms, fill_id, intent_id, market_id, token_id, outcome, side, qty, fill_px, fee, liquidity)
      VALUES (@event_id, @run_id, @ts_unix_ms, @fill_id, @intent_id, @market_id, @token_id, @outcome, @side, @qty, @fill_px, @fee, @liquidity)`);
    this.upsertPosition =
      db.prepare(`INSERT INTO positions (run_id, token_id, market_id, outcome, qty, avg_cost, ts_unix_ms) VALUES (@run_id, @token_id, @market_id, @outcome, @qty, @avg_cost, @ts_unix_ms)
      ON CONFLICT (run_id, token_id) DO UPDATE SET qty = excluded.qty, avg_cost = excluded.avg_cost, ts_unix_ms = excluded.ts_unix_ms`);
    this.insertSettlement =
      db.prepare(`INSERT INTO settlements (event_id, run_id, ts_unix_ms, market_id, winning_token_id, winning_outcome, source, payout, realized_pnl, corrects_outcome, pnl_adjustment)
      VALUES (@event_id, @run_id, @ts_unix_ms, @market_id, @winning_token_id, @winning_outcome, @source, @payout, @realized_pnl, @corrects_outcome, @pnl_adjustment)`);
    this.insertEquity =
      db.prepare(`INSERT INTO equity (event_id, run_id, ts_unix_ms, equity, cash, realized, unrealized, fees, position_value)
      VALUES (@event_id, @run_id, @ts_unix_ms, @equity, @cash, @realized, @unrealized, @fees, @position_value)`);
    this.clearPositions = db.prepare('DELETE FROM positions WHERE run_id = ? AND market_id = ?');
    this.stopRunStmt = db.prepare('UPDATE runs SET stopped_ms = ?, status = ?, not_journaled = ?, reason = ? WHERE run_id = ?');
    this.noteMissingStmt = db.prepare('UPDATE runs SET not_journaled = coalesce(not_journaled, 0) + ? WHERE run_id = ?');
    this.saveTrustStmt = db.prepare(
      'INSERT OR REPLACE INTO trust (run_id, ts_unix_ms, report, range, strategies) VALUES (@run_id, @ts_unix_ms, @report, @range, @strategies)',
    );
    this.batchTx = db.transaction((runId: string, firstSeq: number, lines: readonly string[], meta: EventMeta) => {
      for (let i = 0; i < lines.length; i++)
        this.insertLine(runId, firstSeq + i, lines[i]!, meta.types[i]!, meta.ts[i]!, meta.markets[i] ?? null);
    });
  }

  insertRun(row: RunRow): void {
    this.insertRunStmt.run({ pid_start: null, ...row });
  }

  stopRun(end: RunEnd): void {
    this.stopRunStmt.run(end.stoppedMs, end.status, end.notJournaled ?? null, end.reason ?? null, end.runId);
  }

  /**
   * Records on the run's row that `count` events failed to commit, as soon as it happens: an
   * update in place, so it may succeed on a full disk where the batch did not, and a later
   * start then knows the run is incomplete even if the run never wrote its closing mark.
   */
  noteMissing(runId: string, count: number): void {
    this.noteMissingStmt.run(count, runId);
  }

  saveTrust(row: TrustRow): void {
    this.saveTrustStmt.run(row);
  }

  /** Writes `lines` (one output event as JSON each) as events firstSeq, firstSeq+1, … in one transaction. */
  insertBatch(runId: string, firstSeq: number, lines: readonly string[], meta: EventMeta): void {
    this.batchTx(runId, firstSeq, lines, meta);
  }

  private insertLine(runId: string, seq: number, line: string, type: string, ts: number, market: string | null): void {
    const id = Number(this.insertEvent.run(runId, seq, ts, type, market, line).lastInsertRowid);
    if (!TYPED.has(type)) return;
    const e = JSON.parse(line) as Row;
    switch (type) {
      case 'paper_fill':
        this.insertFill.run({
          event_id: id,
          run_id: runId,
          ts_unix_ms: ts,
          fill_id: e.fill_id,
          intent_id: e.intent_id,
          market_id: e.market_id,
          token_id: e.token_id,
          outcome: e.outcome,
          side: e.side,
          qty: e.qty,
          fill_px: e.fill_px,
          fee: e.fee,
          liquidity: e.liquidity,
        });
        break;
      case 'position':
        this.upsertPosition.run({
          run_id: runId,
          token_id: e.token_id,
          market_id: e.market_id,
          outcome: e.outcome,
          qty: e.qty,
          avg_cost: e.avg_cost,
          ts_unix_ms: ts,
        });
        break;
      case 'settlement':
        // Settlement pays out every holding of the market: none of them is open any more.
        this.clearPositions.run(runId, e.market_id);
        this.insertSettlement.run({
          event_id: id,
          run_id: runId,
          ts_unix_ms: ts,
          market_id: e.market_id,
          winning_token_id: e.winning_token_id,
          winning_outcome: e.winning_outcome,
          source: e.source,
          payout: e.payout,
          realized_pnl: e.realized_pnl,
          corrects_outcome: e.corrects_outcome ?? null,
          pnl_adjustment: e.pnl_adjustment ?? null,
        });
        break;
      case 'pnl':
        this.insertEquity.run({
          event_id: id,
          run_id: runId,
          ts_unix_ms: ts,
          equity: e.equity,
          cash: e.cash,
          realized: e.realized,
          unrealized: e.unrealized,
          fees: e.fees,
          position_value: e.position_value ?? null,
        });
        break;
      default:
        break;
    }
  }
}
