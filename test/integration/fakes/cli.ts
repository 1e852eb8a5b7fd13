/** Runs the real `polylab` binary as a child process and collects its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BIN = new URL('../../../bin/polylab.mjs', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh, empty data directory (journal) for one test's runs. */
export function tempDataDir(prefix = 'polylab-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Logs at warn, the API on a free port and a fresh data dir unless `env` says otherwise. */
export function runCli(args: string[], env: Record<string, string> = {}, onSpawn?: (p: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', POLYLAB_DATA_DIR: tempDataDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(p);
  });
}
