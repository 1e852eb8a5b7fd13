// Goal: GET /trust and GET /strategies on a real loopback server return the run's trust report and side-by-side rows (validated by their declared schemas) as computed from the sim run, and empty answers when nothing is wired.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi, startApi } from '../../src/api/server.ts';
import { StrategiesResponseSchema, TrustResponseSchema } from '../../src/api/trustRoutes.ts';
import { compareRow } from '../../src/app/lanes.ts';
import { summaryOf } from '../../src/views/summary.ts';
import { RunView } from '../../src/views/runView.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serve(withTrust: boolean) {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_SIM_MARKET: 'noisy' });
  const engine = buildEngine(cfg, 'sim', 'trust-7', 7);
  const analytics = buildAnalytics(cfg);
  const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
  const strategies = () => [
    compareRow(
      'main',
      cfg.strategy,
      {
        ...summaryOf(new RunView(), 0),
        run_id: 'trust-7',
        fills: engine.counters.fills,
        rejects: engine.counters.rejects,
        realized_pnl: engine.portfolio.realized,
      },
      analytics.report(),
    ),
  ];
  const app = await buildApi({ ...parts, ...(withTrust ? { trust: () => analytics.report(), strategies } : {}) });
  const url = await startApi(app, '127.0.0.1', 0);
  closers.push(async () => {
    parts.hub.close();
    await app.close();
    parts.metrics.close();
  });
  const start = engine.start(SIM_START_MS);
  analytics.observeOutputs(start);
  for (const e of start) parts.sink(e);
  for (const input of new SimFeed({ seed: 7, market: 'noisy' }).events()) {
    if (input.ts_unix_ms - SIM_START_MS > 20 * 60_000) break;
    const outs = engine.step(input);
    analytics.observe(input, outs);
    for (const e of outs) parts.sink(e);
  }
  return { url, analytics, fills: engine.counters.fills };
}

describe('GET /trust', () => {
  it('serves the trust report of the run', async () => {
    const { url, analytics, fills } = await serve(true);
    const res = await fetch(`${url}/trust`);
    expect(res.status).toBe(200);
    const body = TrustResponseSchema.parse(await res.json());
    expect(body.trust).not.toBeNull();
    expect(body.trust!.fills).toBe(fills);
    expect(fills).toBeGreaterThan(0);
    expect(body.trust).toEqual(JSON.parse(JSON.stringify(analytics.report())));
    expect(body.trust!.markouts.map((m) => m.side).sort()).toEqual(['buy', 'sell']);
    const rows = StrategiesResponseSchema.parse(await (await fetch(`${url}/strategies`)).json()).strategies;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: 'main',
      strategy: 'divergence',
      fills,
      pnl_low: body.trust!.fill_models.low,
      pnl_high: body.trust!.fill_models.high,
    });
  });

  it('answers null and an empty list without analytics', async () => {
    const { url } = await serve(false);
    expect(await (await fetch(`${url}/trust`)).json()).toEqual({ trust: null });
    expect(await (await fetch(`${url}/strategies`)).json()).toEqual({ strategies: [] });
  });
});
