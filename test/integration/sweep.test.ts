// Goal: `polylab sweep` replays every (capture × configuration) pair through replay's own code path (a job's figures equal `polylab replay` with those settings), writes Parquet that DuckDB reads as it is, fails only the jobs of a corrupt capture, splits into shards whose union is the unsharded run row for row, skips finished jobs on a re-run, stops cleanly on Ctrl-C, refuses a bad grid before any job, and reports with a walk-forward.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';
import { until } from './fakes/kit.ts';

type Row = Record<string, unknown>;

/** Reads a table of a sweep's results straight from its Parquet files (no Polylab code). */
async function readTable(dir: string, table: string, exclude = ''): Promise<Row[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const glob = path.join(dir, table, '*', '*.parquet');
    const sel = exclude ? `* EXCLUDE (${exclude})` : '*';
    const r = await conn.runAndReadAll(`SELECT ${sel} FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY ALL`);
    return r.getRowObjectsJS() as Row[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const GRID = {
  base: { POLYLAB_LATENCY_MS: 250 },
  grid: { POLYLAB_EDGE_MIN: [0.02, 0.05] },
  strategies: [
    { name: 'div', settings: { POLYLAB_STRATEGY: 'divergence' } },
    { name: 'fv', settings: { POLYLAB_STRATEGY: 'fair-value' } },
  ],
};

const field = (stdout: string, re: RegExp) => re.exec(stdout)?.[1];

describe('polylab sweep', () => {
  const root = tempDataDir('polylab-sweep-');
  const c1 = path.join(root, 'c1');
  const c2 = path.join(root, 'c2');
  const broken = path.join(root, 'broken');
  const gridFile = path.join(root, 'grid.json');
  const out = path.join(root, 'out');
  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    for (const [dir, seed] of [
      [c1, '21'],
      [c2, '22'],
    ] as const) {
      const r = await runCli(['run', '--mode', 'sim', '--seed', seed, '--duration', '20m', '--capture', dir]);
      expect(r.code).toBe(0);
    }
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'sim-9.20260101T00Z.jsonl.gz'), zlib.gzipSync('this is no capture header\n'));
    fs.writeFileSync(gridFile, JSON.stringify(GRID));
    first = await runCli(['sweep', '--grid', gridFile, '--captures', c1, c2, broken, '--out', out, '--workers', '2']);
  }, 120_000);

  it('runs every pair; the corrupt capture fails its own jobs with the reason, the others go on', async () => {
    expect(first.stderr).toContain('4 configuration(s) × 3 capture(s) = 12 jobs');
    expect(first.code).toBe(1);
    for (const table of ['jobs', 'markets', 'fills']) expect(fs.existsSync(path.join(out, table, 'shard=0', 'part.parquet'))).toBe(true);
    const jobs = await readTable(out, 'jobs');
    expect(jobs).toHaveLength(12);
    const failed = jobs.filter((j) => j.status !== 'ok');
    expect(failed.map((j) => j.capture)).toEqual([broken, broken, broken, broken]);
    for (const j of failed) expect(String(j.error)).toContain('not JSON');
    const ok = jobs.filter((j) => j.status === 'ok');
    expect(new Set(ok.map((j) => j.capture))).toEqual(new Set([c1, c2]));
    expect(new Set(ok.map((j) => j.config))).toEqual(
      new Set(['div POLYLAB_EDGE_MIN=0.02', 'div POLYLAB_EDGE_MIN=0.05', 'fv POLYLAB_EDGE_MIN=0.02', 'fv POLYLAB_EDGE_MIN=0.05']),
    );
    // Each setting the grid names is a column, typed as written.
    expect(ok.every((j) => j.POLYLAB_LATENCY_MS === 250)).toBe(true);
    expect(new Set(ok.map((j) => j.POLYLAB_EDGE_MIN))).toEqual(new Set([0.02, 0.05]));
    expect(ok.some((j) => Number(j.fills) > 0)).toBe(true);
    expect(ok.every((j) => j.capture_day === '2026-01-01' && typeof j.digest === 'string')).toBe(true);
  });

  it("a job's figures and per-market rows equal `polylab replay CAPTURE` and `polylab report` with the same settings", async () => {
    const jobs = await readTable(out, 'jobs');
    const job = jobs.find((j) => j.capture === c1 && j.config === 'fv POLYLAB_EDGE_MIN=0.05')!;
    const dataDir = tempDataDir();
    const env = { POLYLAB_STRATEGY: 'fair-value', POLYLAB_EDGE_MIN: '0.05', POLYLAB_LATENCY_MS: '250', POLYLAB_DATA_DIR: dataDir };
    const r = await runCli(['replay', c1], env);
    expect(r.code).toBe(0);
    expect(job.digest).toBe(field(r.stdout, /digest\s+([0-9a-f]{64})/));
    expect(String(job.inputs)).toBe(field(r.stdout, /inputs\s+(\d+)/));
    // Each figure column against the summary line of the same name (figures.ts labels).
    expect(String(job.fills)).toBe(field(r.stdout, /fills\s+(\d+)/));
    expect(String(job.rejects)).toBe(field(r.stdout, /rejects\s+(\d+) episodes/));
    expect(String(job.settlements)).toBe(field(r.stdout, /settlements\s+(\d+)/));
    const usd = (x: unknown) => `${Number(x) < 0 ? '-' : ''}$${Math.abs(Number(x)).toFixed(2)}`;
    expect(usd(job.fees)).toBe(field(r.stdout, /fees paid\s+(\S+)/));
    expect(usd(job.realized_pnl)).toBe(field(r.stdout, /realized PnL\s+(\S+)/));
    expect(usd(job.equity)).toBe(field(r.stdout, /equity\s+(\S+)/));
    expect(usd(job.max_drawdown)).toBe(field(r.stdout, /max drawdown\s+(\S+)/));
    expect(Number(job.fills)).toBeGreaterThan(0);

    // The journaled run's report, exactly: the same figures, and the same market rows.
    const rep = await runCli(['report', '--json'], env);
    expect(rep.code).toBe(0);
    const report = JSON.parse(rep.stdout) as {
      fills: number;
      rejects: number;
      settlements: number;
      fees_paid: number;
      realized_pnl: number | null;
      equity: number | null;
      max_drawdown_usd: number;
      markets: { market_id: string; fills: number; fees: number; pnl: number | null; winning_outcome: string | null }[];
    };
    expect(report).toMatchObject({ fills: Number(job.fills), rejects: Number(job.rejects), settlements: Number(job.settlements) });
    expect(report.fees_paid).toBeCloseTo(Number(job.fees), 9);
    expect(report.realized_pnl).toBeCloseTo(Number(job.realized_pnl), 9);
    expect(report.equity).toBeCloseTo(Number(job.equity), 9);
    expect(report.max_drawdown_usd).toBeCloseTo(Number(job.max_drawdown), 9);
    const markets = (await readTable(out, 'markets')).filter((m) => m.key === job.key);
    expect(markets.length).toBeGreaterThan(0);
    const byId = (a: { market_id?: unknown }, b: { market_id?: unknown }) => String(a.market_id).localeCompare(String(b.market_id));
    expect(
      markets.sort(byId).map((m) => ({
        market_id: m.market_id,
        fills: Number(m.fills),
        fees: Number(m.fees),
        pnl: m.realized_pnl === null ? null : Number(m.realized_pnl),
        winning_outcome: m.winning_outcome,
      })),
    ).toEqual(
      report.markets.sort(byId).map((m) => ({
        market_id: m.market_id,
        fills: m.fills,
        fees: m.fees,
        pnl: m.pnl,
        winning_outcome: m.winning_outcome,
      })),
    );
    // A settled market's row is its whole result (trades, fees, payout), so at least one row has a PnL to compare.
    expect(markets.some((m) => m.realized_pnl !== null && m.winning_outcome !== null)).toBe(true);

    // Another configuration of the same capture is another run.
    const other = jobs.find((j) => j.capture === c1 && j.config === 'div POLYLAB_EDGE_MIN=0.05')!;
    expect(other.digest).not.toBe(job.digest);
  }, 60_000);

  it('per-market and per-fill tables agree with the jobs table', async () => {
    const jobs = await readTable(out, 'jobs');
    const fills = await readTable(out, 'fills');
    const markets = await readTable(out, 'markets');
    for (const j of jobs.filter((x) => x.status === 'ok')) {
      expect(fills.filter((f) => f.key === j.key)).toHaveLength(Number(j.fills));
      const fees = markets.filter((m) => m.key === j.key).reduce((s, m) => s + Number(m.fees), 0);
      expect(fees).toBeCloseTo(Number(j.fees), 6);
    }
  });

  it("two shards' results together equal the unsharded run, row for row", async () => {
    const sharded = path.join(root, 'sharded');
    const args = ['sweep', '--grid', gridFile, '--captures', c1, c2, broken, '--out', sharded, '--workers', '1'];
    const [a, b] = await Promise.all([
      runCli([...args, '--shard', '0/2']),
      runCli([...args, '--shard-count', '2'], { JOB_COMPLETION_INDEX: '1' }),
    ]);
    expect(a.stderr).toContain('shard 0/2 has 6');
    expect(b.stderr).toContain('shard 1/2 has 6');
    for (const table of ['jobs', 'markets', 'fills']) {
      const whole = await readTable(out, table, 'shard');
      expect(whole.length).toBeGreaterThan(0);
      expect(await readTable(sharded, table, 'shard')).toEqual(whole);
    }
  }, 120_000);

  it('a re-run skips the finished jobs and retries only the failed ones', async () => {
    const r = await runCli(['sweep', '--grid', gridFile, '--captures', c1, c2, broken, '--out', out, '--workers', '2']);
    expect(r.stdout).toContain('ran 4 of 4 job(s) (8 done before)');
    expect(await readTable(out, 'jobs')).toHaveLength(12);
  }, 60_000);

  it('refuses an unknown setting or an out-of-range value by name before any job starts', async () => {
    const bad = path.join(root, 'bad.json');
    const dir = path.join(root, 'refused');
    fs.writeFileSync(bad, JSON.stringify({ grid: { POLYLAB_NOPE: [1, 2] } }));
    let r = await runCli(['sweep', '--grid', bad, '--captures', c1, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown setting POLYLAB_NOPE');
    fs.writeFileSync(bad, JSON.stringify({ grid: { POLYLAB_EDGE_MIN: [0.02, 5] } }));
    r = await runCli(['sweep', '--grid', bad, '--captures', c1, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/configuration "POLYLAB_EDGE_MIN=5": Invalid POLYLAB_EDGE_MIN="5"/);
    expect(fs.existsSync(dir)).toBe(false);
  }, 60_000);

  it('Ctrl-C stops cleanly with the finished jobs written; the next run finishes the rest', async () => {
    const grid = path.join(root, 'long.json');
    const dir = path.join(root, 'interrupted');
    fs.writeFileSync(grid, JSON.stringify({ grid: { POLYLAB_EDGE_MIN: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08] } }));
    const args = ['sweep', '--grid', grid, '--captures', c1, c2, '--out', dir, '--workers', '1'];
    const state = path.join(dir, 'state', 'shard=0-of-1.jsonl');
    const r = await runCli(args, {}, (p) => {
      void until(() => fs.existsSync(state) && fs.readFileSync(state, 'utf8').split('\n').length > 2, 60_000).then(() => p.kill('SIGINT'));
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('stopped by a signal');
    const done = (await readTable(dir, 'jobs')).length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(16);
    const again = await runCli([...args.slice(0, -1), '2']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`(${done} done before)`);
    expect(await readTable(dir, 'jobs')).toHaveLength(16);
  }, 180_000);

  it('sweep report ranks the configurations, walks forward, warns, and runs SQL', async () => {
    const html = path.join(root, 'report.html');
    const r = await runCli(['sweep', 'report', out, '--html', html]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 configuration(s) over 2 capture(s); 4 failed job(s) left out');
    expect(r.stdout).toMatch(/rank\s+configuration\s+captures\s+mean PnL\s+95% CI\s+pessimistic/);
    expect(r.stdout).toMatch(/walk-forward[\s\S]*scored on\s+captures before/);
    expect(r.stdout).toContain('4 configurations were tried');
    expect(fs.readFileSync(html, 'utf8')).toContain('<h2>Walk-forward</h2>');
    const q = await runCli(['sweep', 'report', out, '--sql', "SELECT count(*) AS n FROM jobs WHERE status = 'ok'"]);
    expect(q.code).toBe(0);
    expect(q.stdout).toMatch(/^n\s*\n-+\s*\n8\s*\n/);
    const bad = await runCli(['sweep', 'report', out, '--sql', 'SELECT nope FROM jobs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nope" not found');
  }, 60_000);
});
