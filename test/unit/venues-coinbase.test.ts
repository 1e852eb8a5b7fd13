// Goal: the Coinbase Exchange mapper turns real `matches`/`heartbeat`/control frames into the normalized contract and rejects everything else without throwing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VenueTradeSchema } from '../../src/core/events.ts';
import { coinbase, parseCoinbase, parseCoinbaseReference, scanCoinbaseMatch } from '../../src/venues/coinbase.ts';
import type { ParseResult } from '../../src/venues/types.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/venues/${name}`, 'utf8');
const RECV = 1_776_000_000_123;

/**
 * A fixture frame through both paths: the reference parser (JSON.parse) and the fast scanner.
 * Fixture files end in a newline, which a socket frame never carries and the scanner
 * declines, so the scanner gets the frame as the socket would deliver it (trimmed). With
 * `scanned` false the scanner must decline (it serves only `match` frames) and the reference decides.
 */
function bothPaths(raw: string, symbol: string, scanned = true): ParseResult {
  const ref = parseCoinbaseReference(raw, RECV, symbol);
  const frame = raw.trim();
  if (scanned) expect(scanCoinbaseMatch(frame, RECV, symbol), 'the scanner serves this frame').toStrictEqual(ref);
  else expect(scanCoinbaseMatch(frame, RECV, symbol)).toBeNull();
  expect(parseCoinbase(frame, RECV, symbol)).toStrictEqual(ref);
  expect(parseCoinbase(raw, RECV, symbol)).toStrictEqual(ref);
  return ref;
}

