// Goal: the command line answers the basics a new user tries: --version, a mistyped command, and a
// report to a path that cannot be written — each with one clear line, never a stack trace.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, tempDataDir } from './fakes/cli.ts';

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the polylab command line', () => {
  it('prints its version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^polylab ${pkg.version.replace(/\./g, '\\.')}( \\([0-9a-f]{12}\\))?\\n$`));
    }
  });

  it('names an unknown command and lists the commands', async () => {
    const r = await runCli(['bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "polylab: unknown command 'bogus'; the commands are: run, markets, doctor, replay, report, runs, history, backtest, sweep (polylab --help)\n",
    );
    expect(r.stderr).not.toContain("too many arguments for 'run'");
  });

  it('refuses report --csv and --html to a path that cannot be written with one line', async () => {
    const dir = tempDataDir();
    expect(
      (await runCli(['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max'], { POLYLAB_DATA_DIR: dir })).code,
    ).toBe(0);
    const aFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-report-')), 'a-file');
    fs.writeFileSync(aFile, 'x');
    for (const flag of ['--csv', '--html']) {
      const r = await runCli(['report', flag, path.join(aFile, 'out')], { POLYLAB_DATA_DIR: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`polylab: ${flag} ${path.join(aFile, 'out')}: cannot write this file (ENOTDIR)\n`);
    }
    // The same report to a writable path still works.
    const ok = await runCli(['report', '--csv', `${aFile}.csv`], { POLYLAB_DATA_DIR: dir });
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(`${aFile}.csv`, 'utf8')).toMatch(/^run_id,ts_unix_ms,event_type/);
  });
});
