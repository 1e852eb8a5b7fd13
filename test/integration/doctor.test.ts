// Goal: `polylab doctor`'s venue check reports ok, a refused subscription, a closed port and a silent server correctly, with latencies, in a readable table.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { loadConfig } from '../../src/app/config.ts';
import { checkVenue, runDoctor } from '../../src/venues/venueDoctor.ts';
import { formatDoctorTable } from '../../src/commands/doctor.ts';
import { kraken } from '../../src/venues/kraken.ts';
import { closedPortUrl, startFakeVenue } from './fakes/venueServers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('doctor', () => {
  it('connects to each configured venue once and reports ok, refused and unreachable', async () => {
    const cb = await startFakeVenue('coinbase', { replyDelayMs: 150 });
    const kr = await startFakeVenue('kraken', { reject: true });
    cleanups.push(
      () => cb.close(),
      () => kr.close(),
    );
    const cfg = loadConfig({
      POLYLAB_VENUES: 'coinbase,kraken,bitstamp',
      POLYLAB_COINBASE_WS_URL: cb.url,
      POLYLAB_KRAKEN_WS_URL: kr.url,
      POLYLAB_BITSTAMP_WS_URL: await closedPortUrl(),
    });
    const t0 = performance.now();
    // Every source here answers (or refuses) at once: the timeout only guards a loaded machine.
    const rows = await runDoctor(cfg.venueEndpoints(), { timeoutMs: 15_000 });
    const elapsedMs = performance.now() - t0;
    expect(rows.map((r) => [r.source, r.ok])).toEqual([
      ['coinbase', true],
      ['kraken', false],
      ['bitstamp', false],
    ]);
    expect(rows[0]!.detail).toBe('subscribed (matches BTC-USD)');
    expect(rows[1]!.detail).toBe('venue error: subscribe: Currency pair not supported BTC/USD');
    expect(rows[2]!.detail).toMatch(/ECONNREFUSED/);
    // Latency is the time to the answer: at least the fake's 150 ms reply delay, at most the whole check.
    expect(rows[0]!.latency_ms).toBeGreaterThanOrEqual(145);
    for (const r of rows) {
      expect(Number.isInteger(r.latency_ms), r.source).toBe(true);
      expect(r.latency_ms!, r.source).toBeLessThanOrEqual(Math.ceil(elapsedMs));
    }
    expect(cb.connections).toBe(1);
    const table = formatDoctorTable(rows).split('\n');
    expect(table[0]).toMatch(/^source\s+status\s+latency\s+detail$/);
    expect(table[1]).toMatch(/^coinbase\s+ok\s+\d+ ms\s+subscribed/);
    expect(table[3]).toMatch(/^bitstamp\s+error\s+\d+ ms\s+ECONNREFUSED/);
    expect(table.at(-1)).toBe('1/3 sources ok');
  });

  it('reports a timeout when the venue accepts the connection but never answers', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    });
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const row = await checkVenue('kraken', kraken, url, 'BTC/USD', 300);
    expect(row).toMatchObject({ source: 'kraken', ok: false, detail: 'timeout after 300 ms (waiting for the subscription ack)' });
    expect(row.latency_ms).toBeGreaterThanOrEqual(290);
  });
});
