/**
 * `polylab sweep --grid GRID.json --captures PATH…`: every (capture × configuration) pair
 * replayed on worker threads, results as Parquet under --out; `polylab sweep report DIR`
 * merges the shards and ranks the configurations (walk-forward).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../app/config.ts';
import { codeVersion } from '../app/version.ts';
import { createProgress } from '../app/progress.ts';
import { defaultWorkers } from '../sweep/pool.ts';
import { resolveShard } from '../sweep/jobs.ts';
import { runSweep } from '../sweep/sweep.ts';
import { sweepReport } from '../sweep/report.ts';

interface SweepFlags {
  grid?: string;
  captures?: string[];
  workers?: string;
  out: string;
  shard?: string;
  shardCount?: string;
}

interface ReportFlags {
  html?: string;
  sql?: string;
  seed: string;
}

function workersFrom(flag: string | undefined): number {
  if (flag === undefined) return defaultWorkers();
  if (!/^\d+$/.test(flag) || Number(flag) < 1 || Number(flag) > 1024)
    throw new ConfigError('--workers', `--workers ${JSON.stringify(flag)}: expected a whole number 1-1024`);
  return Number(flag);
}

export async function sweepCommand(flags: SweepFlags): Promise<number> {
  if (flags.grid === undefined) throw new ConfigError('--grid', 'polylab sweep needs --grid GRID.json');
  if (!flags.captures?.length) throw new ConfigError('--captures', 'polylab sweep needs --captures PATH… (capture files or directories)');
  let gridText: string;
  try {
    gridText = fs.readFileSync(flags.grid, 'utf8');
  } catch (err) {
    throw new ConfigError('--grid', `${flags.grid}: ${(err as Error).message}`);
  }
  const shard = resolveShard(flags.shard, flags.shardCount, process.env);
  const workers = workersFrom(flags.workers);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let progress: ReturnType<typeof createProgress> | null = null;
  let inputs = 0;
  const outcome = await runSweep({
    gridText,
    gridOrigin: flags.grid,
    captures: flags.captures,
    outDir: flags.out,
    workers,
    shard,
    env: process.env,
    codeVersion: codeVersion(),
    signal: abort.signal,
    onPlan: (p) => {
      process.stderr.write(
        `sweep: ${p.configs} configuration(s) × ${p.jobs / Math.max(1, p.configs)} capture(s) = ${p.jobs} jobs; shard ${shard.index}/${shard.count} has ${p.inShard}, ${p.skipped} already done; ${workers} worker(s)\n`,
      );
      progress = createProgress(`sweep (${p.inShard - p.skipped} jobs)`, p.inShard - p.skipped, { tty: process.stderr.isTTY === true });
    },
    onResult: (r, done) => {
      inputs += r.figures.inputs;
      if (r.figures.status !== 'ok') process.stderr.write(`\nsweep: job ${r.key} failed: ${r.figures.error}\n`);
      progress?.update(done, inputs);
    },
  });
  (progress as ReturnType<typeof createProgress> | null)?.stop();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const failed = outcome.failed > 0 ? `, ${outcome.failed} failed (see the status and error columns)` : '';
  process.stdout.write(
    `sweep: ran ${outcome.ran} of ${outcome.inShard - outcome.skipped} job(s) (${outcome.skipped} done before)${failed}${outcome.aborted ? '; stopped by a signal: run again to finish' : ''}\n`,
  );
  for (const f of outcome.files) process.stdout.write(`  ${f}\n`);
  return outcome.aborted ? 130 : outcome.failed > 0 ? 1 : 0;
}

export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('replay every capture with every configuration of a grid on worker threads; results as Parquet')
    .option('--grid <file>', 'GRID.json: { "base": {…}, "grid": { "POLYLAB_…": [v1, v2] }, "strategies": [ … ] }')
    .option('--captures <paths...>', 'capture files or directories (one run each)')
    .option('--workers <n>', 'worker threads (default: cores − 1, at least 1)')
    .option('--out <dir>', 'results directory', 'sweep-out')
    .option('--shard <i/n>', 'run the i-th of n slices of the job list (0-based)')
    .option('--shard-count <n>', 'n, when the index comes from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX')
    .action(async (flags: SweepFlags) => {
      process.exitCode = await sweepCommand(flags);
    });
  sweep
    .command('report <dir>')
    .description('merge the shards of a sweep (DuckDB) and rank its configurations, walk-forward')
    .option('--html <file>', 'also write the report as one HTML page')
    .option('--sql <query>', 'run this query over the tables jobs, markets, fills instead')
    .option('--seed <n>', 'seed of the bootstrap', '7')
    .action(async (dir: string, flags: ReportFlags) => {
      process.exitCode = await sweepReport(dir, flags);
    });
}
