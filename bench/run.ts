/**
 * `npm run bench`: speed figures as ratios against a baseline measured in the same run,
 * so they mean the same on any machine. Each bench module prints its own table.
 * `npm run bench -- <name>` runs one of them.
 */
import { benchAnalytics } from './analytics.bench.ts';
import { benchApi } from './api.bench.ts';
import { benchBooks } from './books.bench.ts';
import { benchEngine } from './engine.bench.ts';
import { benchFills } from './fills.bench.ts';
import { benchVenues } from './venues.bench.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<void> | void> = { engine: benchEngine, venues: benchVenues, fills: benchFills, books: benchBooks, api: benchApi, analytics: benchAnalytics };
for (const [name, fn] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n== ${name} ==`);
  await fn();
}
