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
import { codeVersion } from './app/version.ts';

export function buildProgram(): Command {
  const program = new Command('polylab')
    .description('Live-data paper-trading lab for Polymarket BTC Up-or-Down markets. Paper only: never sends an order.')
    .showHelpAfterError()
    .version(codeVersion(), '-V, --version', 'print the version (package and git commit) and exit');
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

/**
 * `run` is the default command, so without this a mistyped command (`polylab bogus`) would
 * reach `run` as an argument ("too many arguments for 'run'"): a first word that is not an
 * option nor a command is named, with the list of commands.
 */
export function unknownCommand(program: Command, args: readonly string[]): string | null {
  const first = args[0];
  if (first === undefined || first.startsWith('-')) return null;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (names.includes(first) || first === 'help') return null;
  return `unknown command '${first}'; the commands are: ${program.commands.map((c) => c.name()).join(', ')} (polylab --help)`;
}

try {
  const program = buildProgram();
  const unknown = unknownCommand(program, process.argv.slice(2));
  if (unknown !== null) {
    process.stderr.write(`polylab: ${unknown}\n`);
    process.exitCode = 2;
  } else await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof JournalError || err instanceof CaptureError || err instanceof HistoryError) {
    process.stderr.write(`polylab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    // Not a user's mistake: the stack, and exit 1 (rethrowing would reach the lab's own
    // last-resort handler, which keeps a running lab alive, and the process would not end).
    process.stderr.write(`polylab: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
