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
import { registerHistory } from './commands/history.ts';
import { registerBacktest } from './commands/backtest.ts';
import { HistoryError } from './history/problems.ts';
import { registerSweep } from './commands/sweep.ts';

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
  registerHistory(program);
  registerBacktest(program);
  registerSweep(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof JournalError || err instanceof CaptureError || err instanceof HistoryError) {
    process.stderr.write(`polylab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
