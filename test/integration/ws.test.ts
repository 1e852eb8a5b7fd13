// Goal: the /ws stream of a running server gives a snapshot, then live events with exact fills, coalesced quotes/medians, and cuts off only misbehaving clients.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PaperFillSchema } from '../../src/core/outputs.ts';
import { WsConnectedSchema } from '../../src/core/wire.ts';
import { Recorder, startHarness, type Harness } from './apiHarness.ts';

let h: Harness | null = null;
const clients: Recorder[] = [];

async function client(url: string): Promise<Recorder> {
  const r = await Recorder.open(url);
  clients.push(r);
  await r.until(() => r.frames.length >= 1);
  return r;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h?.close();
  h = null;
});

const rawSocket = (r: Recorder) => (r.ws as unknown as { _socket: Socket })._socket;

describe('WebSocket /ws', () => {
  it('greets a client with a `connected` snapshot of mode, health, markets, positions and recent fills', async () => {
    h = await startHarness();
    await h.pump(3 * 60_000);
    const c = await client(h.wsUrl);
    const first = WsConnectedSchema.parse(c.frames[0]!.msg);
    expect(first.snapshot.mode).toBe('sim');
    expect(first.snapshot.run?.run_id).toBe('test-run-7');
    expect(first.snapshot.markets.length).toBeGreaterThanOrEqual(1);
    expect(first.snapshot.positions.length).toBeGreaterThanOrEqual(1);
    expect(first.snapshot.recent_fills.length).toBeGreaterThanOrEqual(1);
    expect(first.snapshot.feed_health.reference.live).toBe(true);
    expect(h.parts.hub.clientCount).toBe(1);
  });

  it('streams a paper_fill with a numeric fill_px, and every fill the engine made', async () => {
    h = await startHarness();
    const c = await client(h.wsUrl);
    await h.pump(2 * 60_000, { chunkMs: 5_000 });
    await c.until(() => c.of('paper_fill').length >= h!.engine.counters.fills && h!.engine.counters.fills > 0);
    const fill = PaperFillSchema.parse(c.of('paper_fill')[0]);
    expect(typeof fill.fill_px).toBe('number');
    expect(fill.fill_px).toBeGreaterThan(0);
    expect(fill.fill_px).toBeLessThan(1);
    expect(c.of('paper_fill')).toHaveLength(h.engine.counters.fills);
    expect(c.of('paper_intent').length).toBe(h.engine.counters.intents);
  });

  it('gives a client joining mid-run each fill exactly once: the snapshot up to some fill, the stream from the next one', async () => {
    h = await startHarness();
    await client(h.wsUrl); // an earlier client keeps the hub's queue busy when the newcomer joins
    // The run goes on, a sim minute at a time, until the newcomer is in (however long its
    // handshake takes on a busy machine), then ten minutes more: it joins mid-run whatever the speed.
    let joined: Recorder | null = null;
    const joining = client(h.wsUrl).then((r) => (joined = r));
    await h.pump(5 * 60_000, { chunkMs: 60_000, pauseMs: 5 });
    while (joined === null) await h.pump(60_000, { pauseMs: 5 });
    await h.pump(10 * 60_000, { chunkMs: 60_000, pauseMs: 5 });
    const c = await joining;
    const num = (id: string) => Number(id.slice(1)); // fill ids are f1, f2, ... in engine order
    const snapshotIds = WsConnectedSchema.parse(c.frames[0]!.msg).snapshot.recent_fills.map((f) => num(f.fill_id));
    const total = h.engine.counters.fills;
    const lastInSnapshot = Math.max(0, ...snapshotIds);
    expect(lastInSnapshot).toBeLessThan(total);
    await c.until(() => c.of('paper_fill').length >= total - lastInSnapshot);
    const streamed = c.of('paper_fill').map((f) => num(f.fill_id as string));
    expect(streamed).toEqual(Array.from({ length: total - lastInSnapshot }, (_, i) => lastInSnapshot + 1 + i));
  });

  it('bounds the queue of a synchronous burst at its default 1 024 frames: the 1 024th queued frame flushes them all at once', async () => {
    h = await startHarness();
    const c = await client(h.wsUrl);
    const hub = h.parts.hub;
    const before = hub.framesSent;
    const pnl = (k: number) =>
      ({ event_type: 'pnl', cash: k, equity: k, realized: 0, unrealized: 0, fees: 0, position_value: 0, ts_unix_ms: k }) as const;
    // No await in between: no timer can flush, only the bound.
    for (let k = 1; k < 1_024; k++) hub.publish(pnl(k));
    expect(hub.framesSent).toBe(before);
    hub.publish(pnl(1_024));
    expect(hub.framesSent).toBe(before + 1_024);
    await c.until(() => c.of('pnl').length >= 1_024);
    expect(c.of('pnl').map((e) => e.cash)).toEqual(Array.from({ length: 1_024 }, (_, i) => i + 1));
  });

  it('delivers events of every WebSocket length class (7-bit, 16-bit, 64-bit) intact and in order', async () => {
    h = await startHarness();
    const c = await client(h.wsUrl);
    const reasons = ['a', 'b'.repeat(300), 'c'.repeat(70_000)];
    for (const reason of reasons) {
      h.parts.sink({ event_type: 'risk_reject', reason, market_id: null, intent_id: null, numbers: {}, ts_unix_ms: 1 });
    }
    await c.until(() => c.of('risk_reject').length === 3);
    expect(c.of('risk_reject').map((r) => r.reason)).toEqual(reasons);
  });

  it('coalesces btc_median and quote frames to at most the configured rate per client', async () => {
    const rateHz = 5;
    h = await startHarness({ wsMaxRateHz: rateHz });
    const c = await client(h.wsUrl);
    const t0 = Date.now();
    // 10 sim-seconds every ~10 ms of wall time: hundreds of medians and quotes a second, for over a second.
    await h.pump(20 * 60_000, { chunkMs: 10_000, pauseMs: 10 });
    await new Promise((r) => setTimeout(r, 300));
    const seconds = (Date.now() - t0) / 1000;
    const medianTimes = c.frames.filter((f) => f.msg.event_type === 'btc_median').map((f) => f.at);
    expect(seconds).toBeGreaterThan(1);
    expect(medianTimes.length).toBeGreaterThan(0);
    expect(medianTimes.length).toBeLessThanOrEqual(Math.ceil(seconds * rateHz) + 1);
    // No sliding one-second window holds more than the rate (one frame of slack for timer jitter).
    for (let i = 0; i < medianTimes.length; i++) {
      const inWindow = medianTimes.filter((t) => t >= medianTimes[i]! && t < medianTimes[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(rateHz + 1);
    }
    // Quotes: at most two tokens per market per flush.
    expect(c.of('quote').length).toBeLessThanOrEqual((Math.ceil(seconds * rateHz) + 1) * 4);
    // Exact events are not coalesced: every fill still arrives.
    await c.until(() => c.of('paper_fill').length === h!.engine.counters.fills);
  });

  it('cuts off a client that stops reading, with a reason, while a normal client keeps receiving', async () => {
    const drops: string[] = [];
    h = await startHarness({ wsMaxBufferBytes: 64 * 1024, closeGraceMs: 15_000, onDrop: (reason) => drops.push(reason) });
    const slow = await client(h.wsUrl);
    const normal = await client(h.wsUrl);
    rawSocket(slow).pause(); // the client never reads: unsent bytes pile up on the server
    while (drops.length === 0 && h.simMs() < 30 * 3_600_000) await h.pump(30 * 60_000, { chunkMs: 10 * 60_000, pauseMs: 0 });
    expect(drops).toEqual(['slow consumer']);
    expect(h.parts.hub.clientCount).toBe(1);
    // The engine carried on, and the normal client gets what comes after the cut.
    const fillsAtCut = h.engine.counters.fills;
    await h.pump(30 * 60_000);
    expect(h.engine.counters.fills).toBeGreaterThan(fillsAtCut);
    await normal.until(() => normal.of('paper_fill').length === h!.engine.counters.fills, 10_000);
    expect(normal.closed).toBeNull();
    // Once it reads again, the slow client learns why it was closed.
    rawSocket(slow).resume();
    await slow.until(() => slow.closed !== null, 10_000);
    expect(slow.closed).toEqual({ code: 1008, reason: 'slow consumer' });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('polylab_ws_disconnects_total{reason="slow consumer"} 1');
    expect(metrics).toContain('polylab_ws_clients 1');
  }, 60_000); // several simulated hours must pass before the kernel's socket buffers are full

  it('closes only the socket that sends an oversized message', async () => {
    h = await startHarness({ maxClientMessageBytes: 1024 });
    const bad = await client(h.wsUrl);
    const good = await client(h.wsUrl);
    bad.ws.send('x'.repeat(4096));
    await bad.until(() => bad.closed !== null);
    expect(bad.closed?.code).toBe(1009);
    good.ws.send(JSON.stringify({ op: 'ping' }));
    await good.until(() => good.of('pong').length === 1);
    expect(good.closed).toBeNull();
    expect(h.parts.hub.clientCount).toBe(1);
  });

  it.each([
    ['text that is not JSON', '{"op":', 1007, 'malformed client message: not JSON'],
    ['JSON that is not a known message', '{"op":"subscribe","all":true}', 1007, 'malformed client message: expected {"op":"ping"}'],
    ['a binary frame', Buffer.from([1, 2, 3]), 1003, 'binary messages are not accepted'],
  ])('closes only the socket that sends %s', async (_name, payload, code, reason) => {
    h = await startHarness();
    const bad = await client(h.wsUrl);
    const good = await client(h.wsUrl);
    bad.ws.send(payload);
    await bad.until(() => bad.closed !== null);
    expect(bad.closed).toEqual({ code, reason });
    await h.pump(30_000, { chunkMs: 5_000 });
    await good.until(() => good.of('paper_fill').length === h!.engine.counters.fills && h!.engine.counters.fills > 0);
    expect(good.closed).toBeNull();
  });
});
