// Goal: a raw replay re-parses captured PolyBolt frames into the reference prints the live feed emitted — snapshot and live, each print once per source.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawReparser } from '../../src/capture/reparse.ts';

const raw = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');

describe('raw re-parse of PolyBolt frames', () => {
  it('turns snapshot and live frames into reference prints, skipping a repeated snapshot', () => {
    const r = new RawReparser(() => 'BTC-USD');
    const at = (name: string, ts: number) => [...r.frame({ raw: 'polybolt', ts, data: raw(name) })];
    const snapshot = at('polybolt_twap_snapshot_btcusd.json', 1_788_886_175_100);
    expect(snapshot.map((e) => e.event_type === 'reference_price' && [e.source, e.ts_exchange_ms, e.ts_unix_ms])).toEqual([
      ['chainlink_twap60', 1_788_886_057_000, 1_788_886_175_100],
      ['chainlink_twap60', 1_788_886_058_000, 1_788_886_175_100],
    ]);
    // The snapshot again after a reconnect: nothing new.
    expect(at('polybolt_twap_snapshot_btcusd.json', 1_788_886_176_000)).toEqual([]);
    expect(at('polybolt_twap_update_btcusd.json', 1_788_886_177_100)).toMatchObject([{ source: 'chainlink_twap60', px: 78803.7152610941 }]);
    expect(at('polybolt_crypto_update_btcusd_pyth.json', 1_788_886_177_200)).toMatchObject([{ source: 'pyth' }]);
    expect(r.replaces({ event_type: 'reference_price', source: 'pyth', symbol: 'btc/usd', px: 1, ts_exchange_ms: 1, ts_unix_ms: 1 })).toBe(
      true,
    );
  });
});
