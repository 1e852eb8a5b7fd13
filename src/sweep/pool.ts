/**
 * Runs sweep jobs on worker threads (tinypool): at most `workers` at once, a few more
 * queued so no worker waits; each result goes to `onResult` as it arrives, in completion
 * order. An abort stops feeding new jobs and terminates the running ones; what finished
 * before it is kept by the caller.
 */
import os from 'node:os';
import { Tinypool } from 'tinypool';
import { failedResult, type JobResult, type JobTask } from './runJob.ts';

/** Default workers: every core but one for the main thread, at least one. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export interface PoolRun {
  /** Jobs whose result arrived. */
  done: number;
  aborted: boolean;
}

export async function runOnPool(
  tasks: readonly JobTask[],
  opts: { workers: number; signal?: AbortSignal; onResult: (r: JobResult) => void },
): Promise<PoolRun> {
  const workers = Math.max(1, opts.workers);
  const pool = new Tinypool({
    filename: new URL('./worker.boot.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // A worker keeps its loaded modules between jobs: the heap must not grow with them (bench).
    isolateWorkers: false,
  });
  const res: PoolRun = { done: 0, aborted: false };
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !abort.signal.aborted) {
      const task = tasks[next++]!;
      try {
        const r = (await pool.run(task, { signal: abort.signal })) as JobResult;
        opts.onResult(r);
      } catch (err) {
        if (abort.signal.aborted) return;
        opts.onResult(failedResult(task.key, `the worker failed: ${err instanceof Error ? err.message : String(err)}`));
      }
      res.done += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    res.aborted = abort.signal.aborted;
    await pool.destroy();
  }
  return res;
}
