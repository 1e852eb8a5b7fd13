/**
 * The lab for browser tests: the real `polylab` binary in a child process (a fresh
 * build of the dashboard first, when web/ changed since the last one).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/polylab.mjs');

function newestMs(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestMs(p) : s.mtimeMs);
  }
  return t;
}

/** Builds web/dist unless it is newer than every source of the page, the src/core and src/views it bundles included (npm test has just built it). */
export function ensureDashboardBuilt(): void {
  const index = join(ROOT, 'web/dist/index.html');
  const sources = Math.max(
    newestMs(join(ROOT, 'web/src')),
    newestMs(join(ROOT, 'src/core')),
    newestMs(join(ROOT, 'src/views')),
    statSync(join(ROOT, 'web/index.html')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

export interface Lab {
  url: string;
  port: number;
  proc: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** SIGINT, then the exit code. */
  stop: () => Promise<number | null>;
}

export async function startLab(args: string[], env: Record<string, string> = {}): Promise<Lab> {
  // Each lab has a data dir of its own: a journal is one lab's at a time, and a restart must not continue another test's account.
  const dataDir = mkdtempSync(join(tmpdir(), 'polylab-e2e-'));
  const proc = spawn(process.execPath, [BIN, 'run', ...args], {
    cwd: ROOT,
    env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', POLYLAB_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no "Dashboard on" line: ${err}`)), 15_000);
    proc.stderr!.on('data', (d) => {
      err += d;
      const m = /Dashboard on (http:\/\/\S+\/)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
    proc.on('close', () => reject(new Error(`polylab exited early: ${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    stderr: () => err,
    stdout: () => out,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}
