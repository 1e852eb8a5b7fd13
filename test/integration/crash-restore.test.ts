// Goal: a `polylab run` killed with SIGKILL mid-run, again and again, leaves a consistent journal, and each restart continues the dead run's account exactly as its committed fills and settlements say.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempDataDir } from './fakes/cli.ts';
import { until } from './fakes/kit.ts';

interface Account {
  cash: number;
  fees: number;
  /** token → { market, qty } */
  holdings: Map<string, { market_id: string; qty: number }>;
}

type Row = Record<string, unknown>;

function query<T = Row>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(`${dir}/polylab.db`, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * The account a run left, computed here from its journaled fills and settlements with
 * plain arithmetic (not the code under test): buys cost qty × px + fee, sells bring
 * qty × px − fee, a settlement pays 1 per winning share held and clears the market.
 * Only rows journaled before `beforeEventId` count.
 */
function expectedAccount(dir: string, runId: string, start: Account, beforeEventId = Number.MAX_SAFE_INTEGER): Account {
  const acc: Account = { cash: start.cash, fees: start.fees, holdings: new Map([...start.holdings].map(([k, v]) => [k, { ...v }])) };
  const rows = query<{
    kind: string;
    market_id: string;
    token_id: string | null;
    side: string | null;
    qty: number | null;
    fill_px: number | null;
    fee: number | null;
    winner: string | null;
  }>(
    dir,
    `
    SELECT 'fill' AS kind, event_id, market_id, token_id, side, qty, fill_px, fee, NULL AS winner FROM fills WHERE run_id = @r AND event_id < @before
    UNION ALL SELECT 'settle', event_id, market_id, NULL, NULL, NULL, NULL, NULL, winning_token_id FROM settlements
      WHERE run_id = @r AND corrects_outcome IS NULL AND event_id < @before
    ORDER BY event_id`,
    { r: runId, before: beforeEventId },
  );
  for (const r of rows) {
    if (r.kind === 'fill') {
      const h = acc.holdings.get(r.token_id!) ?? { market_id: r.market_id, qty: 0 };
      const signed = r.side === 'buy' ? r.qty! : -r.qty!;
      h.qty += signed;
      acc.cash -= signed * r.fill_px! + r.fee!;
      acc.fees += r.fee!;
      if (h.qty <= 1e-9) acc.holdings.delete(r.token_id!);
      else acc.holdings.set(r.token_id!, h);
    } else {
      for (const [token, h] of [...acc.holdings]) {
        if (h.market_id !== r.market_id) continue;
        if (token === r.winner) acc.cash += h.qty;
        acc.holdings.delete(token);
      }
    }
  }
  return acc;
}

function startRun(dir: string): { pid: number; exited: Promise<number | null> } {
  const p = spawn(process.execPath, [BIN, 'run', '--mode', 'sim', '--duration', '24h', '--port', '0'], {
    env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_DATA_DIR: dir, POLYLAB_JOURNAL_COMMIT_MS: '50' },
    stdio: 'ignore',
  });
  return { pid: p.pid!, exited: new Promise((r) => p.on('exit', (code) => r(code))) };
}

const fillsOf = (dir: string, runId: string) => {
  try {
    return query<{ n: number }>(dir, 'SELECT count(*) AS n FROM fills WHERE run_id = ?', runId)[0]!.n;
  } catch {
    return 0; // the journal may not exist yet
  }
};

