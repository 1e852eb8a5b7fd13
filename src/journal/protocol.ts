/** Messages between the main thread's JournalWriter and the writer worker. */
import type { EventMeta, RunEnd, RunRow, TrustRow } from './store.ts';

export type WorkerRequest =
  | { type: 'run'; row: RunRow }
  /**
   * `count` output events as JSON lines joined by '\n' (JSON never contains a raw newline),
   * with each event's type, time and market alongside so the worker parses only the few
   * lines that also go to a typed table.
   */
  | { type: 'batch'; runId: string; firstSeq: number; count: number; lines: string; meta: EventMeta }
  | { type: 'trust'; row: TrustRow }
  | { type: 'stop'; end: RunEnd }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'committed'; rows: number }
  /**
   * A request failed; `rows` events of it were not journaled (a batch), `request` names it;
   * `after`: refused without trying, because an earlier batch failed.
   */
  | { type: 'error'; message: string; rows: number; fatal?: boolean; request?: WorkerRequest['type']; after?: boolean }
  /** A run's closing mark is written. */
  | { type: 'stopped'; runId: string }
  | { type: 'closed' };
