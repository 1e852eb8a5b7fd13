// Goal: a journal corrupted in the middle (64 KiB of random bytes) is refused at start by SQLite's own
// integrity check, with a message naming POLYLAB_DATA_DIR and how to move the file aside, and its bytes
// are left exactly as they were; the same journal before the damage starts fine.
import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { runCli, tempDataDir } from './fakes/cli.ts';
import { JournalWriter } from '../../src/journal/writer.ts';
import { journalPath } from '../../src/journal/db.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function journalOf(dir: string, events: number): Promise<void> {
  const w = await JournalWriter.start({ dataDir: dir });
  w.beginRun({
    run_id: 'before',
    mode: 'sim',
    seed: 1,
    strategy: 'divergence',
    version: 'test',
    config: '{}',
    started_ms: 0,
    started_wall_ms: 0,
    pid: null,
    parent_run_id: null,
    restored: null,
    replay_of: null,
    capture_dir: null,
  });
  for (let i = 0; i < events; i++)
    w.sink({ event_type: 'pnl', equity: 10_000 + i, cash: 10_000, realized: i, unrealized: 0, fees: 0, ts_unix_ms: 1_700_000_000_000 + i });
  await w.endRun(1);
  // Closing checkpoints the WAL into the file: what follows damages the journal itself.
  await w.close();
}

describe('a corrupt journal', () => {
  it('is refused at start and left byte for byte as it was', async () => {
    const dir = tempDataDir();
    await journalOf(dir, 30_000);
    const file = journalPath(dir);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(1024 * 1024);
    // Undamaged, it opens (a run starts on it and stops).
    const ok = await runCli(['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max'], { POLYLAB_DATA_DIR: dir });
    expect(ok.code).toBe(0);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, crypto.randomBytes(64 * 1024), 0, 64 * 1024, Math.floor(size / 2));
    fs.closeSync(fd);
    const before = sha256(file);
    const r = await runCli(['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max'], { POLYLAB_DATA_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`POLYLAB_DATA_DIR=${dir}: ${file} is corrupt (SQLite integrity_check:`);
    expect(r.stderr).toContain(`mv ${file} ${file}.corrupt`);
    expect(r.stderr).toContain('left untouched');
    expect(sha256(file)).toBe(before);
    // Moved aside as the message says, the next start makes a new journal.
    fs.renameSync(file, `${file}.corrupt`);
    for (const ext of ['-wal', '-shm']) fs.rmSync(`${file}${ext}`, { force: true });
    const fresh = await runCli(['run', '--mode', 'sim', '--seed', '1', '--duration', '1m', '--speed', 'max'], { POLYLAB_DATA_DIR: dir });
    expect(fresh.code).toBe(0);
    expect(sha256(`${file}.corrupt`)).toBe(before);
  }, 60_000);
});
