/**
 * The main thread's side of the journal: a sink for output events that serializes each
 * event and hands them to the writer worker in batches — every `commitMs`, or sooner when
 * `maxBatch` events are waiting — so the engine never waits on the disk. A killed process
 * loses at most the events of the last commit interval; a batch is one transaction.
 */
import { Worker } from 'node:worker_threads';
import type { OutputEvent } from '../core/outputs.ts';
import type { RunRow } from './store.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';
import type { EventMeta, RunEnd } from './store.ts';

export interface JournalWriterOptions {
  dataDir: string;
  /** Longest time an event waits before it is handed to the writer (default 100 ms). */
  commitMs?: number;
  /** Events per batch at most: a larger backlog is cut into batches of this size. */
  maxBatch?: number;
  /** A failed write (the lab goes on; the error is reported once per burst by the caller). */
  onError?: (message: string) => void;
  /** Tests: cap the database at this many pages, so a write fails with SQLITE_FULL as on a full disk. */
  maxPages?: number;
}

export interface JournalStats {
  /** Events handed to the journal. */
  events: number;
  /** Events committed by the worker. */
  committed: number;
  /**
   * Events that never reached the journal: their batch failed to commit (disk full, I/O
   * error), or they came after the writer thread died.
   */
  failed: number;
  batches: number;
}

export const DEFAULT_COMMIT_MS = 100;
// Small enough that handing a batch over (join + postMessage) stays well under a millisecond.
const DEFAULT_MAX_BATCH = 500;

export class JournalWriter {
  private readonly worker: Worker;
  private readonly commitMs: number;
  private readonly maxBatch: number;
  private readonly timer: NodeJS.Timeout;
  private lines: string[] = [];
  private meta: EventMeta = { types: [], ts: [], markets: [] };
  private runId: string | null = null;
  private seq = 0;
  private waiters: Array<() => void> = [];
  private closed: Promise<void> | null = null;
  private dead = false;
  private stopMarked = new Set<string>();
  /** The closing mark being prepared (it waits for the events before it); close() waits for it. */
  private ending: Promise<unknown> = Promise.resolve();
  /** The first write failure of this writer, kept for the run's closing mark. */
  firstError: string | null = null;
  readonly stats: JournalStats = { events: 0, committed: 0, failed: 0, batches: 0 };

  private constructor(
    worker: Worker,
    private readonly opts: JournalWriterOptions,
  ) {
    this.worker = worker;
    this.commitMs = opts.commitMs ?? DEFAULT_COMMIT_MS;
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.timer = setInterval(() => this.flush(), this.commitMs);
    this.timer.unref();
    worker.on('message', (m: WorkerReply) => this.onReply(m));
    // A writer thread that dies (it should not) is said once; events are then counted as failed.
    worker.on('error', (err) => this.fail(`journal writer thread failed: ${err.message}`));
    worker.on('exit', (code) => {
      this.dead = true;
      if (!this.closed) this.fail(`journal writer thread exited (code ${code}); events are no longer journaled`);
      this.stats.failed = this.stats.events - this.stats.committed;
      this.wake();
    });
  }

