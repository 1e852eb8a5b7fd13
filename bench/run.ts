/**
 * `npm run bench`: speed figures as ratios against a baseline measured in the same run,
 * so they mean the same on any machine. Each bench module prints its own detail; those that
 * return rows (./rows.ts) also land in the summary table printed at the end.
 * `npm run bench -- <name> [<name>…]` runs only those.
 */
import os from 'node:os';
import { benchAnalytics } from './analytics.bench.ts';
import { benchApi } from './api.bench.ts';
import { benchBooks } from './books.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchFills } from './fills.bench.ts';
import { benchIngest } from './ingest.bench.ts';
import { toBenchRow } from './figures.ts';
import { benchJournal } from './journal.bench.ts';
import { benchReplay } from './replay.bench.ts';
import { printRows, type BenchRow } from './rows.ts';
import { benchVenues } from './venues.bench.ts';

type Bench = () => Promise<BenchRow[] | void> | BenchRow[] | void;

const only = process.argv.slice(2);
const benches: Record<string, Bench> = {
  engine: benchEngine, venues: benchVenues, ingest: benchIngest, fills: benchFills, books: benchBooks, api: benchApi, analytics: benchAnalytics,
  journal: async () => (await benchJournal()).map(toBenchRow), replay: async () => (await benchReplay()).map(toBenchRow),
};
const unknown = only.filter((n) => !(n in benches));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const [name, fn] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  rows.push(...((await fn()) ?? []));
}
if (rows.length > 0) {
  console.log(`\n== summary (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs) ==`);
  printRows(rows);
}
