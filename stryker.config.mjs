// Mutation testing of the pure floors and the journal: `npm run mutate` (opt-in, not in CI's
// default run; `.ci/mutate` is the weekly job; docs/testing.md).
// Node 20 is the project's runtime, so StrykerJS stays on 9.x (10.x needs Node 22).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/**/*.ts',
    'src/pricing/**/*.ts',
    'src/strategy/**/*.ts',
    'src/paper/**/*.ts',
    'src/engine/**/*.ts',
    'src/analytics/**/*.ts',
    'src/views/**/*.ts',
    'src/sim/**/*.ts',
    // The journal's main-thread writer and the store, database and queries the tests open in
    // process. Code that runs only inside the writer thread never sees the active mutant.
    'src/journal/{writer,store,db,queries}.ts',
  ],
  coverageAnalysis: 'perTest',
  // Module-level constants would need every test per mutant; they are pinned by the tests that read them.
  ignoreStatic: true,
  // The machine has two cores shared with others: one mutant at a time unless told otherwise.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Results are kept in reports/ and reused for mutants whose code and tests did not change.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
