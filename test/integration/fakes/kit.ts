/** Shared knobs for the feed integration tests: short timeouts and a polling wait. */
import type { VenueFeedTuning } from '../../../src/venues/venueFeed.ts';

/** Production defaults are seconds; these keep each scenario well under a second. */
export const FAST: Partial<VenueFeedTuning> = {
  staleAfterMs: 600,
  ackTimeoutMs: 1_500,
  connectTimeoutMs: 1_000,
  statusIntervalMs: 100,
  pingIntervalMs: 100,
  backoff: { initialMs: 30, maxMs: 250, factor: 2, jitter: 0.2 },
};

/**
 * Polls `cond` every 10 ms; throws after `timeoutMs` so a test never hangs. The default is a
 * guard, not a promise the code makes: long enough for a machine busy with other work.
 */
export const until = async (cond: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};
