// Goal: the PolyBolt parser turns the documented and captured frames into prices (exact decimals, the right source), acks and errors, and ignores what we do not use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolyBoltFrame, polyboltSubscribeFrame } from '../../src/polymarket/wire/polyboltMessages.ts';

const raw = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const RECV = 1_788_886_177_400;

describe('PolyBolt frames', () => {
  it('reads a TWAP snapshot into chainlink_twap60 prints from the exact decimals', () => {
    const m = parsePolyBoltFrame(raw('polybolt_twap_snapshot_btcusd.json'), RECV);
    expect(m).toMatchObject({ kind: 'prices', channel: 'price.crypto.twap', seq: 1, snapshot: true, dropped: 0, bad: 0 });
    expect(m.kind === 'prices' && m.prices).toEqual([
      {
        event_type: 'reference_price',
        source: 'chainlink_twap60',
        symbol: 'btc/usd',
        px: Number('78788.525642908795142144'),
        ts_exchange_ms: 1788886057000,
        ts_unix_ms: RECV,
      },
      {
        event_type: 'reference_price',
        source: 'chainlink_twap60',
        symbol: 'btc/usd',
        px: Number('78788.786579938813673472'),
        ts_exchange_ms: 1788886058000,
        ts_unix_ms: RECV,
      },
    ]);
  });

  it('reads live updates: the TWAP, and the spot as pyth (PolyBolt spot is Pyth, not Chainlink)', () => {
    expect(parsePolyBoltFrame(raw('polybolt_twap_update_btcusd.json'), RECV)).toMatchObject({
      kind: 'prices',
      seq: 3,
      snapshot: false,
      prices: [{ source: 'chainlink_twap60', px: 78803.7152610941, ts_exchange_ms: 1788886177000 }],
    });
    expect(parsePolyBoltFrame(raw('polybolt_crypto_update_btcusd_pyth.json'), RECV)).toMatchObject({
      kind: 'prices',
      prices: [{ source: 'pyth', px: 78794.15450441 }],
    });
    const chainlink = JSON.parse(raw('polybolt_crypto_update_btcusd_pyth.json')) as { payload: Record<string, unknown> };
    chainlink.payload.source = 'chainlink';
    expect(parsePolyBoltFrame(JSON.stringify(chainlink), RECV)).toMatchObject({ prices: [{ source: 'chainlink' }] });
  });

  it('carries the dropped count and ignores other windows and symbols', () => {
    const o = JSON.parse(raw('polybolt_twap_update_btcusd.json')) as Record<string, unknown> & { payload: Record<string, unknown> };
    expect(parsePolyBoltFrame(JSON.stringify({ ...o, dropped: 3 }), RECV)).toMatchObject({ kind: 'prices', dropped: 3 });
    expect(parsePolyBoltFrame(JSON.stringify({ ...o, payload: { ...o.payload, window_seconds: 30 } }), RECV)).toMatchObject({
      kind: 'ignored',
    });
    expect(parsePolyBoltFrame(JSON.stringify({ ...o, payload: { ...o.payload, symbol: 'ethusd' } }), RECV)).toMatchObject({
      kind: 'ignored',
    });
  });

  it('reads acknowledgements and errors, marking the ones followed by close 4008', () => {
    const acks = (JSON.parse(raw('polybolt_acks.json')) as object[]).map((a) => parsePolyBoltFrame(JSON.stringify(a), RECV));
    expect(acks).toEqual([
      { kind: 'ack', op: 'authed', channel: null },
      { kind: 'ack', op: 'subscribed', channel: 'price.crypto.twap' },
      { kind: 'error', code: 'auth_required', channel: 'price.crypto', closes: false },
      { kind: 'error', code: 'sub_limit', channel: null, closes: true },
      { kind: 'ack', op: 'pong', channel: null },
    ]);
  });

  it('counts unusable points and refuses malformed envelopes without throwing', () => {
    const o = JSON.parse(raw('polybolt_twap_snapshot_btcusd.json')) as { payload: { data: unknown[] } };
    o.payload.data.push({ timestamp: 'later', value: 1 }, { timestamp: 1, value: -5 });
    expect(parsePolyBoltFrame(JSON.stringify(o), RECV)).toMatchObject({ kind: 'prices', bad: 2 });
    expect(parsePolyBoltFrame('{"v":2,"channel":"price.crypto"}', RECV)).toMatchObject({ kind: 'invalid' });
    expect(parsePolyBoltFrame('not json', RECV)).toMatchObject({ kind: 'invalid' });
  });

  it('subscribes to the 60 s TWAP and the spot of btcusd in one batch', () => {
    expect(JSON.parse(polyboltSubscribeFrame())).toEqual({
      op: 'subscribe',
      rid: 's1',
      subscriptions: [
        { channel: 'price.crypto.twap', filter: { symbol: 'btcusd', window_seconds: 60 } },
        { channel: 'price.crypto', filter: { symbol: 'btcusd' } },
      ],
    });
  });
});
