/** What the journal writer tests share: a run record to begin and a numbered pnl event to write. */
import type { OutputEvent } from '../../src/core/outputs.ts';
import type { JournalWriter } from '../../src/journal/writer.ts';

export const RUN: Parameters<JournalWriter['beginRun']>[0] = {
  run_id: 'r1',
  mode: 'sim',
  seed: 1,
  strategy: 'divergence',
  version: 'test',
  config: '{}',
  started_ms: 1_000,
  started_wall_ms: 1_000,
  pid: null,
  parent_run_id: null,
  restored: null,
  replay_of: null,
  capture_dir: null,
};

/** The k-th pnl event: cash and equity 10 000 − k, realized −k, at input time 1 000 + k. */
export const pnl = (k: number): OutputEvent => ({
  event_type: 'pnl',
  cash: 10_000 - k,
  equity: 10_000 - k,
  realized: -k,
  unrealized: 0,
  fees: 0,
  position_value: 0,
  ts_unix_ms: 1_000 + k,
});
