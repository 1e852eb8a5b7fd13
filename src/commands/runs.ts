/**
 * `polylab runs`: the runs journaled in the data dir (read-only, so it can run beside a running lab).
 */
import type { Command } from 'commander';
import { loadConfig } from '../app/config.ts';
import { openJournalReadonly } from '../journal/db.ts';
import { listRuns } from '../journal/queries.ts';
import { table } from '../views/format.ts';

export function runsCommand(flags: { json?: boolean }): number {
  const cfg = loadConfig(process.env);
  const db = openJournalReadonly(cfg.dataDir);
  try {
    const runs = listRuns(db);
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          runs.map(({ config: _c, restored: _r, ...r }) => r),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
    const head = ['run', 'mode', 'strategy', 'status', 'started (wall, UTC)', 'fills', 'settled', 'equity', 'continues', 'replay of'];
    const rows = runs.map((r) => [
      r.run_id,
      r.mode,
      r.strategy,
      r.status === 'incomplete' ? `incomplete (${r.not_journaled ?? '?'} not journaled)` : r.status,
      iso(r.started_wall_ms),
      String(r.fills),
      String(r.settlements),
      r.equity === null ? '-' : r.equity.toFixed(2),
      r.parent_run_id ?? '-',
      r.replay_of ?? '-',
    ]);
    process.stdout.write(`${table(head, rows).join('\n')}\n`);
    if (runs.length === 0) process.stdout.write(`(no runs in ${cfg.dataDir} yet)\n`);
    if (runs.some((r) => r.status === 'incomplete'))
      process.stdout.write('incomplete: events of the run were not journaled (disk full or I/O error); its figures here are short\n');
    for (const r of runs) if (r.status === 'failed') process.stdout.write(`${r.run_id} failed at start: ${r.reason ?? '?'}\n`);
    return 0;
  } finally {
    db.close();
  }
}

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list the runs journaled in the data dir (POLYLAB_DATA_DIR)')
    .option('--json', 'print them as JSON')
    .action((flags: { json?: boolean }) => {
      process.exitCode = runsCommand(flags);
    });
}
