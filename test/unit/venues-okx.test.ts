// Goal: the OKX mapper turns real `trades` frames into contract-exact venue trades, classifies every control frame, and rejects bad input without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { okx } from '../../src/venues/okx.ts';
import type { ParseResult } from '../../src/venues/types.ts';

const fixture = (name: string): string => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV_MS = 1_700_000_000_123;
const SYMBOL = 'BTC-USDT';
const parse = (frame: string, symbol = SYMBOL): ParseResult => okx.parse(frame, RECV_MS, symbol);

function tradesOf(r: ParseResult) {
  if (r.kind !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(r)}`);
  for (const t of r.trades) expect(VenueTradeSchema.safeParse(t).success).toBe(true);
  return r.trades;
}

const GOOD_ITEM = { instId: 'BTC-USDT', tradeId: '338476307', px: '30236', sz: '0.0002', side: 'buy', ts: '1652459224818' };
const frameWith = (item: Record<string, unknown>): string =>
  JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: [item] });

describe('okx adapter', () => {
  it('subscribes to the trades channel of the configured instrument and pings with bare text', () => {
    expect(okx.subscribe('BTC-USDT').map((f) => JSON.parse(f))).toEqual([
      { op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] },
    ]);
    expect(okx.ping?.frame()).toBe('ping');
    expect(okx.ping?.intervalMs).toBeLessThan(30_000);
    expect(okx.acksSubscription).toBe(true);
  });

  it('maps the captured BTC-USDT trade frame exactly', () => {
    expect(parse(fixture('okx_trades.json'))).toEqual({
      kind: 'trades',
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'okx',
          symbol: 'BTC-USDT',
          px: 30236,
          qty: 0.0002,
          side: 'buy',
          trade_id: '338476307',
          ts_exchange_ms: 1652459224818,
          ts_unix_ms: RECV_MS,
        },
      ],
    });
  });

  it('keeps the taker side, the fill time and the string id from the documented frame (count ignored)', () => {
    const [t] = tradesOf(parse(fixture('okx_trades_documented.json'), 'BTC-USD'));
    expect(t).toMatchObject({
      symbol: 'BTC-USD',
      side: 'buy',
      trade_id: '130639474',
      px: 42219.9,
      qty: 0.12060306,
      ts_exchange_ms: 1630048897897,
    });
  });

  it('maps every trade of a multi-trade frame, in order, with sell sides kept as sell', () => {
    // The REST trades response carries the same item shape as the socket; wrap it as a push frame.
    const rest = JSON.parse(fixture('okx_rest_trades.json')) as { data: unknown[] };
    const trades = tradesOf(parse(JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: rest.data })));
    expect(trades.map((t) => [t.trade_id, t.side, t.px, t.qty, t.ts_exchange_ms])).toEqual([
      ['734864333', 'sell', 102537.9, 0.00013669, 1747087163557],
      ['734864332', 'buy', 102537.9, 0.0000125, 1747087161666],
    ]);
  });

  it('classifies acks, errors, notices, pongs and other channels', () => {
    expect(parse(fixture('okx_subscribe_ack.json'))).toEqual({ kind: 'ack', detail: 'okx subscribed trades BTC-USDT' });
    expect(parse('pong')).toEqual({ kind: 'pong' });
    expect(parse(fixture('okx_tickers_2022.json')).kind).toBe('control');
    expect(parse(fixture('okx_tickers_documented.json')).kind).toBe('control');
    // Error and notice shapes from the OKX v5 docs ("WebSocket → Overview", error codes 60012 / 64008).
    expect(parse('{"event":"error","code":"60012","msg":"Invalid request: {\\"op\\": \\"subscribe\\"}","connId":"a4d3ae55"}')).toEqual({
      kind: 'error',
      message: 'okx error 60012: Invalid request: {"op": "subscribe"}',
      subscription: true,
    });
    expect(
      parse('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}').kind,
    ).toBe('control');
    expect(parse('{"event":"unsubscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"}').kind).toBe('control');
  });

  it('rejects the REST envelope, which is not a push frame', () => {
    expect(parse(fixture('okx_rest_trades.json')).kind).toBe('invalid');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['garbage text', 'not json at all', /not valid JSON/],
    ['empty object', '{}', /neither event nor arg/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['unknown event', '{"event":"mystery"}', /unknown event/],
    ['empty data', '{"arg":{"channel":"trades"},"data":[]}', /non-empty array/],
    ['missing px', frameWith({ ...GOOD_ITEM, px: undefined }), /px missing/],
    ['"abc" price', frameWith({ ...GOOD_ITEM, px: 'abc' }), /px "abc"/],
    ['negative price', frameWith({ ...GOOD_ITEM, px: '-30236' }), /px "-30236"/],
    ['zero size', frameWith({ ...GOOD_ITEM, sz: '0' }), /sz "0"/],
    ['"NaN" price', frameWith({ ...GOOD_ITEM, px: 'NaN' }), /px "NaN"/],
    ['"Infinity" size', frameWith({ ...GOOD_ITEM, sz: 'Infinity' }), /sz "Infinity"/],
    ['huge exponent', frameWith({ ...GOOD_ITEM, px: '1e400' }), /px "1e400"/],
    ['huge digit string', frameWith({ ...GOOD_ITEM, px: '9'.repeat(400) }), /px/],
    ['hex price', frameWith({ ...GOOD_ITEM, px: '0x10' }), /px "0x10"/],
    ['numeric (not string) price', frameWith({ ...GOOD_ITEM, px: 30236 }), /px 30236/],
    ['unknown side', frameWith({ ...GOOD_ITEM, side: 'Buy' }), /side is "Buy"/],
    ['missing tradeId', frameWith({ ...GOOD_ITEM, tradeId: undefined }), /tradeId is missing/],
    ['non-numeric ts', frameWith({ ...GOOD_ITEM, ts: '2022-05-13' }), /ts "2022-05-13"/],
    ['another instrument', frameWith({ ...GOOD_ITEM, instId: 'ETH-USDT' }), /ETH-USDT is not the configured BTC-USDT/],
  ];
  it.each(bad)('rejects %s as invalid, naming the problem', (_name, frame, reason) => {
    const r = parse(frame);
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expect(r.reason).toMatch(reason);
  });

  it('rejects the whole frame when one of several trades is bad', () => {
    const frame = JSON.stringify({ arg: { channel: 'trades' }, data: [GOOD_ITEM, { ...GOOD_ITEM, px: 'abc' }] });
    expect(parse(frame)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/trade 1/) });
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
    // Arbitrary values in every field of an otherwise good trade: trades or invalid, never a throw.
    const field = fc.constantFrom(...Object.keys(GOOD_ITEM));
    fc.assert(
      fc.property(field, fc.jsonValue({ maxDepth: 4 }), (k, v) =>
        ['trades', 'invalid'].includes(parse(frameWith({ ...GOOD_ITEM, [k]: v })).kind),
      ),
      { numRuns: 100 },
    );
  });

  it('reads any plain decimal price and size as exactly the number it spells', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 8 }))
      .map(([m, k]) => (m / 10 ** k).toFixed(k));
    fc.assert(
      fc.property(decimal, decimal, (px, sz) => {
        const [t] = tradesOf(parse(frameWith({ ...GOOD_ITEM, px, sz })));
        return t?.px === Number(px) && t.qty === Number(sz);
      }),
      { numRuns: 300 },
    );
  });
});
