// Goal: the journal opens only a writable data dir and only its own SQLite file; a foreign, corrupt or newer file is refused with a message naming POLYLAB_DATA_DIR and is left byte for byte as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JournalError, openJournalDb, openJournalReadonly } from '../../src/journal/db.ts';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../src/journal/schema.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-db-'));

function expectRefused(dir: string, pattern: RegExp): void {
  let err: unknown;
  try {
    openJournalDb(dir).close();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(JournalError);
  expect((err as Error).message).toContain('POLYLAB_DATA_DIR');
  expect((err as Error).message).toMatch(pattern);
}

describe('journal database', () => {
  it('creates a missing data dir and a journal marked with its application id and schema version', () => {
    const dir = path.join(tmp(), 'a', 'b');
    const db = openJournalDb(dir);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // Opening again is a no-op migration, and readers open it too.
    openJournalDb(dir).close();
    openJournalReadonly(dir).close();
  });

  it('refuses a data dir that is a file', () => {
    const file = path.join(tmp(), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    expectRefused(file, /cannot create the data directory|not a directory/);
  });

  it('refuses a foreign SQLite database and leaves it untouched', () => {
    const dir = tmp();
    const file = path.join(dir, 'polylab.db');
    const other = new Database(file);
    other.exec("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('ada')");
    other.close();
    const before = fs.readFileSync(file);
    expectRefused(dir, /database of another program/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a corrupt file and leaves it untouched', () => {
    const dir = tmp();
    const file = path.join(dir, 'polylab.db');
    const junk = Buffer.from('this is not a database at all, just some bytes '.repeat(100));
    fs.writeFileSync(file, junk);
    expectRefused(dir, /not a usable journal/);
    expect(fs.readFileSync(file).equals(junk)).toBe(true);
  });

  it('refuses a journal of a newer schema', () => {
    const dir = tmp();
    openJournalDb(dir).close();
    const db = new Database(path.join(dir, 'polylab.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expectRefused(dir, new RegExp(`journal schema ${SCHEMA_VERSION + 1}, newer than this Polylab knows`));
  });

  it('tells a reader when there is no journal yet', () => {
    expect(() => openJournalReadonly(tmp())).toThrow(/no journal here/);
  });
});
