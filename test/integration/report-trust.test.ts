// Goal: a sim run that stops keeps its trust figures in the journal, and `polylab report` gives them back: the same trust lines and side-by-side table the run printed, the trust report in --json, and with --html the same charts the run's own --html page drew.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from './fakes/cli.ts';
import type { TrustReport } from '../../src/analytics/trustReport.ts';

/** The lines from the trust heading to the end of the side-by-side table (the run's digest and paper-trading lines left out). */
const trustBlock = (text: string) =>
  text
    .slice(text.indexOf('  trust (docs/methodology.md'))
    .trimEnd()
    .split('\n')
    .filter((l) => !/^\s+(digest|paper trading only)/.test(l))
    .join('\n');
/** Each `<figure>…</figure>` of a page, by caption. */
const figures = (html: string) =>
  new Map([...html.matchAll(/<figure><figcaption>([^<]*)<\/figcaption>[\s\S]*?<\/figure>/g)].map((m) => [m[1]!, m[0]]));

describe('report of a journaled run: trust figures', () => {
  const data = tempDataDir();
  const out = tempDataDir('polylab-html-');
  let sim: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    const lanes = path.join(out, 'polylab.config.json');
    fs.writeFileSync(lanes, JSON.stringify({ strategies: [{ name: 'fv', settings: { POLYLAB_STRATEGY: 'fair-value' } }] }));
    sim = await runCli(
      [
        'run',
        '--mode',
        'sim',
        '--seed',
        '5',
        '--duration',
        '40m',
        '--speed',
        'max',
        '--strategies',
        lanes,
        '--html',
        path.join(out, 'run.html'),
      ],
      { POLYLAB_DATA_DIR: data },
    );
    expect(sim.code).toBe(0);
  }, 90_000);

  it('prints the trust lines and the side-by-side table the run printed', async () => {
    const r = await runCli(['report'], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(sim.stdout).toContain('strategies side by side');
    expect(trustBlock(r.stdout)).toMatch(/PnL range .* pessimistic \.\. .* default \.\. .* optimistic/);
    expect(trustBlock(r.stdout)).toBe(trustBlock(sim.stdout));
  }, 30_000);

  it('carries the trust report and the strategies rows in --json', async () => {
    const r = await runCli(['report', '--json'], { POLYLAB_DATA_DIR: data });
    const json = JSON.parse(r.stdout) as { fills: number; trust: TrustReport | null; strategies: Array<{ name: string; fills: number }> };
    expect(json.trust).not.toBeNull();
    expect(json.trust!.fills).toBe(json.fills);
    expect(json.trust!.fill_models.pnl.optimistic).toBeGreaterThanOrEqual(json.trust!.fill_models.pnl.pessimistic);
    expect(json.strategies.map((s) => s.name)).toEqual(['main', 'fv']);
    expect(json.strategies[0]!.fills).toBe(json.fills);
  }, 30_000);

  it("writes with --html a self-contained page whose trust charts are the run's own", async () => {
    const file = path.join(out, 'report.html');
    const r = await runCli(['report', '--html', file], { POLYLAB_DATA_DIR: data });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`written to ${file}`);
    const page = fs.readFileSync(file, 'utf8');
    const run = fs.readFileSync(path.join(out, 'run.html'), 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|\ssrc=|url\(/);
    const [mine, theirs] = [figures(page), figures(run)];
    expect([...mine.keys()]).toHaveLength(5);
    expect([...mine.keys()]).toEqual([...theirs.keys()]);
    // The equity curve comes from the journal here and from memory in the run: same figures, drawn apart. The others are the same drawing.
    for (const [caption, svg] of mine) if (!caption.startsWith('Equity')) expect(svg, caption).toBe(theirs.get(caption));
    expect(mine.get('Settled PnL under each fill model (the band is the range)')).toMatch(/<path d="M/);
    expect(page).toContain('PnL range');
  }, 30_000);

  it('says so, and writes no page, for a run with no journaled trust figures', async () => {
    // The same journal without the trust row, as a run that never stopped cleanly has it.
    const copy = tempDataDir();
    const src = new Database(path.join(data, 'polylab.db'), { readonly: true });
    await src.backup(path.join(copy, 'polylab.db'));
    src.close();
    const w = new Database(path.join(copy, 'polylab.db'));
    expect(w.prepare('DELETE FROM trust').run().changes).toBe(1);
    w.close();
    const file = path.join(out, 'none.html');
    const r = await runCli(['report', '--html', file], { POLYLAB_DATA_DIR: copy });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('trust         none journaled for this run');
    expect(r.stderr).toContain('has no journaled trust figures; no --html page written');
    expect(fs.existsSync(file)).toBe(false);
  }, 30_000);
});
