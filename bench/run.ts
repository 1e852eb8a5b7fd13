/**
 * `npm run bench`: speed figures as ratios against a baseline measured in the same run,
 * so they mean much the same on any machine. Each bench module prints its own detail and
 * returns its rows (./rows.ts); all rows land in one table printed at the end.
 *
 *   npm run bench                       # every bench, then the table
 *   npm run bench -- engine books       # only those
 *   npm run bench -- --check            # exit 1 when a target is missed (the table names the rows)
 *
 * A bench that throws is a row that fails (the fault is its value), and the run goes on,
 * so the table is always printed; a failed bench also exits 1 without `--check`.
 */
import { benchAnalytics } from './analytics.bench.ts';
import { benchApi } from './api.bench.ts';
import { benchBooks } from './books.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchFills } from './fills.bench.ts';
import { benchIngest } from './ingest.bench.ts';
import { failedRows, parseBenchArgs, printRows, type BenchRow } from './rows.ts';
import { benchVenues } from './venues.bench.ts';

type Bench = () => Promise<BenchRow[]> | BenchRow[];

const benches: Record<string, Bench> = { engine: benchEngine, venues: benchVenues, ingest: benchIngest, fills: benchFills, books: benchBooks, api: benchApi, analytics: benchAnalytics };

const args = parseBenchArgs(process.argv.slice(2), Object.keys(benches));
if ('error' in args) {
  console.error(args.error);
  process.exit(2);
}

const rows: BenchRow[] = [];
let crashed = false;
const t0 = performance.now();
for (const [name, fn] of Object.entries(benches)) {
  if (args.only.length > 0 && !args.only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const t = performance.now();
  try {
    rows.push(...(await fn()));
  } catch (err) {
    crashed = true;
    console.error(err);
    rows.push({ name: `${name}: the bench itself`, value: `failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 100), target: 'runs to the end', ratio: null, pass: false });
  }
  console.log(`[${name}: ${((performance.now() - t) / 1000).toFixed(1)} s]`);
}

console.log(`\n== summary (${((performance.now() - t0) / 1000).toFixed(0)} s) ==`);
printRows(rows);
const failed = failedRows(rows);
if (args.check) {
  const gated = rows.filter((r) => r.pass !== null).length;
  if (failed.length > 0) console.error(`\n--check: ${failed.length} of ${gated} targets missed: ${failed.map((r) => r.name).join('; ')}`);
  else console.log(`\n--check: all ${gated} targets met`);
}
if (crashed || (args.check && failed.length > 0)) process.exitCode = 1;
