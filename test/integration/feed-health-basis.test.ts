// Goal: GET /feed/health on a real loopback server carries a basis warning for a resolution source whose latest basis to the venue median is above the threshold (a sim with a wide oracle basis), none for a quiet one, and none when no analytics are wired.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine, simOptionsFromConfig } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import { FeedHealthResponseSchema } from '../../src/core/wire.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A 15-minute sim through the engine and analytics, served; `basisBps` is the simulator's oracle basis (null: its default). */
async function serve(basisBps: number | null, wired = true) {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim', ...(basisBps !== null ? { POLYLAB_SIM_ORACLE_BASIS_BPS: String(basisBps) } : {}) });
  const engine = buildEngine(cfg, 'sim', 'basis-3', 3);
  const analytics = buildAnalytics(cfg);
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
  const app = await buildApi({ ...parts, ...(wired ? { basis: () => analytics.basis.report() } : {}) });
  const url = await startApi(app, '127.0.0.1', 0);
  closers.push(async () => {
    parts.hub.close();
    await app.close();
    parts.metrics.close();
  });
  const feed = new SimFeed(simOptionsFromConfig(cfg));
  let first: number | null = null;
  for (const input of feed.events()) {
    first ??= input.ts_unix_ms;
    if (first === input.ts_unix_ms) for (const e of engine.start(first)) parts.sink(e);
    if (input.ts_unix_ms - first > 15 * 60_000) break;
    const outs = engine.step(input);
    analytics.observe(input, outs);
    for (const e of outs) parts.sink(e);
  }
  const health = FeedHealthResponseSchema.parse(await (await fetch(`${url}/feed/health`)).json());
  return { health, basis: analytics.basis.report() };
}

describe('GET /feed/health basis warnings', () => {
  it('warns for a resolution source above the threshold, naming it and its bps', async () => {
    const { health, basis } = await serve(60);
    const warned = basis.sources.filter((s) => s.warning);
    expect(warned.length).toBeGreaterThan(0);
    expect(health.warnings.map((w) => [w.kind, w.source, w.last_bps, w.warn_bps])).toEqual(
      warned.map((s) => ['basis', s.source, s.last_bps, basis.warn_bps]),
    );
    for (const w of health.warnings) {
      expect(Math.abs(w.last_bps)).toBeGreaterThan(w.warn_bps);
      expect(w.message).toContain(`above ${w.warn_bps} bps`);
    }
  });

  it('has no warning when the basis is small, or when no analytics are wired', async () => {
    const quiet = await serve(0);
    expect(quiet.basis.sources.length).toBeGreaterThan(0);
    expect(quiet.basis.sources.every((s) => !s.warning)).toBe(true);
    expect(quiet.health.warnings).toEqual([]);
    expect((await serve(60, false)).health.warnings).toEqual([]);
  });
});
