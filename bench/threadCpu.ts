/**
 * The calling thread's scheduler figures, from Linux's `/proc/thread-self/schedstat`:
 * three numbers, time on a CPU (ns), time waiting on a run queue (ns) and timeslices run
 * (Documentation/scheduler/sched-stats.rst, https://docs.kernel.org/scheduler/sched-stats.html,
 * checked 2026-11-30). Unlike the process's `cpuUsage`, they leave out the bench's other
 * threads (socket servers, WebSocket clients) and other processes. Null where the file
 * cannot be read (not Linux).
 */
import { readFileSync } from 'node:fs';

export interface ThreadSched {
  /** CPU time of this thread, user + kernel, in ms. */
  cpuMs: number;
  /** How many times the scheduler has put this thread on a CPU. */
  slices: number;
}

export function threadSched(): ThreadSched | null {
  try {
    const [run, , slices] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return { cpuMs: Number(run) / 1e6, slices: Number(slices) };
  } catch {
    return null;
  }
}

/** CPU time of the calling thread in ms; null where it cannot be read. */
export function threadCpuMs(): number | null {
  return threadSched()?.cpuMs ?? null;
}
