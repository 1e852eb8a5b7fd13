/**
 * The benches `npm run bench` knows, by name, in the order they run. Each loads its module
 * only when it runs (in a process of its own, ./one.ts) and returns its rows (./rows.ts).
 * A new bench is one line here.
 */
import type { BenchRow } from './rows.ts';
import { toBenchRow } from './figures.ts';

export type Bench = () => Promise<BenchRow[]> | BenchRow[];

export const BENCHES: Record<string, () => Promise<Bench>> = {
  engine: async () => (await import('./engine.bench.ts')).benchEngine,
  venues: async () => (await import('./venues.bench.ts')).benchVenues,
  ingest: async () => (await import('./ingest.bench.ts')).benchIngest,
  fills: async () => (await import('./fills.bench.ts')).benchFills,
  books: async () => (await import('./books.bench.ts')).benchBooks,
  api: async () => (await import('./api.bench.ts')).benchApi,
  dashboard: async () => (await import('./dashboard.bench.ts')).benchDashboard,
  analytics: async () => (await import('./analytics.bench.ts')).benchAnalytics,
  trust: async () => (await import('./trust.bench.ts')).benchTrust,
  journal: async () => {
    const { benchJournal } = await import('./journal.bench.ts');
    return async () => (await benchJournal()).map(toBenchRow);
  },
  history: async () => (await import('./history.bench.ts')).benchHistory,
  replay: async () => {
    const { benchReplay } = await import('./replay.bench.ts');
    return async () => (await benchReplay()).map(toBenchRow);
  },
  sweep: async () => {
    const { benchSweep } = await import('./sweep.bench.ts');
    return async () => (await benchSweep()).map(toBenchRow);
  },
};
