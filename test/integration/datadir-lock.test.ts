// Goal: the data-dir lock (a run marked running by a live process) trusts the process's identity, not its
// pid: a killed lab that is still a zombie, or a pid now used by another process, does not lock the data
// dir, while a live lab still does.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { processAlive, processIdentity } from '../../src/journal/recover.ts';
import { openJournalDb } from '../../src/journal/db.ts';
import { JournalStore } from '../../src/journal/store.ts';
import { runCli, tempDataDir } from './fakes/cli.ts';

/** Waits (polling /proc, bounded) until `pid` is in the state wanted. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** A zombie: `sh` starts a short child and becomes `sleep`, which never reaps it. Returns its pid and a cleanup. */
async function zombie(): Promise<{ pid: number; kill: () => void }> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await until(() => processIdentity(pid)?.zombie === true, `pid ${pid} to be a zombie`);
  return { pid, kill: () => parent.kill('SIGKILL') };
}

function plantRunning(dir: string, runId: string, pid: number, pidStart: string | null): void {
  const db = openJournalDb(dir);
  new JournalStore(db).insertRun({
    run_id: runId,
    mode: 'sim',
    seed: 1,
    strategy: 'divergence',
    version: 'test',
    config: '{}',
    started_ms: 0,
    started_wall_ms: 0,
    pid,
    pid_start: pidStart,
    parent_run_id: null,
    restored: null,
    replay_of: null,
    capture_dir: null,
  });
  db.close();
}

const SIM = ['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max', '--fresh'];

describe.runIf(fs.existsSync('/proc/self/stat'))('the data-dir lock', () => {
  it('tells a live process from a zombie and from a reused pid', async () => {
    const z = await zombie();
    try {
      expect(processAlive(z.pid)).toBe(false);
    } finally {
      z.kill();
    }
    const live = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await until(() => processIdentity(live.pid!) !== null, 'the sleeper');
      const start = processIdentity(live.pid!)!.start;
      expect(processAlive(live.pid!, start)).toBe(true);
      expect(processAlive(live.pid!, null)).toBe(true);
      // The journal says the run's process started at another time: this pid is someone else now.
      expect(processAlive(live.pid!, String(Number(start) - 1))).toBe(false);
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('starts over a run whose process is a zombie or whose pid was reused, and still refuses a live lab', async () => {
    const z = await zombie();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await until(() => processIdentity(other.pid!) !== null, 'the sleeper');
      const dir = tempDataDir();
      plantRunning(dir, 'zombie-run', z.pid, null);
      plantRunning(dir, 'reused-run', other.pid!, '1');
      const r = await runCli(SIM, { POLYLAB_DATA_DIR: dir });
      expect(r.stderr).not.toContain('stop it first');
      expect(r.code).toBe(0);
      const runs = JSON.parse((await runCli(['runs', '--json'], { POLYLAB_DATA_DIR: dir })).stdout) as Array<{
        run_id: string;
        status: string;
      }>;
      expect(runs.map((x) => [x.run_id, x.status])).toEqual([
        ['zombie-run', 'crashed'],
        ['reused-run', 'crashed'],
        ['sim-1', 'stopped'],
      ]);
      // The same sleeper, journaled with its real start time, is a live lab: refused by name.
      const locked = tempDataDir();
      plantRunning(locked, 'live-run', other.pid!, processIdentity(other.pid!)!.start);
      const refused = await runCli(SIM, { POLYLAB_DATA_DIR: locked });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`in use by run live-run (pid ${other.pid})`);
    } finally {
      z.kill();
      other.kill('SIGKILL');
    }
  }, 60_000);
});
