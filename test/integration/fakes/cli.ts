/** Runs the real `polylab` binary as a child process and collects its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';

export const BIN = new URL('../../../bin/polylab.mjs', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Logs at warn and the API on a free port unless `env` says otherwise. */
export function runCli(args: string[], env: Record<string, string> = {}, onSpawn?: (p: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(p);
  });
}
