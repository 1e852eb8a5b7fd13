// Goal: on loopback sockets, a refused upgrade is told apart — HTTP 451/403 `blocked` with the venue's reason and a retry minutes away, HTTP 429 `rate_limited` honouring Retry-After — `reconnects` counts every attempt, and a market socket that keeps sending inconsistent books cannot turn into a flood of REST resyncs or log lines.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { InputEvent, MarketInfo } from '../../src/core/events.ts';
import { startPolymarketFeeds } from '../../src/polymarket/polymarketFeeds.ts';
import { ResilientSocket } from '../../src/net/socket.ts';
import { BINANCE_451_BODY, refusingWsServer } from './fakes/faults.ts';
import { fakeClobRest, fakeWsServer, until } from './fakes/polymarket.ts';
import { closedPortUrl } from './fakes/venueServers.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function socket(url: string, extra: Partial<ConstructorParameters<typeof ResilientSocket>[0]> = {}): ResilientSocket {
  const s = new ResilientSocket({
    name: 't',
    url,
    subscribe: () => [],
    acksSubscription: false,
    staleAfterMs: 5_000,
    backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
    onFrame: () => undefined,
    ...extra,
  });
  cleanups.push(() => s.close());
  return s;
}

describe('refused upgrades', () => {
  it.each([451, 403])('HTTP %i is blocked, with the body as its reason, retried only after blockedRetryMs', async (status) => {
    const srv = await refusingWsServer(status, BINANCE_451_BODY);
    cleanups.push(srv.close);
    // The socket's clock as it read it when scheduling the retry: the delay is exact, not raced against this test.
    let clockMs = 0;
    const s = socket(srv.url, { blockedRetryMs: 120_000, random: () => 0.5, now: () => (clockMs = Date.now()) });
    s.start();
    await until(() => s.stats.state === 'blocked');
    // The body is the reason, on one line, cut at 200 characters.
    expect(s.stats.reason).toBe(`HTTP ${status} on connect: ${BINANCE_451_BODY.slice(0, 200)}`);
    expect(s.stats.refusedStatus).toBe(status);
    expect(s.stats.nextRetryMs! - clockMs).toBeGreaterThan(115_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(srv.refused).toBe(1);
  });

  it('HTTP 429 is rate_limited and waits at least Retry-After', async () => {
    const http = createServer();
    let upgrades = 0;
    http.on('upgrade', (_req, sock) => {
      upgrades++;
      sock.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    let clockMs = 0;
    const s = socket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { now: () => (clockMs = Date.now()) });
    s.start();
    await until(() => s.stats.state === 'rate_limited');
    expect(s.stats.reason).toBe('HTTP 429 on connect (Retry-After 7 s)');
    expect(s.stats.nextRetryMs! - clockMs).toBeGreaterThanOrEqual(7_000);
    expect(upgrades).toBe(1);
  });

  it('counts every connection attempt in reconnects, even when none ever succeeds', async () => {
    const s = socket(await closedPortUrl());
    s.start();
    await until(() => s.stats.reconnects >= 3);
    expect(s.stats.connects).toBe(0);
    expect(s.stats.lastError).toMatch(/ECONNREFUSED/);
  });
});

describe('REST resync pacing', () => {
  it('turns a burst of crossed books from the socket into at most the token burst of REST calls and one log line', async () => {
    const now = Date.now();
    const UP = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
    const m: MarketInfo = {
      market_id: '0xdd',
      slug: 'btc-updown-5m-x',
      question: 'Bitcoin Up or Down',
      family: '5m',
      window_start_ms: now - 1_000,
      window_end_ms: now + 300_000,
      tokens: [
        { token_id: UP, outcome: 'Up' },
        { token_id: '5', outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: null,
      price_to_beat_estimated: false,
    };
    const ws = await fakeWsServer();
    const rtds = await fakeWsServer();
    const rest = await fakeClobRest(); // no /book for the token: every resync fails (404)
    const lines: { msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string }) });
    const events: InputEvent[] = [];
    const feeds = startPolymarketFeeds({
      clobWsUrl: ws.url,
      clobUrl: rest.url,
      rtdsUrl: rtds.url,
      emit: (e) => events.push(e),
      log,
      tickMs: 50,
      snapshotWaitMs: 60_000,
      statusIntervalMs: 100,
      resync: { minIntervalMs: 10, tokenBurst: 3, tokenRefillMs: 60_000 },
    });
    cleanups.push(ws.close, rtds.close, rest.close, () => feeds.close());
    feeds.setMarkets([m]);
    await until(() => (ws.received[0]?.length ?? 0) > 0);
    const crossed = {
      ...(JSON.parse(fx('ws_market_book.json')) as object),
      asset_id: UP,
      bids: [{ price: '0.6', size: '10' }],
      asks: [{ price: '0.4', size: '10' }],
    };
    // 200 crossed books in a second: each asks for a REST resync.
    for (let i = 0; i < 200; i++) {
      ws.sendTo(0, JSON.stringify(crossed));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 100));
    }
    await until(() => feeds.stats().books.crossed === 200);
    // The first resync reaches the fake and the rest are held back: waited for, not slept on.
    await until(() => rest.requests.some((p) => p.startsWith('/book')) && feeds.stats().books.resyncs_throttled >= 1);
    const bookCalls = rest.requests.filter((p) => p.startsWith('/book'));
    expect(bookCalls.length).toBeLessThanOrEqual(3);
    expect(bookCalls.length).toBeGreaterThanOrEqual(1);
    expect(feeds.stats().books.resyncs_throttled).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.msg.startsWith('polymarket book resync: crossed snapshot'))).toHaveLength(1);
  });
});
