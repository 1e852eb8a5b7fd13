/**
 * `npm run bench`: speed figures as ratios against a baseline measured in the same run,
 * so they mean much the same on any machine. Each bench runs in a process of its own
 * (./one.ts says why), prints its detail and hands back its rows (./rows.ts); all rows land
 * in one table printed at the end.
 *
 *   npm run bench                       # every bench, then the table
 *   npm run bench -- engine books       # only those
 *   npm run bench -- --check            # exit 1 when a target is missed, naming the rows
 *
 * A bench that fails (throws, crashes, exits without rows) is a row that fails, with the
 * fault as its value, and the run goes on, so the table is always printed; a failed bench
 * exits 1 with or without `--check`.
 */
import { fork } from 'node:child_process';
import { BENCHES } from './registry.ts';
import { failedRows, parseBenchArgs, printRows, type BenchRow } from './rows.ts';

/** Runs `bench/one.ts <name>` with the same Node flags as this process (--expose-gc, the tsx loader). */
function runBench(name: string): Promise<BenchRow[] | string> {
  return new Promise((resolve) => {
    const child = fork(new URL('./one.ts', import.meta.url), [name], { execArgv: process.execArgv, stdio: 'inherit' });
    let rows: BenchRow[] | null = null;
    child.on('message', (m) => {
      rows = m as BenchRow[];
    });
    child.on('error', (err) => resolve(err.message));
    child.on('exit', (code, signal) => resolve(rows ?? `exited ${signal ?? code} without rows`));
  });
}

const args = parseBenchArgs(process.argv.slice(2), Object.keys(BENCHES));
if ('error' in args) {
  console.error(args.error);
  process.exit(2);
}

const rows: BenchRow[] = [];
let crashed = false;
const t0 = performance.now();
for (const name of Object.keys(BENCHES)) {
  if (args.only.length > 0 && !args.only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const t = performance.now();
  const got = await runBench(name);
  if (typeof got === 'string') {
    crashed = true;
    rows.push({ name: `${name}: the bench itself`, value: got, target: 'runs to the end', ratio: null, pass: false });
  } else {
    rows.push(...got);
  }
  console.log(`[${name}: ${((performance.now() - t) / 1000).toFixed(1)} s]`);
}

console.log(`\n== summary (${((performance.now() - t0) / 1000).toFixed(0)} s) ==`);
printRows(rows);
const failed = failedRows(rows);
if (args.check) {
  const gated = rows.filter((r) => r.pass !== null).length;
  // The exact ratio, since a median just under its line prints as equal to it at two decimals.
  if (failed.length > 0)
    console.error(
      `\n--check: ${failed.length} of ${gated} targets missed: ${failed.map((r) => (r.ratio === null ? r.name : `${r.name} (${r.ratio.toFixed(3)}, target ${r.target})`)).join('; ')}`,
    );
  else console.log(`\n--check: all ${gated} targets met`);
}
if (crashed || (args.check && failed.length > 0)) process.exitCode = 1;
