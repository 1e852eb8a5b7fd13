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
      'test/unit/{engine,engine-*,wire-*,rng,fairValue,median,orderRules,paper-*,risk,risk-*,signal,sim-gates,strategies,topOfBook,tradeFilter,volatility,events,boundaries,polymarket-resolution,polymarket-bookkeeper,resolution-*,restore,memory-bounds,journal-*}.test.ts',
      // The read model's and the trust analytics' own unit tests (those that fold a whole sim
      // run — analytics-replay, analytics-html, the sim-* statistics, web-*, figures-agree —
      // take seconds to minutes each under Stryker's instrumentation, per mutant).
      'test/unit/{analytics-basis,analytics-calibration,analytics-fillModels,analytics-markouts,analytics-queueRange,analytics-tape,views-*,run-summary}.test.ts',
    ],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
