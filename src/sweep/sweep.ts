/**
 * `polylab sweep`: validates the grid (before any job starts), hashes the captures, derives
 * the job list and this shard's slice of it, skips what an earlier run finished, runs the
 * rest on worker threads while recording each result, then writes this shard's Parquet
 * files — also after Ctrl-C, with the jobs finished by then.
 */
import { parseGrid, type SweepGrid } from './grid.ts';
import { buildJobs, hashCapture, shardJobs, type Job, type Shard, type SweepCapture } from './jobs.ts';
import { runOnPool } from './pool.ts';
import type { JobResult, JobTask } from './runJob.ts';
import { loadResults, StateWriter, stateFile } from './state.ts';
import { buildTables } from './tables.ts';
import { writeShard } from './parquet.ts';

export interface SweepOptions {
  gridText: string;
  gridOrigin: string;
  captures: readonly string[];
  outDir: string;
  workers: number;
  shard: Shard;
  /** The `POLYLAB_*` variables here apply to every job, under the grid file's settings. */
  env: Record<string, string | undefined>;
  codeVersion: string;
  signal?: AbortSignal;
  /** Called once the job list is known, before the first job runs. */
  onPlan?: (plan: { jobs: number; inShard: number; skipped: number; configs: number }) => void;
  onResult?: (r: JobResult, done: number, todo: number) => void;
}

export interface SweepOutcome {
  grid: SweepGrid;
  jobs: number;
  inShard: number;
  /** Jobs of this shard an earlier run had finished. */
  skipped: number;
  ran: number;
  failed: number;
  aborted: boolean;
  files: string[];
}

/** Validates everything a job needs before any job starts: the grid, then the captures. */
export async function planSweep(o: Pick<SweepOptions, 'gridText' | 'gridOrigin' | 'captures' | 'env' | 'codeVersion'>): Promise<{
  grid: SweepGrid;
  jobs: Job[];
}> {
  const grid = parseGrid(o.gridText, o.env, o.gridOrigin);
  const captures: SweepCapture[] = [];
  for (const c of o.captures) captures.push(await hashCapture(c));
  return { grid, jobs: buildJobs(captures, grid.configs, o.codeVersion) };
}

export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const { grid, jobs } = await planSweep(o);
  const mine = shardJobs(jobs, o.shard);
  const results = loadResults(o.outDir);
  const todo = mine.filter((j) => results.get(j.key)?.figures.status !== 'ok');
  o.onPlan?.({ jobs: jobs.length, inShard: mine.length, skipped: mine.length - todo.length, configs: grid.configs.length });
  const tasks: JobTask[] = todo.map((j) => ({ key: j.key, capturePath: j.capture.path, settings: j.config.settings }));
  const state = new StateWriter(stateFile(o.outDir, o.shard));
  let ran = 0;
  let failed = 0;
  let run: Awaited<ReturnType<typeof runOnPool>>;
  try {
    run = await runOnPool(tasks, {
      workers: o.workers,
      signal: o.signal,
      onResult: (r) => {
        state.write(r);
        results.set(r.key, r);
        ran += 1;
        if (r.figures.status !== 'ok') failed += 1;
        o.onResult?.(r, ran, tasks.length);
      },
    });
  } finally {
    state.close();
  }
  const files = await writeShard(o.outDir, o.shard.index, buildTables(grid, mine, results));
  return { grid, jobs: jobs.length, inShard: mine.length, skipped: mine.length - todo.length, ran, failed, aborted: run.aborted, files };
}
