// Goal: the read-only guard of the paper-live tests passes exactly what the lab's own clients send (each venue's subscribe and ping frames, the market channel's and data socket's subscriptions, GETs) and catches anything else — an order-shaped frame, credentials, a POST — which the fake servers refuse.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADAPTERS, VENUE_NAMES } from '../../src/venues/index.ts';
import { CLOB_PING_FRAME, subscribeFrame, updateFrame } from '../../src/polymarket/wire/clobWsMessages.ts';
import {
  RTDS_BINANCE_SUBSCRIBE,
  RTDS_CHAINLINK_SUBSCRIBE,
  RTDS_PING_FRAME,
  twapSubscribeFrame,
} from '../../src/polymarket/wire/rtdsMessages.ts';
import { fakeClobRest } from '../integration/fakes/polymarket.ts';
import { startFakeVenue } from '../integration/fakes/venueServers.ts';
import { FakeGamma } from '../integration/gammaFake.ts';
import { poll } from './lab.ts';
import { frameViolation, ReadOnlyGuard } from './readOnly.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the read-only guard', () => {
  it("passes every frame the lab's clients send", () => {
    for (const v of VENUE_NAMES) {
      const a = ADAPTERS[v];
      for (const f of a.subscribe(a.defaultSymbol)) expect(frameViolation(v, f), `${v} ${f}`).toBeNull();
      if (a.ping) expect(frameViolation(v, a.ping.frame()), v).toBeNull();
    }
    for (const f of [subscribeFrame(['1', '2']), updateFrame('subscribe', ['3']), updateFrame('unsubscribe', ['1']), CLOB_PING_FRAME])
      expect(frameViolation('polymarket_ws', f), f).toBeNull();
    for (const f of [RTDS_CHAINLINK_SUBSCRIBE, RTDS_BINANCE_SUBSCRIBE, twapSubscribeFrame(30), twapSubscribeFrame(60), RTDS_PING_FRAME])
      expect(frameViolation('rtds', f), f).toBeNull();
  });

  it('catches frames that are not subscriptions or pings, or that carry credentials', () => {
    const bad: [string, string][] = [
      [
        'kraken',
        JSON.stringify({
          method: 'add_order',
          params: { order_type: 'limit', side: 'buy', limit_price: 0.5, order_qty: 1, symbol: 'BTC/USD', token: 'x' },
        }),
      ],
      [
        'coinbase',
        JSON.stringify({
          type: 'subscribe',
          product_ids: ['BTC-USD'],
          channels: ['user'],
          signature: 'abc',
          key: 'k',
          passphrase: 'p',
          timestamp: '1',
        }),
      ],
      ['okx', JSON.stringify({ op: 'order', args: [{ side: 'buy', instId: 'BTC-USDT', ordType: 'market', sz: '1' }] })],
      ['okx', JSON.stringify({ op: 'login', args: [{ apiKey: 'k', passphrase: 'p', timestamp: '1', sign: 's' }] })],
      ['bybit', JSON.stringify({ op: 'auth', args: ['key', 1, 'sig'] })],
      ['binance', JSON.stringify({ method: 'order.place', params: { symbol: 'BTCUSDT', side: 'BUY' }, id: 1 })],
      ['bitstamp', JSON.stringify({ event: 'bts:subscribe', data: { channel: 'private-my_orders_btcusd-1', auth: 'token' } })],
      ['polymarket_ws', JSON.stringify({ type: 'user', markets: [], auth: { apiKey: 'k', secret: 's', passphrase: 'p' } })],
      ['polymarket_ws', JSON.stringify({ assets_ids: ['1'], type: 'user' })],
      ['polymarket_ws', 'not a frame'],
      [
        'rtds',
        JSON.stringify({
          action: 'subscribe',
          subscriptions: [{ topic: 'clob_user', type: '*', clob_auth: { key: 'k', secret: 's', passphrase: 'p' } }],
        }),
      ],
      ['rtds', JSON.stringify({ action: 'subscribe', subscriptions: [{ topic: 'activity', type: 'trades' }] })],
    ];
    for (const [server, frame] of bad) expect(frameViolation(server, frame), `${server} ${frame}`).not.toBeNull();
  });

  it('records and refuses a write to the HTTP fakes and an order frame on a venue socket', async () => {
    const gamma = new FakeGamma();
    await gamma.start();
    const rest = await fakeClobRest();
    const venue = await startFakeVenue('kraken');
    cleanups.push(
      () => gamma.close(),
      rest.close,
      () => venue.close(),
    );
    const guard = new ReadOnlyGuard();
    guard.gamma(gamma);
    guard.rest(rest);
    guard.venue(venue);
    expect((await fetch(`${gamma.url}/events?slug=x`)).status).toBe(200);
    expect(guard.violations()).toEqual([]);

    expect((await fetch(`${gamma.url}/events`, { method: 'POST', body: '{}' })).status).toBe(405);
    expect((await fetch(`${rest.url}/order`, { method: 'POST', body: '{"side":"BUY"}' })).status).toBe(405);
    expect((await fetch(venue.url.replace('ws:', 'http:'), { method: 'POST', body: '{}' })).status).toBe(405);
    const ws = new WebSocket(venue.url);
    await new Promise((r) => ws.once('open', r));
    const replies: string[] = [];
    ws.on('message', (d) => replies.push(d.toString()));
    ws.send(JSON.stringify({ method: 'add_order', params: { side: 'buy' } }));
    await poll('the frame recorded', () => venue.received.length === 1, 15_000);
    ws.close();
    expect(guard.violations()).toEqual([
      { server: 'gamma', what: 'POST /events' },
      { server: 'clob_rest', what: 'POST /order' },
      { server: 'kraken', what: 'POST /' },
      { server: 'kraken', what: 'method add_order is not a subscription or ping' },
    ]);
    // The venue fake answered nothing but its greeting (the status frame sent on connect).
    expect(replies.filter((r) => !r.includes('"channel":"status"'))).toEqual([]);
  });
});
