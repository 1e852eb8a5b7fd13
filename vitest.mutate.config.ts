/**
 * The tests a mutation run (`npm run mutate`, StrykerJS) uses: the unit tests of the pure
 * floors (core, pricing, strategy, paper, engine), with the two edge tests that drive the
 * core's resolution rules and book, and the journal's unit tests (database, writer, trust). Left out: tests that read the source
 * text (floors, purity, safety — Stryker instruments that text), edge and integration tests
 * (they do not reach the pure floors' decisions any more closely), and the golden sims
 * (every engine mutant would run two hours of sim three times) and the moving-clock
 * determinism runs (no mutator reads a clock). docs/testing.md.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/{engine,engine-*,fairValue,median,orderRules,paper-*,risk,risk-*,signal,sim-*,strategies,topOfBook,tradeFilter,volatility,events,boundaries,polymarket-resolution,polymarket-bookkeeper,resolution-*,restore,memory-bounds,journal-*,analytics-*,views-*,web-model,web-orders,run-summary}.test.ts',
      // The read model's figures agree across the CLI, the API and the dashboard (views, analytics).
      'test/integration/figures-agree.test.ts',
    ],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
