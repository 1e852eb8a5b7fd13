// Goal: a refusal repeated in the tick that ends is still happening, so its episode stays open
// whatever its condition check says; one not repeated closes once the condition has cleared.
import { describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { RejectEpisodes, type DecisionReject } from '../../src/engine/rejectEpisodes.ts';

const T0 = 1_750_000_000_000;
const stale = (ageMs: number): DecisionReject => ({
  reason: 'stale_book',
  market_id: 'm1',
  intent_id: null,
  numbers: { book_age_ms: ageMs },
});
const ended = (out: OutputEvent[]) => out.filter((e) => e.event_type === 'reject_episode_ended');

describe('RejectEpisodes.endTick', () => {
  it('keeps an episode refused during the tick open even when its condition reads as cleared, and ends it a tick later', () => {
    const eps = new RejectEpisodes();
    const out: OutputEvent[] = [];
    const cleared = () => false;
    expect(eps.reject('m1:up:buy', stale(6_000), T0, out, cleared)).toBe(true);
    eps.endTick(T0, out);
    expect(ended(out)).toEqual([]);
    // Refused again next tick: still one episode, no new risk_reject.
    expect(eps.reject('m1:up:buy', stale(7_000), T0 + 1_000, out, cleared)).toBe(false);
    eps.endTick(T0 + 1_000, out);
    expect(ended(out)).toEqual([]);
    // Not refused this tick and cleared: the one episode ends, counting both refusals.
    eps.endTick(T0 + 2_000, out);
    expect(ended(out)).toEqual([
      expect.objectContaining({
        reason: 'stale_book',
        occurrences: 2,
        first_ts_ms: T0,
        last_ts_ms: T0 + 1_000,
        last_numbers: { book_age_ms: 7_000 },
        ts_unix_ms: T0 + 2_000,
      }),
    ]);
    expect(out.filter((e) => e.event_type === 'risk_reject')).toHaveLength(1);
  });

  it('an episode not refused this tick stays open while its condition holds', () => {
    const eps = new RejectEpisodes();
    const out: OutputEvent[] = [];
    let holds = true;
    eps.reject('m1:up:buy', stale(6_000), T0, out, () => holds);
    eps.endTick(T0, out);
    eps.endTick(T0 + 1_000, out);
    expect(ended(out)).toEqual([]);
    holds = false;
    eps.endTick(T0 + 2_000, out);
    expect(ended(out)).toHaveLength(1);
  });
});
