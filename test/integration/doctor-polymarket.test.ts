// Goal: the Polymarket part of `polylab doctor` reports each source ok or the exact reason, against loopback fakes.
import { afterEach, describe, expect, it } from 'vitest';
import { checkPolymarket } from '../../src/polymarket/polymarketDoctor.ts';
import { closedPortUrl } from './fakes/venueServers.ts';
import { fakeClobRest, fakeWsServer } from './fakes/polymarket.ts';
import { FakeGamma } from './gammaFake.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('checkPolymarket', () => {
  it('reports ok sources with latency and failing ones with their reason', async () => {
    const gamma = new FakeGamma();
    await gamma.start();
    const rest = await fakeClobRest();
    const clobWs = await fakeWsServer();
    const rtds = await fakeWsServer((ws, text) => {
      if (text.includes('crypto_prices_chainlink')) ws.send('{"topic":"crypto_prices_chainlink","type":"subscribe","payload":{}}');
    });
    cleanups.push(() => gamma.close(), rest.close, clobWs.close, rtds.close);
    gamma.delayMs = 200;
    const t0 = performance.now();
    const rows = await checkPolymarket({ gammaUrl: gamma.url, clobUrl: rest.url, clobWsUrl: clobWs.url, rtdsUrl: rtds.url }, 15_000);
    const elapsedMs = performance.now() - t0;
    const by = Object.fromEntries(rows.map((r) => [r.source, r]));
    expect(by.gamma).toMatchObject({ ok: true });
    // Latency is the time to the answer: at least Gamma's 200 ms delay, at most the whole check.
    expect(by.gamma!.latency_ms!).toBeGreaterThanOrEqual(195);
    for (const r of rows) expect(r.latency_ms!, r.source).toBeLessThanOrEqual(Math.ceil(elapsedMs));
    expect(gamma.requests[0]).toMatchObject({ method: 'GET', path: '/events/keyset' });
    // The fake CLOB has no /time route: the doctor says so instead of pretending.
    expect(by.clob_rest).toMatchObject({ ok: false, detail: 'HTTP 404' });
    expect(by.polymarket_ws).toMatchObject({ ok: true, detail: 'connected' });
    expect(clobWs.received[0]).toEqual(['{"assets_ids":[],"type":"market"}']);
    expect(by.rtds).toMatchObject({ ok: true });
    expect(by.rtds!.detail).toContain('first message');
  });

  it('names the connection error for unreachable endpoints and times out silent ones', async () => {
    const dead = await closedPortUrl();
    const silent = await fakeWsServer();
    cleanups.push(silent.close);
    const rows = await checkPolymarket(
      { gammaUrl: dead.replace('ws:', 'http:'), clobUrl: dead.replace('ws:', 'http:'), clobWsUrl: dead, rtdsUrl: silent.url },
      800,
    );
    const by = Object.fromEntries(rows.map((r) => [r.source, r]));
    expect(by.gamma!.ok).toBe(false);
    expect(by.gamma!.detail).toMatch(/ECONNREFUSED|fetch failed/);
    expect(by.polymarket_ws!.detail).toMatch(/ECONNREFUSED/);
    expect(by.rtds).toMatchObject({ ok: false, detail: 'timeout after 800 ms' });
  });
});
