// Goal: `polylab run --mode sim` serves the API on the configured address while it runs, and closes it on exit.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, tempDataDir } from './fakes/cli.ts';

describe('polylab run serves the API', () => {
  it('prints the bound URL, answers /feed/health and /readyz while running at 1x, and exits 0 on SIGTERM', async () => {
    const p = spawn(process.execPath, [BIN, 'run', '--mode', 'sim', '--speed', '1x', '--port', '0'], {
      env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_DATA_DIR: tempDataDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no API line in: ${stderr}`)), 10_000);
      p.stderr.on('data', (d) => {
        stderr += d;
        const m = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    try {
      // Ready once the sim has made medians and books (polled: a busy machine only takes longer).
      const t0 = Date.now();
      while ((await fetch(`${url}/readyz`)).status !== 200) {
        if (Date.now() - t0 > 20_000) throw new Error('not ready within 20 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const health = (await (await fetch(`${url}/feed/health`)).json()) as { mode: string; reference: { live: boolean } };
      expect(health.mode).toBe('sim');
      expect(health.reference.live).toBe(true);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      p.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('summary');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
