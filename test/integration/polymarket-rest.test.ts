// Goal: the CLOB REST client reads real /book and /markets bodies from a loopback server, turns 404s, bad bodies and timeouts into typed failures, and after a 429 holds every request back until Retry-After has passed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ClobRest } from '../../src/polymarket/clobRest.ts';
import { RtdsFeed } from '../../src/polymarket/rtds.ts';
import { fakeClobRest, fakeWsServer, until } from './fakes/polymarket.ts';

const fx = (name: string) => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Record<string, unknown>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('ClobRest', () => {
  it('reads the documented, minimal and live-shape /book bodies into levels, tick size and a ms timestamp', async () => {
    const srv = await fakeClobRest();
    cleanups.push(srv.close);
    srv.books.set('a', fx('clob_book_docs_example.json'));
    srv.books.set('b', fx('clob_book_nautilus_minimal.json'));
    srv.books.set('c', fx('clob_book_live_shape_btc_updown.json'));
    const rest = new ClobRest({ baseUrl: srv.url });
    const a = await rest.book('a');
    expect(a).toMatchObject({
      ok: true,
      value: {
        tsMs: Date.parse('2023-10-21T08:00:00Z'),
        tickSize: 0.01,
        bids: [
          [0.48, 1000],
          [0.47, 2500],
        ],
        hash: '0xabc123...',
      },
    });
    expect(await rest.book('b')).toMatchObject({
      ok: true,
      value: {
        tsMs: 1703875200000,
        tickSize: null,
        asks: [
          [0.51, 120],
          [0.52, 180],
          [0.53, 90],
        ],
      },
    });
    expect(await rest.book('c')).toMatchObject({
      ok: true,
      value: {
        tsMs: 1789485400000,
        bids: [
          [0.01, 9836.63],
          [0.02, 1873.64],
          [0.73, 474],
          [0.74, 668],
        ],
      },
    });
    expect(srv.requests).toEqual(['/book?token_id=a', '/book?token_id=b', '/book?token_id=c']);
  });

  it('reads a resolved market with tokens[].winner from /markets/<condition_id>', async () => {
    const srv = await fakeClobRest();
    cleanups.push(srv.close);
    const body = fx('clob_market_closed_resolved_tokens_winner.json');
    srv.markets.set(body.condition_id as string, body);
    const r = await new ClobRest({ baseUrl: srv.url }).market(body.condition_id as string);
    expect(r.ok && r.value.tokens.map((t) => t.winner)).toEqual([true, false]);
    expect(r.ok && r.value.closed).toBe(true);
  });

  it('turns 404, a malformed body and a timeout into failures without throwing', async () => {
    const srv = await fakeClobRest();
    cleanups.push(srv.close);
    srv.books.set('bad', { market: 'm', asset_id: 'bad', timestamp: '1', bids: [{ price: 'x', size: '1' }], asks: [] });
    const rest = new ClobRest({ baseUrl: srv.url });
    expect(await rest.book('missing')).toMatchObject({ ok: false, status: 404 });
    expect(await rest.book('bad')).toMatchObject({ ok: false, error: expect.stringContaining('unexpected body') });
    expect(rest.stats.badBodies).toBe(1);
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    });
    const r = await new ClobRest({ baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, timeoutMs: 100 }).book('x');
    expect(r).toMatchObject({ ok: false, status: null });
  });

  it('holds every request back after a 429 until Retry-After has passed', async () => {
    const srv = await fakeClobRest();
    cleanups.push(srv.close);
    srv.books.set('a', fx('clob_book_nautilus_minimal.json'));
    srv.rateLimitNext(1, 1);
    // The client's own clock, moved by hand: the hold is exact however slow the machine is.
    let nowMs = 1_000_000;
    const rest = new ClobRest({ baseUrl: srv.url, now: () => nowMs });
    expect(await rest.book('a')).toMatchObject({ ok: false, status: 429, retryAfterMs: 1_000 });
    expect(await rest.book('a')).toMatchObject({ ok: false, status: 429, error: 'rate limited (backing off)' });
    expect(srv.requests).toHaveLength(1);
    expect(rest.waitMs()).toBe(1_000);
    nowMs += 999;
    expect(rest.waitMs()).toBe(1);
    expect(await rest.book('a')).toMatchObject({ ok: false, error: 'rate limited (backing off)' });
    expect(srv.requests).toHaveLength(1);
    nowMs += 1;
    expect(rest.waitMs()).toBe(0);
    expect(await rest.book('a')).toMatchObject({ ok: true });
    expect(srv.requests).toHaveLength(2);
    expect(rest.stats.rateLimited).toBe(1);
  });
});

describe('RtdsFeed', () => {
  it('reconnects when the connection keeps answering pings but carries no prices', async () => {
    const srv = await fakeWsServer();
    cleanups.push(srv.close);
    const feed = new RtdsFeed({
      url: srv.url,
      emit: () => undefined,
      pingIntervalMs: 50,
      pricesStaleAfterMs: 300,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(() => feed.close());
    feed.start();
    await until(() => srv.connections.length >= 2, 15_000);
    expect(srv.received[0]).toContain('PING');
    expect(feed.stats().priceStalls).toBeGreaterThanOrEqual(1);
    expect(feed.stats().socket.lastError).toMatch(/no prices for \d+ ms/);
  });
});
