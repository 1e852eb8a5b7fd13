// Goal: a maker run's summary and its journaled report show the rebates earned apart from the fees paid, and both equal the sum of the fills' rebates.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';

const dollars = (text: string, label: RegExp) => Number(label.exec(text)?.[1]);

describe('rebates in the summary and the report', () => {
  it('prints rebates earned on maker fills, equal to the fills’ rebates in the journal', async () => {
    const data = tempDataDir();
    const run = await runCli(['run', '--mode', 'sim', '--seed', '3', '--duration', '40m'], {
      POLYLAB_DATA_DIR: data,
      POLYLAB_STRATEGY: 'maker',
    });
    expect(run.code).toBe(0);
    const db = new Database(`${data}/polylab.db`, { readonly: true });
    const bodies = db.prepare("SELECT body FROM events WHERE run_id = 'sim-3' AND event_type = 'paper_fill'").all() as Array<{
      body: string;
    }>;
    db.close();
    const journaled = bodies.reduce((s, r) => s + ((JSON.parse(r.body) as { rebate?: number }).rebate ?? 0), 0);
    expect(journaled).toBeGreaterThan(0);
    expect(dollars(run.stdout, /rebates earned +\$([\d.]+) on maker fills/)).toBeCloseTo(journaled, 2);
    expect(run.stdout).toMatch(/fees paid +\$[\d.]+/);
    const report = await runCli(['report', '--run', 'sim-3'], { POLYLAB_DATA_DIR: data });
    expect(report.code).toBe(0);
    expect(dollars(report.stdout, /rebates earned +\$([\d.]+) on maker fills/)).toBeCloseTo(journaled, 2);
    expect(report.stdout).toMatch(/fees paid +\$[\d.]+/);
    // One definition (src/views/figures.ts): the summary and the report print the same line.
    const line = (text: string) => text.split('\n').find((l) => l.trimStart().startsWith('rebates earned'));
    expect(line(report.stdout)).toBe(line(run.stdout));
  }, 120_000);
});
