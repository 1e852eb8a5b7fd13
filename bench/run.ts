/**
 * `npm run bench`: speed figures as ratios against a baseline measured in the same run,
 * so they mean the same on any machine. Each bench prints its own details and returns
 * its figures as rows; one summary table of every figure, target and verdict ends the run.
 * `npm run bench -- <name>` runs one of them.
 */
import os from 'node:os';
import { benchApi } from './api.bench.ts';
import { benchBooks } from './books.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchFills } from './fills.bench.ts';
import { benchJournal } from './journal.bench.ts';
import { benchReplay } from './replay.bench.ts';
import { formatRows, type BenchRow } from './rows.ts';
import { benchVenues } from './venues.bench.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<BenchRow[]> | BenchRow[]> = {
  engine: benchEngine, venues: benchVenues, fills: benchFills, books: benchBooks, api: benchApi, journal: benchJournal, replay: benchReplay,
};
const rows: BenchRow[] = [];
for (const [name, fn] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name} ==`);
  rows.push(...(await fn()));
}
console.log(`\n== summary (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs) ==`);
console.log(formatRows(rows));
