// Goal: the start-up checks of the journal file, in process and with exact messages: a journal
// whose pages are damaged is refused by SQLite's integrity check at start (and the writer
// thread, told the check was done, does not run it again); an empty SQLite file of no program
// is taken and given the schema; a path that SQLite cannot open is refused as unusable; the
// error names POLYLAB_DATA_DIR and carries its code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JournalError, journalPath, openJournalDb, openJournalReadonly } from '../../src/journal/db.ts';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../src/journal/schema.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-db-checks-'));

function refusal(f: () => unknown): JournalError {
  try {
    f();
  } catch (err) {
    return err as JournalError;
  }
  throw new Error('expected a refusal');
}

/** A journal of ~2 MB of events, then 64 KiB of its middle overwritten (a torn disk write). */
function damagedJournal(): { dir: string; file: string } {
  const dir = tmp();
  const db = openJournalDb(dir);
  const insert = db.prepare("INSERT INTO events (run_id, seq, ts_unix_ms, event_type, market_id, body) VALUES ('r', ?, ?, 'pnl', NULL, ?)");
  db.transaction(() => {
    for (let i = 0; i < 8_000; i++) insert.run(i, i, JSON.stringify({ event_type: 'pnl', i, pad: 'x'.repeat(200) }));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const file = journalPath(dir);
  const bytes = fs.readFileSync(file);
  const mid = Math.floor(bytes.length / 2);
  for (let i = 0; i < 64 * 1024; i++) bytes[mid + i] = (i * 131 + 7) & 0xff;
  fs.writeFileSync(file, bytes);
  return { dir, file };
}

describe('journal file checks', () => {
  it('refuses a journal with damaged pages at start, by its integrity check, naming the setting, and leaves it untouched', () => {
    const { dir, file } = damagedJournal();
    const before = fs.readFileSync(file);
    const err = refusal(() => openJournalDb(dir));
    expect(err).toBeInstanceOf(JournalError);
    expect(err.name).toBe('JournalError');
    expect(err.code).toBe('JOURNAL_UNUSABLE');
    expect(err.setting).toBe('POLYLAB_DATA_DIR');
    expect(err.message).toMatch(new RegExp(`^POLYLAB_DATA_DIR=${dir}: ${file} is corrupt \\(SQLite integrity_check: `));
    expect(err.message).toContain(`it was left untouched. Move it aside to start a new journal (mv ${file} ${file}.corrupt`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('skips the integrity check when the caller says it was done (the writer thread after the start-up check)', () => {
    const { dir } = damagedJournal();
    const db = openJournalDb(dir, { checked: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('takes an empty SQLite file of no program (no tables) and gives it the schema, whatever its user_version', () => {
    const dir = tmp();
    const file = journalPath(dir);
    const blank = new Database(file);
    blank.pragma('user_version = 1');
    blank.close();
    expect(fs.statSync(file).size).toBeGreaterThan(0);
    const db = openJournalDb(dir);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM trust').get()).toEqual({ n: 0 });
    db.close();
    // Opened again: already current, nothing to migrate.
    openJournalDb(dir).close();
    expect(() => openJournalReadonly(dir).close()).not.toThrow();
  });

  it('refuses a journal path SQLite cannot open as not a usable journal', () => {
    const dir = tmp();
    fs.mkdirSync(journalPath(dir));
    const err = refusal(() => openJournalDb(dir));
    expect(err).toBeInstanceOf(JournalError);
    expect(err.message).toMatch(
      new RegExp(`^POLYLAB_DATA_DIR=${dir}: ${journalPath(dir)} is not a usable journal \\(.+\\); it was left untouched$`),
    );
  });

  it('says which program a foreign database belongs to, not that it is unusable', () => {
    const dir = tmp();
    const other = new Database(journalPath(dir));
    other.pragma('application_id = 42');
    other.exec('CREATE TABLE customers (name TEXT)');
    other.close();
    expect(refusal(() => openJournalDb(dir)).message).toBe(
      `POLYLAB_DATA_DIR=${dir}: ${journalPath(dir)} is a SQLite database of another program (application id 42); refusing to touch it`,
    );
  });
});
