// Goal: the doctor says, per family, which source its rule is read from with the reference socket in use — PolyBolt has only the 60 s TWAP, RTDS everything.
import { describe, expect, it } from 'vitest';
import { formatRuleSources, ruleSources } from '../../src/polymarket/ruleSources.ts';

const ALL = ['5m', '15m', '1h', '4h', '1d'] as const;

describe('rule sources', () => {
  it('with PolyBolt: TWAP markets from price.crypto.twap, the rest from Gamma or the median', () => {
    const rows = ruleSources('polybolt', ALL);
    expect(rows.map((r) => r.families)).toEqual(['5m/15m/4h (TWAP)', '5m/15m/4h (spot)', '1h', '1d']);
    expect(rows[0]!.reads).toContain('PolyBolt price.crypto.twap');
    for (const r of rows.slice(1)) expect(r.reads).toMatch(/none on PolyBolt/);
    for (const r of rows) expect(r.reads).toMatch(/^Gamma eventMetadata\.priceToBeat \/ finalPrice/);
    expect(rows[3]!.rule).toContain('50-50');
  });

  it('with RTDS: every family from its own topic', () => {
    const rows = ruleSources('rtds', ALL);
    expect(rows.map((r) => r.reads.split('; ')[1])).toEqual([
      'RTDS crypto_prices_twap_sixty / _thirty, else Chainlink spot flagged estimated',
      'RTDS crypto_prices_chainlink',
      'RTDS crypto_prices (Binance btcusdt)',
      'RTDS crypto_prices (Binance btcusdt)',
    ]);
  });

  it('lists only the configured families', () => {
    expect(ruleSources('rtds', ['1h']).map((r) => r.families)).toEqual(['1h']);
    expect(formatRuleSources('polybolt', ruleSources('polybolt', ['15m'])).split('\n')[0]).toBe(
      'rule sources (reference socket: polybolt):',
    );
  });
});
