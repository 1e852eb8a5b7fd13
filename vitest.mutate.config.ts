/**
 * The tests a mutation run (`npm run mutate`, StrykerJS) uses: every unit test, so a new
 * unit test counts without being listed, except
 * - tests that read the source text (floors, purity, safety, web imports): Stryker
 *   instruments that text;
 * - tests that fold a whole sim run or replay (the sim statistics, no-free-lunch, the
 *   moving-clock determinism runs, analytics-replay/html, the web model over a sim): under
 *   Stryker's instrumentation they take seconds to minutes each, per mutant they cover.
 * Edge, integration and golden tests stay out (processes and sockets: the active mutant is
 * not switched there). docs/testing.md.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: [
      'test/unit/{floors,purity,safety,safety-*,web-imports}.test.ts',
      'test/unit/{sim-market,sim-volatility,sim-latency,sim-maker,no-free-lunch,determinism}.test.ts',
      'test/unit/{analytics-replay,analytics-html,web-model,web-orders}.test.ts',
    ],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
