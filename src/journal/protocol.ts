/** Messages between the main thread's JournalWriter and the writer worker. */
import type { RunRow } from './store.ts';

export type WorkerRequest =
  | { type: 'run'; row: RunRow }
  /** `count` output events as JSON lines joined by '\n' (JSON never contains a raw newline). */
  | { type: 'batch'; runId: string; firstSeq: number; count: number; lines: string }
  | { type: 'stop'; runId: string; stoppedMs: number | null; status: 'stopped' | 'crashed' }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'committed'; rows: number }
  | { type: 'error'; message: string; rows: number; fatal?: boolean }
  | { type: 'closed' };
