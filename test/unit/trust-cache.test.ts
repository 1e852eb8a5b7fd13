// Goal: GET /trust and /strategies compute their body once per input version (and, while inputs keep
// coming, at most once per TRUST_CACHE_MAX_AGE_MS), so a burst of calls costs one computation, and the
// body served is the schema-checked report itself.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi } from '../../src/api/server.ts';
import { TRUST_CACHE_MAX_AGE_MS, TrustResponseSchema } from '../../src/api/trustRoutes.ts';
import type { FastifyInstance } from 'fastify';

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('the trust routes cache', () => {
  it('computes once for a burst of calls, again only when inputs changed and the body is old enough', async () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SEED: '7' });
    const engine = buildEngine(cfg, 'sim', 'sim-7', 7);
    const analytics = buildAnalytics(cfg);
    let input = 0;
    const feed = new SimFeed({ seed: 7, market: 'efficient' }).events();
    const step = (n: number) => {
      for (let i = 0; i < n; i++) {
        const x = feed.next().value!;
        input += 1;
        analytics.observe(x, engine.step(x));
      }
    };
    analytics.observeOutputs(engine.start(SIM_START_MS));
    step(20_000);
    let clockMs = 1_000_000;
    let computed = 0;
    let strategiesComputed = 0;
    const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
    app = await buildApi({
      ...parts,
      trust: () => {
        computed += 1;
        return analytics.report();
      },
      strategies: () => {
        strategiesComputed += 1;
        return [];
      },
      version: () => input,
      nowMs: () => clockMs,
    });
    const get = async (url: string) => (await app!.inject({ method: 'GET', url })).body;
    const bodies = await Promise.all(Array.from({ length: 200 }, () => get('/trust')));
    expect(computed).toBe(1);
    expect(new Set(bodies).size).toBe(1);
    // The body is the report as analytics computes it, schema-checked.
    expect(TrustResponseSchema.parse(JSON.parse(bodies[0]!))).toEqual({ trust: JSON.parse(JSON.stringify(analytics.report())) });
    // New inputs within the max age: served as they were (at most that stale).
    step(1_000);
    clockMs += TRUST_CACHE_MAX_AGE_MS - 1;
    expect(await get('/trust')).toBe(bodies[0]);
    expect(computed).toBe(1);
    // Old enough and inputs changed: computed again, with the new figures.
    clockMs += 1;
    const fresh = await get('/trust');
    expect(computed).toBe(2);
    expect(JSON.parse(fresh)).toEqual({ trust: JSON.parse(JSON.stringify(analytics.report())) });
    // Same inputs, much later: still the same figures, not computed again.
    clockMs += 60_000;
    expect(await get('/trust')).toBe(fresh);
    expect(computed).toBe(2);
    await Promise.all(Array.from({ length: 50 }, () => get('/strategies')));
    expect(strategiesComputed).toBe(1);
    expect(JSON.parse(await get('/strategies'))).toEqual({ strategies: [] });
  });
});
