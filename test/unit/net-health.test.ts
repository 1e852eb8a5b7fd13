// Goal: a socket's health leaves net/ already in the names and units of `venue_status` (one shape to `feed_health`): counters copied, the retry time turned into a wait from now only while the source waits, never negative.
import { describe, expect, it } from 'vitest';
import { socketHealth, type SocketStats } from '../../src/net/health.ts';

const base: SocketStats = {
  state: 'down',
  reason: 'closed by server (1006)',
  messages: 12,
  reconnects: 3,
  connects: 4,
  refusals: 0,
  lastMessageMs: 9_000,
  lastConnectMs: 8_000,
  lastError: 'closed by server (1006)',
  nextRetryMs: 11_500,
  refusedStatus: null,
};

describe('socketHealth', () => {
  it('carries the counters over under their venue_status names', () => {
    expect(socketHealth(base, 10_000)).toEqual({
      state: 'down',
      reason: 'closed by server (1006)',
      messages: 12,
      reconnects: 3,
      last_message_ts_ms: 9_000,
      next_retry_ms: 1_500,
    });
  });

  it('gives a wait only while the source waits for its next attempt, and never a negative one', () => {
    for (const state of ['down', 'stale', 'blocked', 'rate_limited'] as const)
      expect(socketHealth({ ...base, state }, 10_000).next_retry_ms, state).toBe(1_500);
    for (const state of ['live', 'connecting'] as const) expect(socketHealth({ ...base, state }, 10_000).next_retry_ms, state).toBeNull();
    expect(socketHealth({ ...base, nextRetryMs: null }, 10_000).next_retry_ms).toBeNull();
    expect(socketHealth(base, 11_499.6).next_retry_ms).toBe(0);
    expect(socketHealth(base, 20_000).next_retry_ms).toBe(0);
  });
});
