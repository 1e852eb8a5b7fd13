// Goal: the Bybit mapper turns real `publicTrade` frames into contract-exact venue trades (taker side, fill time, seq), classifies every reply, and rejects bad input without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { bybit } from '../../src/venues/bybit.ts';
import type { ParseResult } from '../../src/venues/types.ts';

const fixture = (name: string): string => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV_MS = 1_700_000_000_123;
const SYMBOL = 'BTCUSDT';
const parse = (frame: string, symbol = SYMBOL): ParseResult => bybit.parse(frame, RECV_MS, symbol);

function tradesOf(r: ParseResult) {
  if (r.kind !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(r)}`);
  for (const t of r.trades) expect(VenueTradeSchema.safeParse(t).success).toBe(true);
  return r.trades;
}

const GOOD_ITEM = {
  T: 1672304486865,
  s: 'BTCUSDT',
  S: 'Buy',
  v: '0.001',
  p: '16578.50',
  L: 'PlusTick',
  i: '20f43950-d8dd-5b31-9112-a178eb6023af',
  BT: false,
  seq: 1783284617,
};
const frameWith = (...items: Array<Record<string, unknown>>): string =>
  JSON.stringify({ topic: 'publicTrade.BTCUSDT', type: 'snapshot', ts: 1672304486868, data: items });

describe('bybit adapter', () => {
  it('subscribes to publicTrade of the configured symbol and pings with {"op":"ping"} every 20 s', () => {
    expect(bybit.subscribe('BTCUSDT').map((f) => JSON.parse(f))).toEqual([{ op: 'subscribe', args: ['publicTrade.BTCUSDT'] }]);
    expect(JSON.parse(bybit.ping?.frame() ?? 'null')).toEqual({ op: 'ping' });
    expect(bybit.ping?.intervalMs).toBe(20_000);
    expect(bybit.acksSubscription).toBe(true);
  });

  it('maps the documented trade frame exactly, with the trade-level seq as the frame seq', () => {
    expect(parse(fixture('bybit_v5_publicTrade_documented.json'))).toEqual({
      kind: 'trades',
      seq: 1783284617,
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'bybit',
          symbol: 'BTCUSDT',
          px: 16578.5,
          qty: 0.001,
          side: 'buy',
          trade_id: '20f43950-d8dd-5b31-9112-a178eb6023af',
          ts_exchange_ms: 1672304486865,
          ts_unix_ms: RECV_MS,
        },
      ],
    });
  });

  it('maps all four taker sells of the captured multi-trade frame, using the fill time T, not the push time ts', () => {
    const r = parse(fixture('bybit_publicTrade.json'));
    const trades = tradesOf(r);
    expect(trades.map((t) => [t.trade_id, t.side, t.px, t.qty, t.ts_exchange_ms])).toEqual([
      ['2290000000050703789', 'sell', 28165.38, 0.041732, 1680652847524],
      ['2290000000050703790', 'sell', 28165.38, 0.008513, 1680652847524],
      ['2290000000050703791', 'sell', 28165.38, 0.042384, 1680652847524],
      ['2290000000050703792', 'sell', 28165.38, 0.055371, 1680652847524],
    ]);
    // This 2023 capture predates `seq`: none is invented.
    expect(r).not.toHaveProperty('seq');
  });

  it('reports the highest seq of a frame whose trades carry one each', () => {
    const r = parse(frameWith({ ...GOOD_ITEM, seq: 10 }, { ...GOOD_ITEM, i: 'x2', seq: 12 }, { ...GOOD_ITEM, i: 'x3', seq: 11 }));
    expect(r).toMatchObject({ kind: 'trades', seq: 12 });
  });

  it('maps the BTCUSDC capture when that is the configured pair', () => {
    const [t] = tradesOf(parse(fixture('bybit_v5_spot_publicTrade_BTCUSDC.json'), 'BTCUSDC'));
    expect(t).toMatchObject({
      symbol: 'BTCUSDC',
      side: 'buy',
      trade_id: '2240000000041223438',
      px: 28528.98,
      qty: 0.00433,
      ts_exchange_ms: 1680688979998,
    });
  });

  it('classifies pongs, acks, refusals and other topics', () => {
    expect(parse(fixture('bybit_v5_pong_spot_documented.json'))).toEqual({ kind: 'pong' });
    expect(parse(fixture('bybit_v5_pong_linear_documented.json'))).toEqual({ kind: 'pong' });
    expect(parse('{"req_id":"1","op":"pong","args":["1675418560633"],"conn_id":"cfcb4ocsvfriu23r3er0-1b"}')).toEqual({ kind: 'pong' });
    // Ack shape from bybit-docs wss-authentication.mdx ("How to Subscribe to Topics").
    expect(
      parse('{"success":true,"ret_msg":"","conn_id":"2324d924-aa4d-45b0-a858-7b8be29ab52b","req_id":"10001","op":"subscribe"}'),
    ).toEqual({ kind: 'ack', detail: 'bybit subscribed' });
    expect(parse(fixture('bybit_v5_subscribe_failure_fixture.json'))).toEqual({
      kind: 'error',
      message: 'bybit subscribe failed: Invalid topic: invalid.topic.BTCUSDT',
      subscription: true,
    });
    for (const f of [
      'bybit_v5_spot_orderbook1_snapshot.json',
      'bybit_v5_spot_orderbook1_delta.json',
      'bybit_v5_spot_tickers_documented.json',
    ]) {
      expect(parse(fixture(f)).kind, f).toBe('control');
    }
  });

  it('rejects our own outgoing requests echoed back, which carry no success flag', () => {
    expect(parse(fixture('bybit_v5_ping_request_documented.json')).kind).toBe('invalid');
    expect(parse(fixture('bybit_v5_subscribe_request_documented.json')).kind).toBe('invalid');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['garbage text', 'garbage', /not valid JSON/],
    ['empty object', '{}', /neither topic nor op/],
    ['a bare number', '42', /not a JSON object/],
    ['unknown reply', '{"op":"mystery"}', /without success flag/],
    ['data not an array', JSON.stringify({ topic: 'publicTrade.BTCUSDT', data: GOOD_ITEM }), /non-empty array/],
    ['missing price', frameWith({ ...GOOD_ITEM, p: undefined }), /p missing/],
    ['"abc" price', frameWith({ ...GOOD_ITEM, p: 'abc' }), /p "abc"/],
    ['negative size', frameWith({ ...GOOD_ITEM, v: '-0.001' }), /v "-0.001"/],
    ['"NaN" price', frameWith({ ...GOOD_ITEM, p: 'NaN' }), /p "NaN"/],
    ['"Infinity" price', frameWith({ ...GOOD_ITEM, p: 'Infinity' }), /p "Infinity"/],
    ['huge exponent', frameWith({ ...GOOD_ITEM, v: '1e999' }), /v "1e999"/],
    ['lower-case side', frameWith({ ...GOOD_ITEM, S: 'buy' }), /S is "buy"/],
    ['fractional fill time', frameWith({ ...GOOD_ITEM, T: 1.5 }), /T 1.5/],
    ['string fill time', frameWith({ ...GOOD_ITEM, T: '1672304486865' }), /T "1672304486865"/],
    ['negative seq', frameWith({ ...GOOD_ITEM, seq: -1 }), /seq -1/],
    ['missing trade id', frameWith({ ...GOOD_ITEM, i: undefined }), /i is missing/],
    ['another symbol', frameWith({ ...GOOD_ITEM, s: 'ETHUSDT' }), /ETHUSDT is not the configured BTCUSDT/],
  ];
  it.each(bad)('rejects %s as invalid, naming the problem', (_name, frame, reason) => {
    const r = parse(frame);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.reason).toMatch(reason);
  });

  it('never throws on arbitrary strings or arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => typeof parse(s).kind === 'string'),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => typeof parse(JSON.stringify(v)).kind === 'string'),
      { numRuns: 100 },
    );
    const field = fc.constantFrom(...Object.keys(GOOD_ITEM));
    fc.assert(
      fc.property(field, fc.jsonValue({ maxDepth: 4 }), (k, v) =>
        ['trades', 'invalid'].includes(parse(frameWith({ ...GOOD_ITEM, [k]: v })).kind),
      ),
      { numRuns: 100 },
    );
  });
});
