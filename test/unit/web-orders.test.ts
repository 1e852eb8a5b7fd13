// Goal: the dashboard's model shows the working orders with their queue position, from the `connected` snapshot and then from the stream, the same as the execution holds them.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { createApiParts } from '../../src/api/start.ts';
import { WsSnapshotSchema } from '../../src/core/wire.ts';
import { DashboardModel } from '../../web/src/model.ts';

describe('dashboard working orders', () => {
  it('loads them from the snapshot, follows the stream, and ends where the execution is', () => {
    const parts = createApiParts({ mode: 'sim', wsMaxRateHz: 4, wsMaxBufferBytes: 1 << 20 });
    const engine = buildEngine(loadConfig({ POLYLAB_STRATEGY: 'maker' }), 'sim', 'orders-5', 5);
    const sim = new SimFeed({ seed: 5 });
    const later: OutputEvent[] = [];
    for (const e of engine.start(SIM_START_MS)) parts.sink(e);
    for (const input of sim.events()) {
      const t = input.ts_unix_ms - SIM_START_MS;
      if (t >= 22 * 60_000) break;
      for (const e of engine.step(input)) {
        sim.observe(e);
        if (t < 20 * 60_000) parts.sink(e);
        else later.push(e);
      }
    }
    const snapshot = WsSnapshotSchema.parse(JSON.parse(JSON.stringify(parts.snapshot())));
    parts.hub.close();
    parts.metrics.close();
    const m = new DashboardModel();
    m.load(snapshot, 0);
    expect(m.orders.list().length).toBe(snapshot.orders!.length);
    expect(snapshot.orders!.length).toBeGreaterThan(0);
    m.dirty.clear();
    for (const e of later) m.apply(e);
    expect(m.dirty.has('pnl')).toBe(true);
    const byId = (a: { intent_id: string }, b: { intent_id: string }) => a.intent_id.localeCompare(b.intent_id);
    const shown = m.orders.list().map((o) => ({ intent_id: o.intent_id, qty: o.remaining_qty, ahead: o.queue_ahead_qty }));
    const held = [...engine.execution.workingViews()].map((o) => ({ intent_id: o.intent_id, qty: o.qty, ahead: o.queue_ahead_qty }));
    expect(shown.sort(byId)).toEqual(held.sort(byId));
  });
});
