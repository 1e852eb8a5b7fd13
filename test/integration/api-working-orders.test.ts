// Goal: GET /working-orders serves the paper execution's working orders with their queue position, as a maker run on the sim leaves them.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { OrdersResponseSchema } from '../../src/core/wire.ts';
import { createApiParts } from '../../src/api/start.ts';
import { buildApi } from '../../src/api/server.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';

describe('GET /working-orders', () => {
  it('lists every working order with the execution’s remaining size and queue ahead', async () => {
    const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20, closeGraceMs: 2_000 });
    const app = await buildApi(parts);
    const engine = buildEngine(loadConfig({ POLYLAB_STRATEGY: 'maker' }), 'sim', 'orders-3', 3);
    const sim = new SimFeed({ seed: 3 });
    for (const e of engine.start(SIM_START_MS)) parts.sink(e);
    for (const input of sim.events()) {
      if (input.ts_unix_ms >= SIM_START_MS + 20 * 60_000) break;
      const outs = engine.step(input);
      for (const e of outs) {
        parts.sink(e);
        sim.observe(e);
      }
    }
    const res = await app.inject({ method: 'GET', url: '/working-orders' });
    expect(res.statusCode).toBe(200);
    const body = OrdersResponseSchema.parse(res.json());
    const byId = (a: { intent_id: string }, b: { intent_id: string }) => a.intent_id.localeCompare(b.intent_id);
    const served = body.orders.map((o) => ({ intent_id: o.intent_id, qty: o.remaining_qty, ahead: o.queue_ahead_qty })).sort(byId);
    const held = [...engine.execution.workingViews()]
      .map((o) => ({ intent_id: o.intent_id, qty: o.qty, ahead: o.queue_ahead_qty }))
      .sort(byId);
    expect(served.length).toBeGreaterThan(0);
    expect(served).toEqual(held);
    expect(body.orders.some((o) => o.queue_model === 'conservative' && o.queue_ahead_qty !== null)).toBe(true);
    await app.close();
  }, 60_000);
});
