// Goal: `polylab backtest DIR` builds the archive's capture once (a second run reuses it),
// replays it through the replay engine as a run of mode `backtest` with the usual summary
// and trust lines, settles by the official result (saying there is no own reading), and
// `polylab report` reads the run back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';
import { writeHistoryArchive } from '../helpers/historyArchive.ts';

describe('polylab backtest', () => {
  const data = tempDataDir();
  let archive: string;
  let first: Awaited<ReturnType<typeof runCli>>;
  let second: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    archive = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-archive-'));
    await writeHistoryArchive(archive);
    first = await runCli(['backtest', archive, '--from', '2026-08-22T16:00Z', '--to', '2026-08-22T19:00Z'], { POLYLAB_DATA_DIR: data });
    second = await runCli(
      [
        'backtest',
        archive,
        '--from',
        '2026-08-22T16:00Z',
        '--to',
        '2026-08-22T19:00Z',
        '--strategies',
        'polylab.config.example.json',
        '--html',
        path.join(archive, 'bt.html'),
      ],
      { POLYLAB_DATA_DIR: data },
    );
  }, 120_000);
  afterAll(() => fs.rmSync(archive, { recursive: true, force: true }));

  it('builds once, then reuses the capture; same digest both times', () => {
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(first.stderr).toMatch(/^built .*captures\/20260822T1600-20260822T1900$/m);
    expect(second.stderr).toMatch(/^reusing the capture built earlier in /m);
    const digest = (s: string) => /digest\s+([0-9a-f]{64})/.exec(s)?.[1];
    expect(digest(first.stdout)).toBeDefined();
    expect(digest(second.stdout)).toBe(digest(first.stdout));
  });

  it('with --strategies prints the side-by-side table; --html writes the page', () => {
    expect(second.stdout).toMatch(/strategies side by side \(same inputs\)\n\s+name.*\n\s+main\s+divergence/);
    expect(second.stdout).toMatch(/fair-value-3c\s+fair-value/);
    expect(fs.readFileSync(path.join(archive, 'bt.html'), 'utf8')).toContain('Polylab backtest');
  });

  it('prints the history lines, the summary and the trust lines', () => {
    expect(first.stdout).toContain('own reading: unavailable');
    expect(first.stdout).toMatch(/markets\s+3 BTC up\/down \(2 with Protocol V2 ids\); 1 other markets in gamma\/ left out/);
    expect(first.stdout).toMatch(/unresolved\s+1, not settled/);
    expect(first.stdout).toMatch(/Polylab run backtest-20260822T1600(-\d+)? — summary/);
    expect(first.stdout).toContain('paper trading only');
  });

  it('journals a run of mode backtest that polylab report reads', async () => {
    const db = new Database(`${data}/polylab.db`, { readonly: true });
    const runs = db.prepare('SELECT run_id, mode FROM runs ORDER BY started_wall_ms').all() as { run_id: string; mode: string }[];
    db.close();
    expect(runs.map((r) => r.mode)).toEqual(['backtest', 'backtest']);
    const report = await runCli(['report', '--run', runs[0]!.run_id], { POLYLAB_DATA_DIR: data });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(runs[0]!.run_id);
  });
});
