// Goal: the Bitstamp v2 mapper turns real live_trades and control frames into the normalized contract (including the reconnect request) and rejects bad input without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { bitstamp, parseBitstamp } from '../../src/venues/bitstamp.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV = 1_700_000_000_000;

describe('bitstamp adapter', () => {
  it('maps a captured trade exactly (type 0 = buy aggressor, microtimestamp to ms)', () => {
    expect(parseBitstamp(fixture('bitstamp_trade.json'), RECV, 'ethusd')).toEqual({
      kind: 'trades',
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'bitstamp',
          symbol: 'ethusd',
          px: 3805.44,
          qty: 0.0792,
          side: 'buy',
          trade_id: '216000477',
          ts_exchange_ms: 1641343699596,
          ts_unix_ms: RECV,
        },
      ],
    });
  });

  it('maps type 1 to a sell aggressor', () => {
    const f = JSON.parse(fixture('bitstamp_trade.json')) as { data: Record<string, unknown> };
    f.data.type = 1;
    const r = parseBitstamp(JSON.stringify(f), RECV, 'ethusd');
    expect(r.kind === 'trades' && r.trades[0]!.side).toBe('sell');
  });

  it('acknowledges the captured subscription_succeeded for our channel only', () => {
    expect(parseBitstamp(fixture('bitstamp_subscription_succeeded.json'), RECV, 'sgbeur')).toEqual({
      kind: 'ack',
      detail: 'live_trades_sgbeur',
    });
    expect(parseBitstamp(fixture('bitstamp_subscription_succeeded.json'), RECV, 'btcusd').kind).toBe('control');
  });

  it('turns bts:request_reconnect into a control that asks for a reconnect', () => {
    expect(parseBitstamp('{"event":"bts:request_reconnect","channel":"","data":""}', RECV, 'btcusd')).toEqual({
      kind: 'control',
      detail: 'bts:request_reconnect',
      reconnect: true,
    });
  });

  it('reads the heartbeat reply as a pong and sends heartbeats as its ping', () => {
    expect(parseBitstamp('{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}', RECV, 'btcusd')).toEqual({ kind: 'pong' });
    expect(JSON.parse(bitstamp.ping!.frame())).toEqual({ event: 'bts:heartbeat' });
  });

  it('surfaces a subscription error and reports other venue errors without refusing', () => {
    expect(
      parseBitstamp('{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}', RECV, 'btcusd'),
    ).toEqual({ kind: 'error', message: 'Bad subscription string.', subscription: true });
    expect(
      parseBitstamp('{"event":"bts:error","channel":"","data":{"code":4009,"message":"Incorrect JSON format."}}', RECV, 'btcusd'),
    ).toEqual({ kind: 'error', message: 'Incorrect JSON format. (code 4009)', subscription: false });
  });

  it('subscribes with the captured request shape', () => {
    expect(bitstamp.subscribe('sgbeur')).toEqual([fixture('bitstamp_subscribe_request.json').trim()]);
  });

  const trade = JSON.parse(fixture('bitstamp_trade.json')) as { data: Record<string, unknown> };
  const withData = (patch: Record<string, unknown>) => JSON.stringify({ ...trade, data: { ...trade.data, ...patch } });
  const bad: [string, string, RegExp][] = [
    ['malformed JSON', 'not json', /malformed JSON/],
    ['an unknown event', '{"event":"order_created","channel":"live_orders_ethusd","data":{}}', /unknown event order_created/],
    ['no event', '{"channel":"live_trades_ethusd"}', /missing event/],
    ['another channel', JSON.stringify({ ...trade, channel: 'live_trades_btcusd' }), /unexpected channel/],
    ['missing data', JSON.stringify({ ...trade, data: null }), /missing data/],
    ['a string price', withData({ price: '3805.44' }), /bad price/],
    ['a zero price', withData({ price: 0 }), /bad price/],
    ['a NaN-like amount', withData({ amount: 'NaN' }), /bad amount/],
    ['a missing id', withData({ id: undefined }), /bad id/],
    ['an unknown type', withData({ type: 2 }), /bad type/],
    ['no usable timestamp', withData({ microtimestamp: 'soon', timestamp: undefined }), /bad timestamp/],
  ];
  it.each(bad)('rejects %s as invalid with a reason', (_name, frame, reason) => {
    const r = parseBitstamp(frame, RECV, 'ethusd');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });

  it('falls back to the seconds timestamp when microtimestamp is absent', () => {
    const r = parseBitstamp(withData({ microtimestamp: undefined }), RECV, 'ethusd');
    expect(r.kind === 'trades' && r.trades[0]!.ts_exchange_ms).toBe(1641343699000);
  });

  it('reads microtimestamps of every length up to 17 digits, past the 16-digit fast path too', () => {
    const ts = (us: string) => {
      const r = parseBitstamp(withData({ microtimestamp: us }), RECV, 'ethusd');
      return r.kind === 'trades' ? r.trades[0]!.ts_exchange_ms : r;
    };
    expect(ts('1641343699596999')).toBe(1641343699596);
    expect(ts('9999999999999999')).toBe(Math.floor(Number('9999999999999999') / 1000));
    expect(ts('10000000000000000')).toBe(1e13);
    // An unreadable microtimestamp falls back to the seconds field, as before.
    expect(ts('164134369959600000')).toBe(1641343699000);
    expect(ts('+1641343699596000')).toBe(1641343699000);
  });

  it('never throws, whatever the frame', () => {
    const data = fc.record({
      id: fc.anything(),
      price: fc.anything(),
      amount: fc.anything(),
      type: fc.anything(),
      microtimestamp: fc.anything(),
      timestamp: fc.anything(),
    });
    const frames = fc.record({
      event: fc.constantFrom('trade', 'bts:error', 'bts:heartbeat', 'bts:subscription_succeeded', 'bts:request_reconnect', 'x'),
      channel: fc.constantFrom('live_trades_btcusd', '', 'x'),
      data: fc.oneof(data, fc.anything()),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          frames.map((o) => JSON.stringify(o)),
        ),
        (frame) => {
          const r = parseBitstamp(frame, RECV, 'btcusd');
          if (r.kind === 'trades') for (const t of r.trades) VenueTradeSchema.parse(t);
        },
      ),
      { numRuns: 500 },
    );
  });
});
