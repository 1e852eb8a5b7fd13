/**
 * The journal's SQLite schema and its migrations. `PRAGMA user_version` holds the schema
 * version and `PRAGMA application_id` marks the file as Polylab's, so a foreign database
 * (or a newer Polylab's) is recognised and refused instead of being written to.
 *
 * A migration is appended, never edited: migration N takes a version N-1 file to N inside
 * one transaction.
 */

/** 'PLAB' as a 32-bit integer: SQLite stores it in the file header (offset 68). */
export const APPLICATION_ID = 0x504c4142;

export const MIGRATIONS: readonly string[] = [
  // 1: runs, every output event, fills, positions, settlements, equity curve.
  `
  CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    mode            TEXT NOT NULL,
    seed            INTEGER,
    strategy        TEXT NOT NULL,
    version         TEXT NOT NULL,
    config          TEXT NOT NULL,
    started_ms      INTEGER NOT NULL,
    started_wall_ms INTEGER NOT NULL,
    stopped_ms      INTEGER,
    status          TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'crashed')),
    pid             INTEGER,
    parent_run_id   TEXT,
    restored        TEXT,
    replay_of       TEXT,
    capture_dir     TEXT
  );
  CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    ts_unix_ms  INTEGER NOT NULL,
    event_type  TEXT NOT NULL,
    market_id   TEXT,
    body        TEXT NOT NULL
  );
  CREATE INDEX events_by_run_type ON events (run_id, event_type, id);
  CREATE TABLE fills (
    event_id    INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL,
    ts_unix_ms  INTEGER NOT NULL,
    fill_id     TEXT NOT NULL,
    intent_id   TEXT NOT NULL,
    market_id   TEXT NOT NULL,
    token_id    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    side        TEXT NOT NULL,
    qty         REAL NOT NULL,
    fill_px     REAL NOT NULL,
    fee         REAL NOT NULL,
    liquidity   TEXT NOT NULL
  );
  CREATE INDEX fills_by_run ON fills (run_id, event_id);
  CREATE TABLE positions (
    run_id      TEXT NOT NULL,
    token_id    TEXT NOT NULL,
    market_id   TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    qty         REAL NOT NULL,
    avg_cost    REAL NOT NULL,
    ts_unix_ms  INTEGER NOT NULL,
    PRIMARY KEY (run_id, token_id)
  );
  CREATE TABLE settlements (
    event_id          INTEGER PRIMARY KEY,
    run_id            TEXT NOT NULL,
    ts_unix_ms        INTEGER NOT NULL,
    market_id         TEXT NOT NULL,
    winning_token_id  TEXT NOT NULL,
    winning_outcome   TEXT NOT NULL,
    source            TEXT NOT NULL,
    payout            REAL NOT NULL,
    realized_pnl      REAL NOT NULL,
    corrects_outcome  TEXT,
    pnl_adjustment    REAL
  );
  CREATE INDEX settlements_by_run ON settlements (run_id, event_id);
  CREATE TABLE equity (
    event_id        INTEGER PRIMARY KEY,
    run_id          TEXT NOT NULL,
    ts_unix_ms      INTEGER NOT NULL,
    equity          REAL NOT NULL,
    cash            REAL NOT NULL,
    realized        REAL NOT NULL,
    unrealized      REAL NOT NULL,
    fees            REAL NOT NULL,
    position_value  REAL
  );
  CREATE INDEX equity_by_run ON equity (run_id, event_id);
  `,
  // 2: the trust report of a run that stopped (src/analytics: report, fill-model PnL range
  // over time, strategies side by side), as JSON, written once when the run stops.
  `
  CREATE TABLE trust (
    run_id      TEXT PRIMARY KEY,
    ts_unix_ms  INTEGER NOT NULL,
    report      TEXT NOT NULL,
    range       TEXT NOT NULL,
    strategies  TEXT NOT NULL
  );
  `,
  // 3: two more ways a run ends — 'incomplete' (events were not journaled: the disk was full
  // or failed; `not_journaled` counts them) and 'failed' (the start failed after the journal
  // opened; `reason` says why) — and the start time of the run's process (`pid_start`,
  // from /proc) so a reused pid or a zombie is not taken for a live lab. SQLite cannot
  // change a CHECK constraint in place: the table is rebuilt, rows copied in order.
  `
  CREATE TABLE runs_v3 (
    run_id          TEXT PRIMARY KEY,
    mode            TEXT NOT NULL,
    seed            INTEGER,
    strategy        TEXT NOT NULL,
    version         TEXT NOT NULL,
    config          TEXT NOT NULL,
    started_ms      INTEGER NOT NULL,
    started_wall_ms INTEGER NOT NULL,
    stopped_ms      INTEGER,
    status          TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'crashed', 'incomplete', 'failed')),
    pid             INTEGER,
    parent_run_id   TEXT,
    restored        TEXT,
    replay_of       TEXT,
    capture_dir     TEXT,
    not_journaled   INTEGER,
    reason          TEXT,
    pid_start       TEXT
  );
  INSERT INTO runs_v3 (run_id, mode, seed, strategy, version, config, started_ms, started_wall_ms, stopped_ms, status, pid, parent_run_id, restored, replay_of, capture_dir)
    SELECT run_id, mode, seed, strategy, version, config, started_ms, started_wall_ms, stopped_ms, status, pid, parent_run_id, restored, replay_of, capture_dir
    FROM runs ORDER BY rowid;
  DROP TABLE runs;
  ALTER TABLE runs_v3 RENAME TO runs;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database file inside POLYLAB_DATA_DIR. */
export const JOURNAL_FILE = 'polylab.db';
