/**
 * Opening the journal: the data directory is created if missing and must be a writable
 * directory; the database file, if present, must be Polylab's (application id) and of a
 * schema this build knows. A foreign, corrupt or newer file is refused with a clear error
 * and never written to: every check runs on a read-only connection before the first write.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, JOURNAL_FILE, MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

export type Db = Database.Database;

/** A journal that cannot be used; `setting` names the variable to look at. */
export class JournalError extends Error {
  readonly code = 'JOURNAL_UNUSABLE';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

const DATA_DIR_VAR = 'POLYLAB_DATA_DIR';

/** Creates `dataDir` if missing; fails (naming POLYLAB_DATA_DIR) unless it is a writable directory. */
export function ensureDataDir(dataDir: string): string {
  const dir = path.resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new JournalError(DATA_DIR_VAR, `${DATA_DIR_VAR}=${dataDir}: cannot create the data directory (${(err as Error).message})`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new JournalError(DATA_DIR_VAR, `${DATA_DIR_VAR}=${dataDir}: not a directory`);
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new JournalError(DATA_DIR_VAR, `${DATA_DIR_VAR}=${dataDir}: the data directory is not writable`);
  }
  return dir;
}

/**
 * A file of zeros the writer keeps beside the journal while it runs and deletes at its first
 * failed write, so the run's closing mark fits even on a full disk (SQLite writes it to the
 * WAL: a few pages). Written, not sparse, so a full disk really gives the space back.
 */
export const RESERVE_BYTES = 256 * 1024;

export function reservePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), `${JOURNAL_FILE}-reserve`);
}

export function journalPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), JOURNAL_FILE);
}

/**
 * Past this size the start-up check is SQLite's `quick_check` (O(N): pages, records, no index
 * cross-check) instead of `integrity_check` (O(N log N), also every index against its table).
 * Measured 2026-12-06 on the shared dev machine (2 cores, other jobs running): a 1.0 GB
 * journal (3.6 M events) took 5.5 s with quick_check and 12.0 s with integrity_check; a
 * 70 MB one 0.29 s and 0.52 s. Either finds the 64 KiB of random bytes the test plants in
 * the middle (test/integration/journal-corrupt.test.ts).
 */
export const FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024;

/** SQLite's own check of the file; anything but "ok" refuses the journal, untouched. */
function checkIntegrity(db: Db, file: string, dataDir: string): void {
  const size = fs.statSync(file).size;
  const pragma = size > FULL_CHECK_MAX_BYTES ? 'quick_check(5)' : 'integrity_check(5)';
  const rows = db.pragma(pragma) as Array<Record<string, string>>;
  const found = rows.map((r) => Object.values(r)[0]);
  if (found.length === 1 && found[0] === 'ok') return;
  throw new JournalError(
    DATA_DIR_VAR,
    `${DATA_DIR_VAR}=${dataDir}: ${file} is corrupt (SQLite ${pragma.replace(/\(.*/, '')}: ${found.join('; ')}); it was left untouched. ` +
      `Move it aside to start a new journal (mv ${file} ${file}.corrupt, and its -wal and -shm files if present) ` +
      `or set ${DATA_DIR_VAR} to another directory; \`sqlite3 ${file} .recover\` may save what is readable.`,
  );
}

/**
 * Checks an existing journal file without writing to it; returns its schema version. With
 * `integrity`, SQLite's own check runs too (at the start of a run: a corrupt file must not
 * be written into).
 */
function inspect(file: string, dataDir: string, integrity = false): number {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (appId !== APPLICATION_ID && tables > 0) {
      throw new JournalError(
        DATA_DIR_VAR,
        `${DATA_DIR_VAR}=${dataDir}: ${file} is a SQLite database of another program (application id ${appId}); refusing to touch it`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new JournalError(
        DATA_DIR_VAR,
        `${DATA_DIR_VAR}=${dataDir}: ${file} has journal schema ${version}, newer than this Polylab knows (${SCHEMA_VERSION}); upgrade Polylab or use another data dir`,
      );
    }
    if (integrity) checkIntegrity(db, file, dataDir);
    return appId === APPLICATION_ID ? version : 0;
  } catch (err) {
    if (err instanceof JournalError) throw err;
    throw new JournalError(
      DATA_DIR_VAR,
      `${DATA_DIR_VAR}=${dataDir}: ${file} is not a usable journal (${(err as Error).message}); it was left untouched`,
    );
  } finally {
    db?.close();
  }
}

/** Connection settings for every writer and reader: WAL, and a wait instead of SQLITE_BUSY. */
function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL survives a killed process (a power cut may lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // An 8 MB page cache (bounded memory) and fewer, larger checkpoints: the event index takes most of the insert time.
  db.pragma('cache_size = -8192');
  db.pragma('wal_autocheckpoint = 8192');
}

/**
 * Opens (creating or migrating) the journal in `dataDir` for writing. Used once at start
 * on the main thread to validate (SQLite's integrity check included) and migrate, and by the
 * writer worker.
 */
export function openJournalDb(dataDir: string, opts: { checked?: boolean } = {}): Db {
  const dir = ensureDataDir(dataDir);
  const file = path.join(dir, JOURNAL_FILE);
  // `checked`: the caller (the writer thread, after the start-up check on the main thread) skips the integrity check.
  const existing = fs.existsSync(file) && fs.statSync(file).size > 0 ? inspect(file, dataDir, opts.checked !== true) : 0;
  let db: Db;
  try {
    db = new Database(file);
    configure(db);
  } catch (err) {
    throw new JournalError(DATA_DIR_VAR, `${DATA_DIR_VAR}=${dataDir}: cannot open ${file} (${(err as Error).message})`);
  }
  if (existing < SCHEMA_VERSION) migrate(db, existing);
  return db;
}

function migrate(db: Db, from: number): void {
  const run = db.transaction(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  run();
}

/** A read-only connection for reports, the API and crash recovery (WAL: never blocks the writer). */
export function openJournalReadonly(dataDir: string): Db {
  const file = journalPath(dataDir);
  if (!fs.existsSync(file))
    throw new JournalError(DATA_DIR_VAR, `${DATA_DIR_VAR}=${dataDir}: no journal here (${file}); run \`polylab run\` first`);
  const version = inspect(file, dataDir);
  if (version < SCHEMA_VERSION)
    throw new JournalError(
      DATA_DIR_VAR,
      `${DATA_DIR_VAR}=${dataDir}: ${file} has journal schema ${version}; open it once with \`polylab run\` to migrate it`,
    );
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}
