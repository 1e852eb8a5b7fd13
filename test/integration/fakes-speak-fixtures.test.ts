// Goal: a test of the test fakes — the loopback OKX, Bybit and Binance servers that venue-feeds, doctor and cli-live run against answer the documented requests with acks, refusals, pongs and trades shaped like the captured fixtures, so those tests meet the venues' real formats (Coinbase, Kraken and Bitstamp fakes are held to theirs through the feed tests).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { VenueName } from '../../src/app/config.ts';
import { until } from './fakes/kit.ts';
import { startFakeVenue, type FakeVenue } from './fakes/venueServers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/venues/${name}`, 'utf8')) as Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as object).sort();

async function client(v: VenueName, opts?: { reject?: boolean }, path = '') {
  const fake: FakeVenue = await startFakeVenue(v, opts);
  const ws = new WebSocket(fake.url + path);
  const got: string[] = [];
  ws.on('message', (d) => got.push(d.toString()));
  await new Promise((r) => ws.once('open', r));
  cleanups.push(
    () => fake.close(),
    () => ws.terminate(),
  );
  return { fake, ws, got };
}

describe("the fake venue servers speak the fixtures' protocol", () => {
  it('okx: acks a trades subscription, answers ping with pong, streams trades in the captured shape', async () => {
    const c = await client('okx');
    c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] }));
    await until(() => c.got.length === 1);
    expect(JSON.parse(c.got[0]!)).toMatchObject(fixture('okx_subscribe_ack.json'));
    c.ws.send('ping');
    await until(() => c.got.length === 2);
    expect(c.got[1]).toBe('pong');
    c.fake.sendTrade({ px: 64_000.5, id: 7, side: 'sell', tsMs: 1_700_000_000_000 });
    await until(() => c.got.length === 3);
    const trade = JSON.parse(c.got[2]!) as { arg: unknown; data: Record<string, unknown>[] };
    expect(keys(trade.data[0])).toEqual(keys((fixture('okx_trades_documented.json').data as unknown[])[0]));
    expect(trade).toMatchObject({
      arg: { channel: 'trades', instId: 'BTC-USDT' },
      data: [{ px: '64000.5', side: 'sell', tradeId: '7', ts: '1700000000000' }],
    });
  });

  it('okx: refuses with an error event when told to', async () => {
    const c = await client('okx', { reject: true });
    c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDX' }] }));
    await until(() => c.got.length === 1);
    expect(JSON.parse(c.got[0]!)).toMatchObject({ event: 'error', code: '60018', msg: expect.stringContaining("doesn't exist") });
  });

  it('bybit: acks, pongs with the documented shape, refuses like the fixture, streams publicTrade', async () => {
    const c = await client('bybit');
    c.ws.send(JSON.stringify(fixture('bybit_v5_subscribe_request_documented.json')));
    c.ws.send(JSON.stringify(fixture('bybit_v5_ping_request_documented.json')));
    await until(() => c.got.length === 2);
    expect(JSON.parse(c.got[0]!)).toMatchObject({ success: true, op: 'subscribe', req_id: 'test' });
    expect(keys(JSON.parse(c.got[1]!))).toEqual(keys({ ...fixture('bybit_v5_pong_spot_documented.json'), req_id: 1 }));
    c.fake.sendTrade({ px: 64_000, id: 9, side: 'sell' });
    await until(() => c.got.length === 3);
    const t = JSON.parse(c.got[2]!) as { topic: string; data: Record<string, unknown>[] };
    expect(t.topic).toBe('publicTrade.BTCUSDT'); // trades only on the publicTrade topic of the three requested
    expect(keys(t.data[0])).toEqual(keys((fixture('bybit_v5_publicTrade_documented.json').data as unknown[])[0]));
    expect(t.data[0]).toMatchObject({ S: 'Sell', p: '64000', i: '9' });
    const r = await client('bybit', { reject: true });
    r.ws.send(JSON.stringify({ op: 'subscribe', args: ['publicTrade.BTCUSDX'] }));
    await until(() => r.got.length === 1);
    expect(keys(JSON.parse(r.got[0]!))).toEqual(keys(fixture('bybit_v5_subscribe_failure_fixture.json')));
  });

  it('binance: answers SUBSCRIBE with the documented result and streams raw or combined trades', async () => {
    const c = await client('binance');
    c.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'btcusdt@aggTrade'], id: 1 }));
    await until(() => c.got.length === 1);
    expect(JSON.parse(c.got[0]!)).toEqual(fixture('binance_subscribe_response_documented.json'));
    c.fake.sendTrade({ px: 64_000, id: 3, side: 'sell' });
    await until(() => c.got.length === 3);
    const [trade, agg] = [JSON.parse(c.got[1]!), JSON.parse(c.got[2]!)] as Record<string, unknown>[];
    expect(keys(trade)).toEqual(keys(fixture('binance_trade_documented.json')));
    expect(trade).toMatchObject({ e: 'trade', s: 'BTCUSDT', t: 3, p: '64000.00000000', m: true });
    expect(keys(agg)).toEqual(keys(fixture('binance_aggTrade_combined.json').data));
    const combined = await client('binance', undefined, '/../stream?streams=btcusdt@trade');
    combined.fake.sendTrade({ px: 64_000, id: 4 });
    await until(() => combined.got.length === 1);
    expect(JSON.parse(combined.got[0]!)).toMatchObject({ stream: 'btcusdt@trade', data: { e: 'trade', t: 4, m: false } });
    const r = await client('binance', { reject: true });
    r.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdx@trade'], id: 5 }));
    await until(() => r.got.length === 1);
    expect(JSON.parse(r.got[0]!)).toMatchObject({ code: 2, id: 5 });
  });
});