describe('crash safety', () => {
  it('restores cash, fees, positions and cancelled orders after each of three SIGKILLs, then stops cleanly', async () => {
    const dir = tempDataDir();
    let account: Account = { cash: 10_000, fees: 0, holdings: new Map() };
    const ids = ['sim-7', 'sim-7.2', 'sim-7.3'];
    for (const [round, runId] of ids.entries()) {
      const proc = startRun(dir);
      // Mid-run: enough committed fills that something is at stake, then kill without warning.
      await until(() => fillsOf(dir, runId) >= 150, 60_000);
      process.kill(proc.pid, 'SIGKILL');
      expect(await proc.exited).toBe(null);

      expect(query(dir, 'PRAGMA integrity_check')[0]).toEqual({ integrity_check: 'ok' });
      // Never a half-written fill: every fill row has its event, every fill event its row.
      const [orphans] = query<{ a: number; b: number }>(
        dir,
        `SELECT
        (SELECT count(*) FROM fills f LEFT JOIN events e ON e.id = f.event_id WHERE e.event_type IS NOT 'paper_fill') AS a,
        (SELECT count(*) FROM events e LEFT JOIN fills f ON f.event_id = e.id WHERE e.event_type = 'paper_fill' AND f.event_id IS NULL) AS b`,
      );
      expect(orphans).toEqual({ a: 0, b: 0 });
      account = expectedAccount(dir, runId, account);
      if (round > 0)
        expect(query(dir, 'SELECT parent_run_id FROM runs WHERE run_id = ?', runId)[0]).toEqual({ parent_run_id: ids[round - 1] });
    }

    // A last, short run continues the third dead run and stops cleanly.
    const last = await runCli(['run', '--mode', 'sim', '--duration', '10s'], { POLYLAB_DATA_DIR: dir });
    expect(last.code).toBe(0);
    expect(last.stderr).toContain('run sim-7.3 did not stop cleanly: continuing its account');
    const runs = query<{ run_id: string; status: string; restored: string | null }>(
      dir,
      'SELECT run_id, status, restored FROM runs ORDER BY rowid',
    );
    expect(runs.map((r) => [r.run_id, r.status])).toEqual([
      ['sim-7', 'crashed'],
      ['sim-7.2', 'crashed'],
      ['sim-7.3', 'crashed'],
      ['sim-7.4', 'stopped'],
    ]);
    const restored = JSON.parse(runs[3]!.restored!) as {
      cash: number;
      fees: number;
      holdings: Array<{ token_id: string; qty: number }>;
      cancelled_orders: unknown[];
    };
    expect(restored.cash).toBeCloseTo(account.cash, 6);
    expect(restored.fees).toBeCloseTo(account.fees, 6);
    expect(new Map(restored.holdings.map((h) => [h.token_id, h.qty]))).toEqual(new Map([...account.holdings].map(([t, h]) => [t, h.qty])));

    // The new run says what it took over: one position event per holding, one restart expiry per open order.
    const firsts = query<{ event_type: string; body: string }>(
      dir,
      "SELECT event_type, body FROM events WHERE run_id = 'sim-7.4' ORDER BY id LIMIT ?",
      1 + restored.holdings.length + restored.cancelled_orders.length,
    );
    expect(JSON.parse(firsts[0]!.body)).toMatchObject({ event_type: 'run_started', restored_from: 'sim-7.3' });
    expect(firsts.filter((e) => e.event_type === 'position')).toHaveLength(restored.holdings.length);
    expect(firsts.filter((e) => e.event_type === 'order_expired').map((e) => JSON.parse(e.body).reason)).toEqual(
      restored.cancelled_orders.map(() => 'restart'),
    );

    // The engine itself runs on the recovered account, not on its starting equity: its own
    // pnl events (cash, fees, equity) equal the restored account plus what this run did,
    // computed here from the journal's rows — at the first pnl event and at the stop.
    const pnls = query<{ id: number; body: string }>(
      dir,
      "SELECT id, body FROM events WHERE run_id = 'sim-7.4' AND event_type = 'pnl' ORDER BY id",
    );
    expect(pnls.length).toBeGreaterThanOrEqual(2);
    for (const row of [pnls[0]!, pnls.at(-1)!]) {
      const pnl = JSON.parse(row.body) as { cash: number; fees: number; equity: number; position_value: number };
      const own = expectedAccount(dir, 'sim-7.4', account, row.id);
      expect(pnl.cash).toBeCloseTo(own.cash, 6);
      expect(pnl.fees).toBeCloseTo(own.fees, 6);
      // Equity is the cash plus the holdings marked at their bid: between nothing and 1 a share.
      const shares = [...own.holdings.values()].reduce((n, h) => n + h.qty, 0);
      expect(pnl.equity).toBeCloseTo(pnl.cash + pnl.position_value, 6);
      expect(pnl.position_value).toBeGreaterThanOrEqual(0);
      expect(pnl.position_value).toBeLessThanOrEqual(shares + 1e-9);
    }
  }, 180_000);

  it('refuses a second lab on a data dir in use, naming the running one', async () => {
    const dir = tempDataDir();
    const first = spawn(process.execPath, [BIN, 'run', '--mode', 'sim', '--speed', '1x', '--port', '0'], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_DATA_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise((r) => first.on('exit', r));
    try {
      await new Promise<void>((resolve) => first.stderr!.on('data', (d: Buffer) => d.toString().includes('API on') && resolve()));
      const second = await runCli(['run', '--mode', 'sim', '--duration', '1m'], { POLYLAB_DATA_DIR: dir });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`POLYLAB_DATA_DIR=${dir}: in use by run sim-7 (pid ${first.pid})`);
    } finally {
      first.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
