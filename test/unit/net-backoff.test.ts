// Goal: the one backoff (src/net/backoff.ts) grows by its factor, stops at its cap, spreads by exactly its jitter on the side it is told, and never goes negative — and the one Retry-After reader (src/net/retryAfter.ts) reads delay-seconds and all three HTTP-date forms, refuses garbage, and caps what it reads.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from '../../src/net/backoff.ts';
import { parseHttpDateMs, parseRetryAfterMs, RETRY_AFTER_MAX_MS } from '../../src/net/retryAfter.ts';

describe('backoffDelayMs', () => {
  const around: BackoffPolicy = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };

  it('grows by the factor until the cap, then stays there', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffDelayMs(n, around, () => 0.5))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('spreads ±jitter around the delay by default, and only below it in `below` mode', () => {
    expect(backoffDelayMs(2, around, () => 0)).toBe(200);
    expect(backoffDelayMs(2, around, () => 0.999_999)).toBe(600);
    const below: BackoffPolicy = { ...around, jitterMode: 'below' };
    expect(backoffDelayMs(2, below, () => 0)).toBe(200);
    expect(backoffDelayMs(2, below, () => 0.999_999)).toBe(400);
    expect(backoffDelayMs(9, below, () => 0.999_999)).toBe(1_000);
  });

  it('is exact without jitter and never negative', () => {
    const plain: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, factor: 2, jitter: 0 };
    expect([0, 1, 5, 6].map((n) => backoffDelayMs(n, plain, Math.random))).toEqual([1_000, 2_000, 32_000, 60_000]);
    expect(backoffDelayMs(-3, plain, () => 0)).toBe(1_000);
    expect(backoffDelayMs(0, { ...plain, jitter: 2 }, () => 0)).toBe(0);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads delay-seconds: 0, 1, and up to the cap but not past it', () => {
    expect(parseRetryAfterMs('0', now)).toBe(0);
    expect(parseRetryAfterMs('1', now)).toBe(1_000);
    expect(parseRetryAfterMs(' 7 ', now)).toBe(7_000);
    expect(parseRetryAfterMs('599', now)).toBe(599_000);
    expect(parseRetryAfterMs('600', now)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfterMs('601', now)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfterMs('99999999999999999999999', now)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfterMs('61', now, 60_000)).toBe(60_000);
    expect(parseRetryAfterMs('59', now, 60_000)).toBe(59_000);
  });

  it('refuses signs, fractions, units, empty and absent headers', () => {
    for (const bad of ['-1', '+5', '1.5', '5s', '1e3', '', '   ', 'soon', '0x10', '١٢'])
      expect(parseRetryAfterMs(bad, now), JSON.stringify(bad)).toBeNull();
    expect(parseRetryAfterMs(null, now)).toBeNull();
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
  });

  it('reads an IMF-fixdate on both sides of now: a second ahead, now, a second past', () => {
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:00:01 GMT', now)).toBe(1_000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 11:59:59 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:09:59 GMT', now)).toBe(599_000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:10:01 GMT', now)).toBe(RETRY_AFTER_MAX_MS);
  });

  it('reads the two obsolete forms as GMT, the two-digit year within 50 years ahead', () => {
    expect(parseRetryAfterMs('Wednesday, 25-Nov-26 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Wed Nov 25 12:00:30 2026', now)).toBe(30_000);
    expect(parseHttpDateMs('Sun Nov  6 08:49:37 1994', now)).toBe(Date.parse('1994-11-06T08:49:37Z'));
    expect(parseHttpDateMs('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(Date.parse('1994-11-06T08:49:37Z'));
    // 2026 + 50 = 2076 is still ahead; 77 is more than 50 years ahead, so 1977.
    expect(parseHttpDateMs('Sunday, 01-Nov-76 00:00:00 GMT', now)).toBe(Date.parse('2076-11-01T00:00:00Z'));
    expect(parseHttpDateMs('Tuesday, 01-Nov-77 00:00:00 GMT', now)).toBe(Date.parse('1977-11-01T00:00:00Z'));
  });

  it('refuses dates that are not HTTP-dates or name no real moment', () => {
    for (const bad of [
      '2026-11-25T12:00:30Z',
      'Wed, 25 Nov 2026 12:00:30 UTC',
      'Wed, 25 Nov 2026 12:00:30 +0000',
      'Thu, 25 Nov 2026 12:00:30 GMT',
      'Wed, 31 Feb 2026 12:00:30 GMT',
      'Wed, 25 Nov 2026 24:00:00 GMT',
      'Wed, 25 Foo 2026 12:00:30 GMT',
      'Wed, 25 Nov 2026 12:00:30 GMT garbage',
    ])
      expect(parseRetryAfterMs(bad, now), bad).toBeNull();
  });
});
