// Goal: a journal of schema 1 (before the trust table) is migrated in place with its runs kept, and a run's trust figures written by the store are read back whole; a run without them reads as null.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openJournalDb, openJournalReadonly } from '../../src/journal/db.ts';
import { APPLICATION_ID, JOURNAL_FILE, MIGRATIONS, SCHEMA_VERSION } from '../../src/journal/schema.ts';
import { JournalStore } from '../../src/journal/store.ts';
import { getTrust } from '../../src/journal/queries.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'polylab-trust-db-'));

describe('journal trust table', () => {
  it("migrates a schema-1 journal, keeping its runs, and stores a run's trust figures", () => {
    const dir = tmp();
    const v1 = new Database(path.join(dir, JOURNAL_FILE));
    v1.exec(MIGRATIONS[0]!);
    v1.pragma(`application_id = ${APPLICATION_ID}`);
    v1.pragma('user_version = 1');
    v1.prepare(
      "INSERT INTO runs (run_id, mode, strategy, version, config, started_ms, started_wall_ms, status) VALUES ('old', 'sim', 'divergence', 'v', '{}', 1, 1, 'stopped')",
    ).run();
    v1.close();
    expect(() => openJournalReadonly(dir)).toThrow(/journal schema 1; open it once/);

    const db = openJournalDb(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT run_id FROM runs').all()).toEqual([{ run_id: 'old' }]);
    const store = new JournalStore(db);
    const row = {
      run_id: 'new',
      ts_unix_ms: 42,
      report: '{"fills":3}',
      range: '[{"ts_unix_ms":1,"optimistic":1,"default":0,"pessimistic":-1}]',
      strategies: '[]',
    };
    store.saveTrust(row);
    store.saveTrust({ ...row, report: '{"fills":4}' });
    db.close();

    const r = openJournalReadonly(dir);
    expect(getTrust(r, 'new')).toEqual({ ts_unix_ms: 42, report: '{"fills":4}', range: row.range, strategies: '[]' });
    expect(getTrust(r, 'old')).toBeNull();
    r.close();
  });
});
