// Goal: the Kraken v2 mapper turns real trade, ack, heartbeat and status frames into the normalized contract and rejects bad input without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { kraken, parseKraken, parseKrakenReference, scanKrakenUpdate } from '../../src/venues/kraken.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV = 1_790_000_000_000;

describe('kraken adapter', () => {
  it('maps a captured trade update exactly through the scanner and the reference parser alike (taker side, numeric price, trade_id as sequence)', () => {
    // The fixture file ends in a newline, which no socket frame carries and the scanner declines: it gets the frame as the socket delivers it.
    const raw = fixture('kraken_v2_trade.json');
    const ref = parseKrakenReference(raw, RECV, 'BTC/USD');
    expect(scanKrakenUpdate(raw.trim(), RECV, 'BTC/USD'), 'the scanner serves this frame').toStrictEqual(ref);
    expect(parseKraken(raw.trim(), RECV, 'BTC/USD')).toStrictEqual(ref);
    expect(parseKraken(raw, RECV, 'BTC/USD')).toStrictEqual(ref);
    expect(ref).toEqual({
      kind: 'trades',
      seqFirst: 109116693,
      seq: 109116693,
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'kraken',
          symbol: 'BTC/USD',
          px: 83744.3,
          qty: 0.0004478,
          side: 'buy',
          trade_id: '109116693',
          ts_exchange_ms: Date.parse('2026-09-25T17:48:26.844Z'),
          ts_unix_ms: RECV,
        },
      ],
    });
  });

  it('reports first and last trade ids of a multi-trade update for the gap check', () => {
    const frame = JSON.parse(fixture('kraken_v2_trade_snapshot_documented.json')) as { type: string };
    frame.type = 'update';
    const r = parseKraken(JSON.stringify(frame), RECV, 'MATIC/USD');
    expect(r.kind === 'trades' && [r.seqFirst, r.seq, r.trades.length]).toEqual([4665846, 4665847, 2]);
  });

  it('ignores a snapshot of historical trades as control', () => {
    expect(parseKraken(fixture('kraken_v2_trade_snapshot_documented.json'), RECV, 'MATIC/USD')).toEqual({
      kind: 'control',
      detail: 'snapshot of 2 historical trades ignored',
    });
  });

  it('acknowledges the captured subscribe reply for our symbol only', () => {
    expect(parseKraken(fixture('kraken_v2_subscribe_ack.json'), RECV, 'BTC/USD')).toEqual({ kind: 'ack', detail: 'trade BTC/USD' });
    expect(parseKraken(fixture('kraken_v2_subscribe_ack.json'), RECV, 'ETH/USD').kind).toBe('control');
  });

  it('surfaces the captured subscription refusal with the venue message', () => {
    expect(parseKraken(fixture('kraken_v2_subscribe_error.json'), RECV, 'XBT/USD')).toEqual({
      kind: 'error',
      message: 'subscribe: Currency pair not supported XBT/USD',
      subscription: true,
    });
  });

  it('handles heartbeat, status and pong as non-trade frames', () => {
    expect(parseKraken(fixture('kraken_v2_heartbeat.json'), RECV, 'BTC/USD')).toEqual({ kind: 'control', detail: 'heartbeat' });
    expect(parseKraken(fixture('kraken_v2_status.json'), RECV, 'BTC/USD')).toEqual({ kind: 'control', detail: 'status: system online' });
    expect(
      parseKraken(
        '{"method":"pong","req_id":1,"time_in":"2026-09-25T17:48:24.745996Z","time_out":"2026-09-25T17:48:24.746032Z"}',
        RECV,
        'BTC/USD',
      ),
    ).toEqual({ kind: 'pong' });
  });

  it('subscribes to trades without a snapshot', () => {
    expect(kraken.subscribe('BTC/USD').map((f) => JSON.parse(f))).toEqual([
      { method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false } },
    ]);
  });

  const trade = JSON.parse(fixture('kraken_v2_trade.json')) as { data: Record<string, unknown>[] };
  const withItem = (patch: Record<string, unknown>) => JSON.stringify({ ...trade, data: [{ ...trade.data[0], ...patch }] });
  const bad: [string, string, RegExp][] = [
    ['malformed JSON', '{"channel":"trade"', /malformed JSON/],
    ['an unknown channel', fixture('kraken_v2_ticker.json'), /unknown channel ticker/],
    ['neither channel nor method', '{"foo":1}', /missing channel and method/],
    ['an unknown method', '{"method":"frobnicate","success":true}', /unknown method/],
    ['empty data', JSON.stringify({ ...trade, data: [] }), /empty data/],
    ['a string price', withItem({ price: '83744.3' }), /bad price/],
    ['a negative price', withItem({ price: -1 }), /bad price/],
    ['a zero qty', withItem({ qty: 0 }), /bad qty/],
    ['a missing side', withItem({ side: undefined }), /bad side/],
    ['a fractional trade_id', withItem({ trade_id: 1.5 }), /bad trade_id/],
    ['a bad timestamp', withItem({ timestamp: 1695628106 }), /bad timestamp/],
    ['another symbol', withItem({ symbol: 'ETH/USD' }), /unexpected symbol/],
    ['an unknown trade type', JSON.stringify({ ...trade, type: 'delta' }), /unknown type delta/],
  ];
  it.each(bad)('rejects %s as invalid with a reason', (_name, frame, reason) => {
    const r = parseKraken(frame, RECV, 'BTC/USD');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });

  it('never throws, whatever the frame', () => {
    const item = fc.record({
      symbol: fc.constantFrom('BTC/USD', 'X'),
      side: fc.anything(),
      price: fc.anything(),
      qty: fc.anything(),
      trade_id: fc.anything(),
      timestamp: fc.anything(),
    });
    const frames = fc.record({
      channel: fc.constantFrom('trade', 'heartbeat', 'status', 'x'),
      type: fc.constantFrom('update', 'snapshot', 'x'),
      data: fc.oneof(fc.array(item), fc.anything()),
      method: fc.constantFrom(undefined, 'subscribe', 'pong'),
      success: fc.anything(),
      result: fc.anything(),
      error: fc.anything(),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          frames.map((o) => JSON.stringify(o)),
        ),
        (frame) => {
          const r = parseKraken(frame, RECV, 'BTC/USD');
          if (r.kind === 'trades') for (const t of r.trades) VenueTradeSchema.parse(t);
        },
      ),
      { numRuns: 500 },
    );
  });
});
