// Goal: each bound that keeps a long run's memory flat holds at its documented default, by behaviour, with nothing passed in: the reference prints kept per source (20 000), the open reject episodes (4 096), the equity curve (10 000 points), Gamma's first-sighting memory (4 096 keys).
import { describe, expect, it } from 'vitest';
import type { ReferencePrice } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { ReferenceBuffer } from '../../src/core/resolution.ts';
import { RejectEpisodes } from '../../src/engine/rejectEpisodes.ts';
import { Portfolio } from '../../src/paper/portfolio.ts';
import { GammaClient } from '../../src/polymarket/gamma.ts';

const T0 = Date.UTC(2026, 11, 6);

describe('memory bounds at their defaults', () => {
  it('a reference source keeps its last 20 000 prints (over five hours at one a second): the 20 001st drops the oldest', () => {
    const b = new ReferenceBuffer();
    const p = (k: number): ReferencePrice => ({
      event_type: 'reference_price',
      source: 'chainlink',
      symbol: 'BTC/USD',
      px: 90_000 + k,
      ts_exchange_ms: T0 + k * 1_000,
      ts_unix_ms: T0 + k * 1_000,
    });
    for (let k = 0; k < 20_000; k++) b.add(p(k));
    expect(b.prints('chainlink')).toHaveLength(20_000);
    expect(b.prints('chainlink')[0]!.px).toBe(90_000);
    b.add(p(20_000));
    expect(b.prints('chainlink')).toHaveLength(20_000);
    expect(b.prints('chainlink')[0]!.px).toBe(90_001);
    expect(b.prints('chainlink').at(-1)!.px).toBe(110_000);
    // Another source has its own bound.
    expect(b.prints('binance')).toHaveLength(0);
  });

  it('at most 4 096 reject episodes are open: the 4 097th closes the oldest, with its count', () => {
    const eps = new RejectEpisodes();
    const out: OutputEvent[] = [];
    const reject = (k: number) =>
      eps.reject(`d${k}`, { reason: 'stale_book', market_id: `m${k}`, intent_id: null, numbers: {} }, T0 + k, out, () => true);
    for (let k = 0; k < 4_096; k++) reject(k);
    expect(out.filter((e) => e.event_type === 'reject_episode_ended')).toEqual([]);
    reject(0); // a repeat of an open episode: counted, nothing closes
    reject(4_096);
    expect(out.filter((e) => e.event_type === 'reject_episode_ended')).toEqual([
      expect.objectContaining({ episode_id: 'e1', market_id: 'm0', occurrences: 2 }),
    ]);
    expect(out.filter((e) => e.event_type === 'risk_reject')).toHaveLength(4_097);
  });

  it('the equity curve stays within 10 000 points (plus the last), keeping its first and last', () => {
    const p = new Portfolio(100);
    for (let i = 0; i <= 30_000; i++) p.recordEquity(i * 1_000, 100 + i);
    expect(p.equityCurve.length).toBeLessThanOrEqual(10_001);
    expect(p.equityCurve.length).toBeGreaterThan(1_000);
    expect(p.equityCurve[0]).toEqual({ ts_unix_ms: 0, equity: 100 });
    expect(p.equityCurve.at(-1)).toEqual({ ts_unix_ms: 30_000_000, equity: 30_100 });
  });

  it("Gamma's first-sighting memory holds 4 096 keys: the 4 097th forgets the oldest", () => {
    const g = new GammaClient({ baseUrl: 'http://127.0.0.1:9', nowMs: () => T0 });
    for (let k = 0; k < 4_096; k++) expect(g.firstSighting(`k${k}`)).toBe(true);
    expect(g.firstSighting('k0')).toBe(false);
    expect(g.firstSighting('k4096')).toBe(true);
    expect(g.firstSighting('k4096')).toBe(false);
    expect(g.firstSighting('k1')).toBe(false);
    expect(g.firstSighting('k0')).toBe(true);
  });
});