  /** Starts the writer thread; rejects if it cannot open the journal. */
  static start(opts: JournalWriterOptions): Promise<JournalWriter> {
    const worker = new Worker(new URL('./worker.boot.mjs', import.meta.url), {
      workerData: { dataDir: opts.dataDir, ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}) },
    });
    return new Promise((resolve, reject) => {
      const onFirst = (m: WorkerReply) => {
        worker.off('error', onError);
        if (m.type === 'ready') resolve(new JournalWriter(worker, opts));
        else {
          void worker.terminate();
          reject(new Error(m.type === 'error' ? m.message : `journal worker said ${m.type}`));
        }
      };
      const onError = (err: Error) => reject(err);
      worker.once('message', onFirst);
      worker.once('error', onError);
    });
  }

  /** Records a run; its events follow through `sink`. */
  beginRun(row: RunRow): void {
    this.flush();
    this.runId = row.run_id;
    this.seq = 0;
    this.toWorker({ type: 'run', row });
  }

  /** Subscribe this to the engine's outputs. */
  readonly sink = (e: OutputEvent): void => {
    if (this.runId === null || this.closed) return;
    if (this.dead || this.firstError !== null) {
      // After a failed write the journal keeps an exact prefix of the run: later events are
      // counted, not sent, so the run's closing mark says how many are missing.
      this.stats.events += 1;
      this.stats.failed += 1;
      return;
    }
    this.lines.push(JSON.stringify(e));
    this.meta.types.push(e.event_type);
    this.meta.ts.push(e.ts_unix_ms);
    this.meta.markets.push('market_id' in e ? e.market_id : e.event_type === 'market_discovered' ? e.market.market_id : null);
    this.stats.events += 1;
    if (this.lines.length >= this.maxBatch) this.flush();
  };

  /** Hands the waiting events to the worker now. */
  flush(): void {
    if (this.lines.length === 0 || this.runId === null) return;
    const lines = this.lines;
    const meta = this.meta;
    this.lines = [];
    this.meta = { types: [], ts: [], markets: [] };
    this.toWorker({ type: 'batch', runId: this.runId, firstSeq: this.seq, count: lines.length, lines: lines.join('\n'), meta });
    this.seq += lines.length;
    this.stats.batches += 1;
  }

  /** Events handed over but not yet committed (or failed). */
  backlog(): number {
    return this.stats.events - this.stats.committed - this.stats.failed;
  }

  /** Resolves once at most `maxBacklog` events wait for the disk (back-pressure for max-speed runs). */
  async drain(maxBacklog = 0): Promise<void> {
    this.flush();
    while (this.backlog() > maxBacklog && !this.dead) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Keeps the run's final trust figures (JSON texts), after its events; call before endRun. */
  saveTrust(tsMs: number, t: { report: string; range: string; strategies: string }): void {
    if (this.runId === null) return;
    this.flush();
    this.toWorker({ type: 'trust', row: { run_id: this.runId, ts_unix_ms: tsMs, ...t } });
  }

  /**
   * Marks the run as ended once every event handed over has been answered: `incomplete`
   * (with the count) when any of them failed to reach the journal, else `status`. Resolves
   * to the status asked for; whether the mark itself was written shows in `marked()` after
   * `close()`.
   */
  endRun(stoppedMs: number | null, status: 'stopped' | 'failed' = 'stopped', reason: string | null = null): Promise<RunEnd | null> {
    const runId = this.runId;
    if (runId === null) return Promise.resolve(null);
    const ending = (async () => {
      await this.drain(0);
      const end: RunEnd =
        this.stats.failed > 0
          ? { runId, stoppedMs, status: 'incomplete', notJournaled: this.stats.failed, reason: reason ?? this.firstError }
          : { runId, stoppedMs, status, reason };
      this.toWorker({ type: 'stop', end });
      return end;
    })();
    this.ending = ending;
    this.runId = null;
    return ending;
  }

  /** Whether the closing mark of `runId` reached the journal (known once `close()` resolved). */
  marked(runId: string): boolean {
    return this.stopMarked.has(runId);
  }

  /** Writes everything still waiting, then stops the thread. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closed = this.ending.then(() => {
      this.flush();
      clearInterval(this.timer);
      return new Promise<void>((resolve) => {
        if (this.dead) return resolve();
        this.worker.once('exit', () => resolve());
        this.toWorker({ type: 'close' });
      });
    });
    return this.closed;
  }

  private toWorker(m: WorkerRequest): void {
    if (!this.dead) this.worker.postMessage(m);
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private fail(message: string): void {
    this.firstError ??= message;
    this.opts.onError?.(message);
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'committed') this.stats.committed += m.rows;
    else if (m.type === 'stopped') this.stopMarked.add(m.runId);
    else if (m.type === 'error') {
      this.stats.failed += m.rows;
      // Batches already on their way when the first one failed are refused without a new message.
      if (!m.after) this.fail(m.message);
    }
    if (m.type === 'committed' || m.type === 'error') this.wake();
  }
}
