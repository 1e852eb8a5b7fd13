// Goal: the real-time data socket parser turns real Chainlink and Binance frames (updates and subscribe snapshots) into reference_price inputs, ignores other symbols and counts bad frames.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRtdsFrame, RTDS_BINANCE_SUBSCRIBE, RTDS_CHAINLINK_SUBSCRIBE } from '../../src/polymarket/rtds.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');

describe('parseRtdsFrame', () => {
  it('maps a live Chainlink BTC/USD update to a chainlink reference price with exchange and receive times', () => {
    expect(parseRtdsFrame(fx('rtds_chainlink_update_live.json'), 1785150687000)).toEqual({
      kind: 'prices',
      prices: [
        {
          event_type: 'reference_price',
          source: 'chainlink',
          symbol: 'BTC/USD',
          px: 65245.09165178642,
          ts_exchange_ms: 1785150685000,
          ts_unix_ms: 1785150687000,
        },
      ],
    });
  });

  it('maps a Binance btcusdt update and the subscribe snapshot (oldest first)', () => {
    const upd = parseRtdsFrame(fx('rtds_crypto_prices_update.json'), 5);
    expect(upd).toMatchObject({
      kind: 'prices',
      prices: [{ source: 'binance', symbol: 'BTCUSDT', px: 61035.86, ts_exchange_ms: 1780730269000 }],
    });
    const snap = parseRtdsFrame(fx('rtds_crypto_prices_subscribe_snapshot.json'), 5);
    expect(snap.kind === 'prices' && snap.prices.map((p) => [p.ts_exchange_ms, p.px])).toEqual([
      [1780726209000, 61164.12],
      [1780726210000, 61161.07],
      [1780726211000, 61150.89],
    ]);
    const chain = parseRtdsFrame(fx('rtds_chainlink_snapshot_test.json'), 5);
    expect(chain.kind === 'prices' && chain.prices.map((p) => p.source)).toEqual(['chainlink', 'chainlink']);
  });

  it('ignores other symbols, treats non-JSON as text and counts malformed frames as invalid', () => {
    expect(parseRtdsFrame(fx('rtds_crypto_prices_update.json').replace('btcusdt', 'ethusdt'), 1)).toEqual({
      kind: 'ignored',
      detail: 'symbol ethusdt',
    });
    expect(parseRtdsFrame('{"topic":"comments","type":"x","payload":{"symbol":"a","timestamp":1,"value":1}}', 1)).toMatchObject({
      kind: 'ignored',
    });
    expect(parseRtdsFrame('PONG', 1)).toEqual({ kind: 'text', text: 'PONG' });
    expect(parseRtdsFrame('{"topic":', 1)).toEqual({ kind: 'invalid', reason: 'bad JSON' });
    expect(parseRtdsFrame(fx('rtds_crypto_prices_update.json').replace('61035.86,', '-1,'), 1)).toMatchObject({ kind: 'invalid' });
  });

  it('subscribes to Chainlink BTC/USD exactly as documented and to Binance prices without a server filter', () => {
    expect(JSON.parse(RTDS_CHAINLINK_SUBSCRIBE)).toEqual(JSON.parse(fx('rtds_subscribe_chainlink_btc.json')));
    const doc = JSON.parse(fx('rtds_subscribe_binance_btc.json')) as { subscriptions: { filters?: string }[] };
    delete doc.subscriptions[0]!.filters;
    expect(JSON.parse(RTDS_BINANCE_SUBSCRIBE)).toEqual(doc);
  });
});
