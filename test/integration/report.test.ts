// Goal: `polylab report` and `polylab runs` read a journaled run back: its numbers agree with the run's own summary, the CSV has a row per fill with the required columns, and --json is parseable.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';

const num = (text: string, label: string) => Number(new RegExp(`${label}\\s+(-?)\\$?(-?[\\d.]+)`).exec(text)!.slice(1).join(''));

describe('report and runs', () => {
  const data = tempDataDir();
  let sim: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    sim = await runCli(['run', '--mode', 'sim', '--seed', '5', '--duration', '50m'], { POLYLAB_DATA_DIR: data });
  }, 60_000);

  it('lists the run', async () => {
    const r = await runCli(['runs'], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sim-5\s+sim\s+divergence\s+stopped/m);
    const json = JSON.parse((await runCli(['runs', '--json'], { POLYLAB_DATA_DIR: data })).stdout) as Array<{
      run_id: string;
      fills: number;
    }>;
    expect(json.map((x) => [x.run_id, x.fills])).toEqual([['sim-5', num(sim.stdout, 'fills')]]);
  });

  it('reports the same fills, rejects, settlements and PnL as the run printed, and writes a CSV row per fill', async () => {
    const csv = path.join(tempDataDir('polylab-csv-'), 'run.csv');
    const r = await runCli(['report', '--csv', csv], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Polylab report — run sim-5 (sim, divergence, seed 5, stopped)');
    expect(num(r.stdout, 'fills')).toBe(num(sim.stdout, 'fills'));
    expect(num(r.stdout, 'rejects')).toBe(num(sim.stdout, 'rejects'));
    expect(num(r.stdout, 'realized PnL')).toBe(num(sim.stdout, 'realized PnL'));
    expect(r.stdout).toMatch(/closed trades won\s+\d+ of \d+/);
    expect(r.stdout).toMatch(/markets won\s+\d+, lost \d+/);
    expect(r.stdout).toMatch(/max drawdown\s+\$\d+\.\d\d/);
    expect(r.stdout).toMatch(/per market/);

    const [header, ...rows] = fs.readFileSync(csv, 'utf8').trim().split('\n');
    const cols = header!.split(',');
    expect(cols.slice(0, 10)).toEqual([
      'run_id',
      'ts_unix_ms',
      'event_type',
      'market_id',
      'token_id',
      'side',
      'qty',
      'fill_px',
      'fee',
      'pnl',
    ]);
    const fills = rows.map((l) => l.split(',')).filter((c) => c[2] === 'paper_fill');
    expect(fills).toHaveLength(num(sim.stdout, 'fills'));
    const fee = fills.reduce((s, c) => s + Number(c[cols.indexOf('fee')]), 0);
    expect(fee).toBeCloseTo(num(sim.stdout, 'fees paid'), 2);
    expect(fills.every((c) => c[0] === 'sim-5' && Number(c[6]) > 0 && Number(c[7]) > 0 && Number(c[7]) < 1)).toBe(true);
  });

  it('prints JSON for scripts, and says so when the run does not exist', async () => {
    const r = await runCli(['report', '--json', '--run', 'sim-5'], { POLYLAB_DATA_DIR: data });
    const report = JSON.parse(r.stdout) as {
      fills: number;
      settlements: number;
      rejects_by_reason: Record<string, number>;
      markets: unknown[];
    };
    expect(report.fills).toBe(num(sim.stdout, 'fills'));
    expect(report.settlements).toBe(num(sim.stdout, 'settlements'));
    expect(report.markets.length).toBeGreaterThan(0);
    const missing = await runCli(['report', '--run', 'nope'], { POLYLAB_DATA_DIR: data });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run nope');
  });
});
