import { configDefaults, defineConfig } from 'vitest/config';

// `.ci/run` runs test/e2e-live as its own "paper-live integration" step, then `npm test`
// with PAPER_LIVE_RAN=1 so those files do not run twice; everywhere else `npm test` runs them.
const paperLiveRan = process.env.PAPER_LIVE_RAN === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(paperLiveRan ? ['test/e2e-live/**'] : [])],
    // Timeouts catch hangs; they are not speed assertions. A test that spawns the CLI a few
    // times needs well over 20 s when another process keeps both cores busy (#26: `npm test`
    // five times in a row beside a CPU-bound process), so the net is wide.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // expect.poll waits for a state; its 1 s default is a wall-time guess a busy machine breaks.
    // 15 s is a guard against hanging, not a bound any test asserts.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
  },
});
