/**
 * `polylab` — the entry point: declares the commands (one file each in src/commands/) and
 * turns the errors a user can fix (config, journal, capture) into one line and exit code 2.
 */
import { Command } from 'commander';
import { ConfigError } from './app/config.ts';
import { JournalError } from './journal/db.ts';
import { CaptureError } from './capture/reader.ts';
import { registerRun } from './commands/run.ts';
import { registerMarkets } from './commands/markets.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerReplay } from './commands/replay.ts';
import { registerReport } from './commands/report.ts';
import { registerRuns } from './commands/runs.ts';

export function buildProgram(): Command {
  const program = new Command('polylab')
    .description('Live-data paper-trading lab for Polymarket BTC Up-or-Down markets. Paper only: never sends an order.')
    .showHelpAfterError();
  registerRun(program);
  registerMarkets(program);
  registerDoctor(program);
  registerReplay(program);
  registerReport(program);
  registerRuns(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof JournalError || err instanceof CaptureError) {
    process.stderr.write(`polylab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    // Not a user's mistake: the stack, and exit 1 (rethrowing would reach the lab's own
    // last-resort handler, which keeps a running lab alive, and the process would not end).
    process.stderr.write(`polylab: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