describe('coinbase adapter', () => {
  it('parses the seed match frame to venue coinbase with px 64001.2', () => {
    const r = parseCoinbase('{"type":"match","price":"64001.2","size":"0.01","time":"2026-02-28T12:00:00Z"}', RECV, 'BTC-USD');
    expect(r.kind).toBe('trades');
    if (r.kind !== 'trades') return;
    const t = r.trades[0]!;
    expect(VenueTradeSchema.parse(t)).toEqual(t);
    expect(t).toMatchObject({
      venue: 'coinbase',
      symbol: 'BTC-USD',
      px: 64001.2,
      qty: 0.01,
      ts_exchange_ms: Date.UTC(2026, 1, 28, 12),
      ts_unix_ms: RECV,
    });
    // The seed frame carries no side: reported as unknown, never guessed.
    expect(t.side).toBe('unknown');
    expect(r.seq).toBeUndefined();
  });

  it('maps a captured match through the scanner and the reference parser alike: maker side inverted to the aggressor, trade_id as sequence, microseconds truncated', () => {
    const r = bothPaths(fixture('coinbase_match.json'), 'SKL-USD');
    expect(r).toEqual({
      kind: 'trades',
      seq: 1568268,
      trades: [
        {
          event_type: 'venue_trade',
          venue: 'coinbase',
          symbol: 'SKL-USD',
          px: 0.791,
          qty: 450,
          side: 'buy',
          trade_id: '1568268',
          ts_exchange_ms: Date.parse('2021-04-17T16:43:37.121Z'),
          ts_unix_ms: RECV,
        },
      ],
    });
  });

  it('maps last_match like a match (it is the latest print before we subscribed); only the reference parser reads it', () => {
    const r = bothPaths(fixture('coinbase_exchange_last_match.json'), 'BAND-GBP', false);
    expect(r.kind === 'trades' && r.trades[0]).toMatchObject({ px: 14.7775, qty: 0.04, side: 'buy', trade_id: '881613' });
  });

  it('reads the heartbeat as control carrying last_trade_id for the gap check', () => {
    expect(bothPaths(fixture('coinbase_exchange_heartbeat_documented.json'), 'BTC-USD', false)).toEqual({
      kind: 'control',
      detail: 'heartbeat',
      seq: 20,
    });
  });

  it('acknowledges only a subscriptions reply that lists matches for our product', () => {
    expect(bothPaths(fixture('coinbase_exchange_subscriptions.json'), 'SKL-USD', false)).toEqual({
      kind: 'ack',
      detail: 'matches SKL-USD',
    });
    const other = parseCoinbase(fixture('coinbase_exchange_subscriptions.json'), RECV, 'BTC-USD');
    expect(other).toMatchObject({ kind: 'error', subscription: true });
  });

  it('surfaces a refused subscription with the venue reason', () => {
    const r = parseCoinbase(
      '{"type":"error","message":"Failed to subscribe","reason":"BTC-USDX is not a valid product"}',
      RECV,
      'BTC-USDX',
    );
    expect(r).toEqual({ kind: 'error', message: 'Failed to subscribe: BTC-USDX is not a valid product', subscription: true });
    expect(parseCoinbase('{"type":"error","message":"ErrSlowConsume"}', RECV, 'BTC-USD')).toMatchObject({
      kind: 'error',
      subscription: false,
    });
  });

  it('subscribes to matches and heartbeat for the configured product', () => {
    expect(coinbase.subscribe('BTC-USD').map((f) => JSON.parse(f))).toEqual([
      { type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches', 'heartbeat'] },
    ]);
    expect(coinbase.acksSubscription).toBe(true);
  });

  const match = JSON.parse(fixture('coinbase_match.json')) as Record<string, unknown>;
  const bad: [string, string, RegExp][] = [
    ['malformed JSON', '{"type":"match",', /malformed JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['an unknown type', JSON.stringify({ ...match, type: 'ticker' }), /unknown type ticker/],
    ['no type', '{"price":"1"}', /missing type/],
    ['a missing price', JSON.stringify({ ...match, price: undefined }), /bad price/],
    ['a non-numeric price', JSON.stringify({ ...match, price: 'abc' }), /bad price/],
    ['a numeric (not string) price', JSON.stringify({ ...match, price: 64000 }), /bad price/],
    ['a zero price', JSON.stringify({ ...match, price: '0' }), /bad price/],
    ['a negative price', JSON.stringify({ ...match, price: '-1.5' }), /bad price/],
    ['a zero size', JSON.stringify({ ...match, size: '0.0' }), /bad size/],
    ['a bad time', JSON.stringify({ ...match, time: 'yesterday' }), /bad time/],
    ['another product', JSON.stringify(match), /unexpected product/],
    ['a bad side', JSON.stringify({ ...match, product_id: 'BTC-USD', side: 'long' }), /bad side/],
    ['a string trade_id', JSON.stringify({ ...match, product_id: 'BTC-USD', trade_id: '12' }), /bad trade_id/],
    ['a heartbeat for another product', fixture('coinbase_exchange_heartbeat_documented.json'), /unexpected product/],
  ];
  it.each(bad)('rejects %s as invalid with a reason', (_name, frame, reason) => {
    const r = parseCoinbase(frame, RECV, _name === 'a heartbeat for another product' ? 'ETH-USD' : 'BTC-USD');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });

  it('never throws, whatever the frame', () => {
    const fields = fc.record(
      {
        type: fc.constantFrom('match', 'last_match', 'heartbeat', 'subscriptions', 'error', 'x'),
        price: fc.anything(),
        size: fc.anything(),
        time: fc.anything(),
        side: fc.anything(),
        trade_id: fc.anything(),
        product_id: fc.constantFrom('BTC-USD', 'ETH-USD', undefined),
        channels: fc.anything(),
        message: fc.anything(),
        last_trade_id: fc.anything(),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fields.map((o) => JSON.stringify(o)),
        ),
        (frame) => {
          const r = parseCoinbase(frame, RECV, 'BTC-USD');
          if (r.kind === 'trades') for (const t of r.trades) VenueTradeSchema.parse(t);
        },
      ),
      { numRuns: 500 },
    );
  });
});
