// Goal: a short soak (the sim at full speed through the engine, the trust analytics and the API's sinks, bounded to a few seconds) keeps its memory flat after warm-up; `npm run soak` runs the long one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SoakReport } from '../../bench/soak.ts';

const run = promisify(execFile);

describe('short soak', () => {
  it('runs hours of sim in seconds without unbounded memory growth', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/soak.ts', '--seconds', '6', '--check', '--json'],
      { timeout: 60_000 },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as SoakReport;
    expect(r.inputs).toBeGreaterThan(100_000);
    expect(r.sim_hours).toBeGreaterThan(1);
    expect(r.heap_growth_mb).toBeLessThan(16);
    // The analytics ran alongside: their report was asked for and has the run's figures.
    expect(r.trust_report_kb).toBeGreaterThan(1);
    expect(r.pass).toBe(true);
  }, 90_000);
});
