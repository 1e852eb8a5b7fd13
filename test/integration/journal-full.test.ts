// Goal: a journal write that fails (a full disk) never leaves a journal that claims more than it holds:
// the journal keeps an exact prefix of the run, the run ends `incomplete` with the count, new risk stops,
// and the process exits non-zero; shown on a real 3 MB tmpfs where the machine lets us mount one, and on
// a database capped with PRAGMA max_page_count (SQLite answers SQLITE_FULL exactly as on a full disk).
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BIN, tempDataDir } from './fakes/cli.ts';
import { JournalWriter } from '../../src/journal/writer.ts';
import { journalPath, reservePath } from '../../src/journal/db.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';

/** A private mount namespace (root, or a user namespace) lets the test mount a tmpfs of its own. */
const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' }).status === 0;

function sh(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('unshare', ['-m', 'sh', '-c', script], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const pnl = (i: number): OutputEvent => ({
  event_type: 'pnl',
  equity: 10_000 + i,
  cash: 10_000,
  realized: i,
  unrealized: 0,
  fees: 0,
  ts_unix_ms: 1_700_000_000_000 + i,
});

describe('a journal that runs out of space', () => {
  it('keeps an exact prefix of the run and marks it incomplete with the count (SQLITE_FULL from max_page_count)', async () => {
    const dir = tempDataDir();
    const errors: string[] = [];
    const w = await JournalWriter.start({ dataDir: dir, maxPages: 40, maxBatch: 50, onError: (m) => errors.push(m) });
    expect(fs.existsSync(reservePath(dir))).toBe(true);
    w.beginRun({
      run_id: 'full-1',
      mode: 'sim',
      seed: 1,
      strategy: 'divergence',
      version: 'test',
      config: '{}',
      started_ms: 0,
      started_wall_ms: 0,
      pid: null,
      parent_run_id: null,
      restored: null,
      replay_of: null,
      capture_dir: null,
    });
    for (let i = 0; i < 20_000; i++) w.sink(pnl(i));
    const end = await w.endRun(1, 'stopped');
    await w.close();
    expect(errors[0]).toMatch(/database or disk is full/);
    expect(end?.status).toBe('incomplete');
    expect(end?.notJournaled).toBe(w.stats.failed);
    expect(w.marked('full-1')).toBe(true);
    // The reserve was given back to the disk at the first failure (and the writer is closed).
    expect(fs.existsSync(reservePath(dir))).toBe(false);
    const db = new Database(journalPath(dir), { readonly: true });
    const run = db.prepare('SELECT status, not_journaled, reason FROM runs').get() as {
      status: string;
      not_journaled: number;
      reason: string;
    };
    const ev = db.prepare('SELECT count(*) AS n, max(seq) AS last FROM events').get() as { n: number; last: number };
    const eq = db.prepare('SELECT count(*) AS n FROM equity').get() as { n: number };
    db.close();
    expect(run).toEqual({ status: 'incomplete', not_journaled: w.stats.failed, reason: 'database or disk is full' });
    // Held + missing = every event, and what is held is seq 0..n-1 with no hole.
    expect(ev.n).toBeGreaterThan(0);
    expect(ev.n + run.not_journaled).toBe(20_000);
    expect(ev.last).toBe(ev.n - 1);
    expect(eq.n).toBe(ev.n);
  });

  it.runIf(canMount)(
    'ends a 6 h noisy sim on a 3 MB tmpfs incomplete: new risk stopped, exit 3, and `runs` and `report` say so',
    async () => {
      const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-tmpfs-'));
      const data = path.join(mnt, 'data');
      const node = `"${process.execPath}" "${BIN}"`;
      const r = await sh(
        `mount -t tmpfs -o size=3m tmpfs "${mnt}" && ${node} run --mode sim --seed 3 --sim-market noisy --duration 6h --speed max; ` +
          `echo "exit=$?"; ${node} runs; ${node} report`,
        { POLYLAB_DATA_DIR: data },
      );
      const exit = /exit=(\d+)/.exec(r.stdout)?.[1];
      expect(exit).toBe('3');
      expect(r.stderr).toMatch(/run sim-3 is INCOMPLETE: \d+ of \d+ events were not journaled \(database or disk is full\)/);
      expect(r.stderr).toContain('The journal marks it `incomplete`.');
      // Logged once for the whole burst of failures, not once per batch.
      expect(r.stderr.match(/journal write failed/g)?.length).toBe(1);
      // New risk stopped: every later buy refused for the journal.
      expect(r.stdout).toMatch(/journal_unavailable=\d+\/\d+/);
      expect(r.stdout).toMatch(/sim-3 +sim +divergence +incomplete \(\d+ not journaled\)/);
      expect(r.stdout).toMatch(
        /Polylab report — run sim-3 \(sim, divergence, seed 3, incomplete\)\n {2}INCOMPLETE +\d+ events of this run were not journaled/,
      );
      // The summary's settlements and the journal's differ, and the report carries the warning that says why.
      const summarySettled = Number(/^ {2}settlements +(\d+)/m.exec(r.stdout)?.[1]);
      const journalSettled = Number(/sim-3 +sim +divergence +incomplete \(\d+ not journaled\) +\S+ \S+ +\d+ +(\d+)/.exec(r.stdout)?.[1]);
      expect(journalSettled).toBeLessThan(summarySettled);
    },
    120_000,
  );
});
