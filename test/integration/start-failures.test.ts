// Goal: every start that cannot work exits promptly with one line naming the flag or setting, and leaves
// no run `running`: bad options are refused before the journal opens (no run at all), and a failure
// after it opened (the API port taken) closes the run `failed` with the reason.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, runCli, tempDataDir } from './fakes/cli.ts';

const SIM = ['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max'];
const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' }).status === 0;

/** The journal's runs (`polylab runs --json`), or null when no journal was created. */
async function runsIn(dir: string): Promise<Array<{ run_id: string; status: string; reason: string | null }> | null> {
  if (!fs.existsSync(path.join(dir, 'polylab.db'))) return null;
  const r = await runCli(['runs', '--json'], { POLYLAB_DATA_DIR: dir });
  return JSON.parse(r.stdout) as Array<{ run_id: string; status: string; reason: string | null }>;
}

async function expectRefusedBeforeJournal(args: string[], message: RegExp): Promise<void> {
  const dir = tempDataDir();
  const r = await runCli(args, { POLYLAB_DATA_DIR: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  // No run was opened: the journal has no run at all (it was not even created).
  expect((await runsIn(dir)) ?? []).toEqual([]);
}

describe('a start that fails', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-start-'));
  const aFile = path.join(scratch, 'a-file');
  fs.writeFileSync(aFile, 'x');

  it('refuses a malformed --strategies file before the journal opens', async () => {
    const bad = path.join(scratch, 'bad.json');
    fs.writeFileSync(bad, '{ "strategies": [ { "name": "x", ');
    await expectRefusedBeforeJournal([...SIM, '--strategies', bad], /^polylab: .*bad\.json: not JSON/m);
  });

  it('refuses a misspelt setting in a --strategies file by its name', async () => {
    const typo = path.join(scratch, 'typo.json');
    fs.writeFileSync(typo, JSON.stringify({ strategies: [{ name: 'fv', settings: { POLYLAB_EDGE_MNI: 0.03 } }] }));
    await expectRefusedBeforeJournal([...SIM, '--strategies', typo], /unknown setting POLYLAB_EDGE_MNI/);
  });

  it('refuses a --capture directory that cannot be created', async () => {
    await expectRefusedBeforeJournal(
      [...SIM, '--capture', path.join(aFile, 'cap')],
      /--capture\/POLYLAB_CAPTURE=.*cannot create the capture directory \(ENOTDIR\)/,
    );
  });

  it('refuses an --html path that cannot be written, and leaves no file behind', async () => {
    await expectRefusedBeforeJournal(
      [...SIM, '--html', path.join(aFile, 'r.html')],
      /--html .*r\.html: cannot write this file \(ENOTDIR\)/,
    );
    const dirAsFile = path.join(scratch, 'is-a-dir');
    fs.mkdirSync(dirAsFile);
    await expectRefusedBeforeJournal([...SIM, '--html', dirAsFile], /--html .*is-a-dir: is a directory/);
  });

  it.runIf(canMount)('refuses an existing read-only capture directory instead of capturing nothing', async () => {
    const dir = tempDataDir();
    const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-ro-'));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(
        'unshare',
        [
          '-m',
          'sh',
          '-c',
          `mount --bind "${ro}" "${ro}" && mount -o remount,ro,bind "${ro}" && exec "${process.execPath}" "${BIN}" ${SIM.join(' ')} --capture "${ro}"`,
        ],
        {
          env: { ...process.env, POLYLAB_LOG_LEVEL: 'warn', POLYLAB_PORT: '0', POLYLAB_DATA_DIR: dir },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write in the capture directory \(EROFS\)/);
    expect(r.stderr).not.toContain('capturing to');
    expect((await runsIn(dir)) ?? []).toEqual([]);
  });

  it('closes the run failed, with the reason, when the API port is taken after the journal opened', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as net.AddressInfo).port);
    try {
      const dir = tempDataDir();
      const r = await runCli(SIM, { POLYLAB_DATA_DIR: dir, POLYLAB_PORT: port });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot serve the API on 127\.0\.0\.1:\d+ \(POLYLAB_HOST\/POLYLAB_PORT\)/);
      const runs = await runsIn(dir);
      expect(runs).toHaveLength(1);
      expect(runs![0]).toMatchObject({ run_id: 'sim-1', status: 'failed', reason: expect.stringContaining('EADDRINUSE') });
      // The next start is not held up by it, and does not continue it.
      const next = await runCli(SIM, { POLYLAB_DATA_DIR: dir });
      expect(next.code).toBe(0);
      expect(next.stderr).not.toContain('did not stop cleanly');
      expect((await runsIn(dir))!.map((x) => x.status)).toEqual(['failed', 'stopped']);
    } finally {
      taken.close();
    }
  });
});
