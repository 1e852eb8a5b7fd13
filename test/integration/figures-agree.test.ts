// Goal: the run summary and `polylab report` on the same journaled run print every figure they share as the same number under the same name (one definition per figure, src/views/figures.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { FIGURES } from '../../src/views/figures.ts';
import { runCli, tempDataDir } from './fakes/cli.ts';

/** The line a text prints for a figure (label then two or more spaces), or undefined. */
const lineOf = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(`  ${label}  `));

describe('the summary and the report agree', () => {
  const data = tempDataDir();
  let summary = '';
  let report = '';

  beforeAll(async () => {
    const run = await runCli(['run', '--mode', 'sim', '--seed', '7', '--duration', '2h'], { POLYLAB_DATA_DIR: data });
    expect(run.code, run.stderr).toBe(0);
    summary = run.stdout;
    const r = await runCli(['report'], { POLYLAB_DATA_DIR: data });
    expect(r.code, r.stderr).toBe(0);
    report = r.stdout;
  }, 120_000);

  // A figure printed only when there is something to show (rebates earned: makers only) is
  // checked on a run that has it: test/integration/report-rebates.test.ts (a maker run).
  const shared = FIGURES.filter((f) => f.printed === 'both' && f.shown === undefined).map((f) => f.label);

  it('leave out only the figures printed on condition, each checked on a run that prints it', () => {
    expect(FIGURES.filter((f) => f.printed === 'both' && f.shown !== undefined).map((f) => f.label)).toEqual(['rebates earned']);
  });

  it('share the named figures, the two edges and the two win counts among them', () => {
    expect(shared).toEqual(expect.arrayContaining(['edge vs mid', 'edge vs fair value', 'closed trades won', 'markets won']));
  });

  it.each(shared)('print "%s" identically', (label) => {
    const s = lineOf(summary, label);
    expect(s, `summary has no "${label}" line:\n${summary}`).toBeDefined();
    // A number in the line: a run with nothing to show would make this test vacuous.
    expect(s).toMatch(/\d/);
    expect(lineOf(report, label)).toBe(s);
  });

  it('trade and settle in this run, so the figures are not all zero', () => {
    expect(lineOf(summary, 'closed trades won')).toMatch(/[1-9]\d* of [1-9]/);
    expect(lineOf(summary, 'edge vs fair value')).toMatch(/\$\d\.\d{4} per share/);
    expect(lineOf(summary, 'edge vs mid')).toMatch(/\$\d\.\d{4} per share/);
  });
});
