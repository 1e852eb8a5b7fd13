// Goal: the Binance mapper turns real trade/aggTrade events (raw or combined-stream) into contract-exact venue trades with the aggressor side, classifies replies and notices, and rejects bad input without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { binance } from '../../src/venues/binance.ts';
import type { ParseResult } from '../../src/venues/types.ts';

const fixture = (name: string): string => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV_MS = 1_700_000_000_123;
const SYMBOL = 'btcusdt';
const parse = (frame: string, symbol = SYMBOL): ParseResult => binance.parse(frame, RECV_MS, symbol);

function tradesOf(r: ParseResult) {
  if (r.kind !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(r)}`);
  for (const t of r.trades) expect(VenueTradeSchema.safeParse(t).success).toBe(true);
  return r.trades;
}

const GOOD_EVENT = {
  e: 'trade',
  E: 1751132780369,
  s: 'BTCUSDT',
  t: 5052328858,
  p: '107407.88000000',
  q: '0.00024000',
  T: 1751132780368,
  m: true,
  M: true,
};
const eventWith = (ev: Record<string, unknown>): string => JSON.stringify(ev);

describe('binance adapter', () => {
  it('subscribes to the lower-case @trade stream with the documented SUBSCRIBE request and needs no app ping', () => {
    expect(binance.subscribe('BTCUSDT').map((f) => JSON.parse(f))).toEqual([{ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 }]);
    expect(binance.ping).toBeUndefined();
    expect(binance.acksSubscription).toBe(true);
  });

  it('maps the 2025 combined-stream trade capture exactly: buyer was maker, so the seller was the aggressor', () => {
    expect(parse(fixture('binance_trade_2025_capture.json'))).toEqual({
      kind: 'trades',
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'binance',
          symbol: 'BTCUSDT',
          px: 107407.88,
          qty: 0.00024,
          side: 'sell',
          trade_id: '5052328858',
          ts_exchange_ms: 1751132780368,
          ts_unix_ms: RECV_MS,
        },
      ],
    });
  });

  it('maps a raw (unwrapped) trade event, inverting m=false to a buy', () => {
    const [t] = tradesOf(parse(eventWith({ ...GOOD_EVENT, m: false })));
    expect(t).toMatchObject({ side: 'buy', trade_id: '5052328858', ts_exchange_ms: 1751132780368 });
  });

  it('uses the trade id t, not the old buyer/seller order ids, in the 2021 capture', () => {
    const [t] = tradesOf(parse(fixture('binance_trade.json'), 'ethusdt'));
    expect(t).toMatchObject({
      symbol: 'ETHUSDT',
      trade_id: '705291099',
      side: 'sell',
      px: 4149.74,
      qty: 0.4387,
      ts_exchange_ms: 1639351062243,
    });
  });

  it('maps aggTrade events with the aggregate id a and the trade time T', () => {
    const [agg] = tradesOf(parse(fixture('binance_aggTrade_2023.json'), 'ethusdt'));
    expect(agg).toMatchObject({
      symbol: 'ETHUSDT',
      trade_id: '226532',
      side: 'buy',
      px: 1632.46,
      qty: 0.34305,
      ts_exchange_ms: 1675759520847,
    });
    const [doc] = tradesOf(parse(fixture('binance_aggTrade_documented.json'), 'BNBBTC'));
    expect(doc).toMatchObject({ trade_id: '12345', side: 'sell', px: 0.001, qty: 100 });
    expect(tradesOf(parse(fixture('binance_aggTrade_combined.json'), 'nknusdt'))[0]?.side).toBe('buy');
    expect(tradesOf(parse(fixture('binanceus_aggTrade_combined.json'), 'omgbusd'))[0]?.trade_id).toBe('425085');
  });

  it('maps the documented trade event', () => {
    const [t] = tradesOf(parse(fixture('binance_trade_documented.json'), 'bnbbtc'));
    expect(t).toMatchObject({ trade_id: '12345', side: 'sell', ts_exchange_ms: 1672515782136 });
  });

  it('classifies the subscribe reply, errors, server shutdown notices and book tickers', () => {
    expect(parse(fixture('binance_subscribe_response_documented.json'))).toEqual({ kind: 'ack', detail: 'binance request 1 ok' });
    expect(parse('{"error":{"code":2,"msg":"Invalid request: unknown variant SUBSCRIB"},"id":1}')).toEqual({
      kind: 'error',
      message: 'binance error 2: Invalid request: unknown variant SUBSCRIB',
      subscription: true,
    });
    // The docs' error table shows the bare form as well.
    expect(parse('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}')).toMatchObject({
      kind: 'error',
      subscription: true,
    });
    expect(parse(fixture('binance_serverShutdown_combined_documented.json'))).toEqual({
      kind: 'control',
      detail: 'binance serverShutdown announced',
    });
    expect(parse('{"e":"serverShutdown","E":1770123456789}').kind).toBe('control');
    for (const f of ['binance_bookTicker_combined.json', 'binance_bookTicker_documented.json', 'binanceus_bookTicker_combined.json']) {
      expect(parse(fixture(f)).kind, f).toBe('control');
    }
    expect(parse('{"result":["btcusdt@trade"],"id":3}').kind).toBe('control');
  });

  it('rejects REST bodies and our own request echoed back', () => {
    for (const f of ['binance_rest_bookTicker.json', 'binance_rest_ticker_price.json', 'binance_subscribe_request_documented.json']) {
      expect(parse(fixture(f)).kind, f).toBe('invalid');
    }
  });

  const bad: Array<[string, string, RegExp]> = [
    ['garbage text', '{"e":"trade",', /not valid JSON/],
    ['empty object', '{}', /neither an event nor a reply/],
    ['null', 'null', /not a JSON object/],
    ['combined wrapper without data', '{"stream":"btcusdt@trade"}', /data is missing/],
    ['missing price', eventWith({ ...GOOD_EVENT, p: undefined }), /p missing/],
    ['"abc" price', eventWith({ ...GOOD_EVENT, p: 'abc' }), /p "abc"/],
    ['negative quantity', eventWith({ ...GOOD_EVENT, q: '-1.0' }), /q "-1.0"/],
    ['"NaN" price', eventWith({ ...GOOD_EVENT, p: 'NaN' }), /p "NaN"/],
    ['"Infinity" quantity', eventWith({ ...GOOD_EVENT, q: 'Infinity' }), /q "Infinity"/],
    ['huge exponent', eventWith({ ...GOOD_EVENT, p: '1.0e+308000' }), /p "1.0e\+308000"/],
    ['zero price', eventWith({ ...GOOD_EVENT, p: '0.00000000' }), /p "0.00000000"/],
    ['string trade id', eventWith({ ...GOOD_EVENT, t: '5052328858' }), /t "5052328858"/],
    ['negative trade id', eventWith({ ...GOOD_EVENT, t: -1 }), /t -1/],
    ['missing maker flag', eventWith({ ...GOOD_EVENT, m: undefined }), /m is missing/],
    ['missing trade time', eventWith({ ...GOOD_EVENT, T: undefined }), /T missing/],
    ['another symbol', eventWith({ ...GOOD_EVENT, s: 'ETHUSDT' }), /ETHUSDT is not the configured btcusdt/],
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
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => typeof parse(JSON.stringify({ stream: 'x', data: v })).kind === 'string'),
      { numRuns: 100 },
    );
    const field = fc.constantFrom(...Object.keys(GOOD_EVENT));
    fc.assert(
      fc.property(field, fc.jsonValue({ maxDepth: 4 }), (k, v) =>
        ['trades', 'invalid', 'control'].includes(parse(eventWith({ ...GOOD_EVENT, [k]: v })).kind),
      ),
      { numRuns: 100 },
    );
  });
});
