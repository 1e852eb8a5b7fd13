// Goal: Gamma's optional fields are read tolerantly — numbers sent as numeric strings are accepted, and a malformed optional field is dropped (and reported) instead of losing the whole market or event — while a malformed required field still rejects the market.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapEvents, mapGammaMarket } from '../../src/polymarket/discovery.ts';
import { dropMalformed, OPTIONAL_MARKET_FIELDS } from '../../src/polymarket/wire/gammaSchemas.ts';
import { gammaEvent } from '../integration/gammaFake.ts';

type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Json;
const TWAP = load('gamma_market_btc_updown_5m_twap_feeSchedule.json');

describe('tolerant Gamma fields', () => {
  it('accepts fee rate and exponent, tick, minimum size and TWAP lookback as numeric strings', () => {
    const raw = {
      ...TWAP,
      feeSchedule: { rate: '0.07', exponent: '1', takerOnly: true },
      orderPriceMinTickSize: '0.01',
      orderMinSize: '5',
      cryptoMarketConfig: { twapEnabled: true, twapLookbackSeconds: '30' },
    };
    const r = mapGammaMarket(raw);
    expect(r).toMatchObject({ kind: 'market', dropped: [] });
    expect(r.kind === 'market' && r.market).toMatchObject({
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      tick_size: 0.01,
      min_size: 5,
      resolution: { lookback_s: 30 },
    });
  });

  it('drops a malformed fee schedule and falls back to the fee type, keeping the market and saying what it dropped', () => {
    const r = mapGammaMarket({ ...TWAP, feeSchedule: { rate: 'seven percent', exponent: 1, takerOnly: true }, feeType: 'crypto_fees' });
    expect(r).toMatchObject({ kind: 'market', dropped: ['btc-updown-5m-1787414400: feeSchedule'] });
    expect(r.kind === 'market' && r.market.fee).toEqual({ rate: 0.07, exponent: 1, taker_only: true });
  });

  it('drops a malformed crypto config and still reads the TWAP rule from the resolution source', () => {
    const r = mapGammaMarket({ ...TWAP, cryptoMarketConfig: 'garbage' });
    expect(r).toMatchObject({ kind: 'market', dropped: ['btc-updown-5m-1787414400: cryptoMarketConfig'] });
    expect(r.kind === 'market' && r.market.resolution).toEqual({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 });
  });

  it('takes a price to beat sent as a numeric string, and drops a malformed one without losing the event', () => {
    const start = Date.parse('2026-11-25T12:00:00Z');
    const ok = mapEvents([gammaEvent('15m', start, { event: { eventMetadata: { priceToBeat: '72151.5956398658' } } })]);
    expect(ok.markets[0]!.price_to_beat).toBe(72151.5956398658);
    const bad = mapEvents([gammaEvent('15m', start, { event: { eventMetadata: { priceToBeat: 'soon' } } })]);
    expect(bad.markets).toHaveLength(1);
    expect(bad.markets[0]!.price_to_beat).toBeNull();
    expect(bad.dropped).toEqual([`event btc-updown-15m-${start / 1000}: eventMetadata`]);
    expect(bad.invalid).toEqual([]);
  });

  it('still rejects a market whose required field is malformed', () => {
    expect(mapGammaMarket({ ...TWAP, endDate: 'tomorrow' })).toMatchObject({ kind: 'invalid', code: 'malformed' });
    expect(mapGammaMarket({ ...TWAP, orderMinSize: 'five' })).toMatchObject({ kind: 'invalid', code: 'malformed' });
  });

  it('dropMalformed keeps well-formed and null optional fields and leaves the input untouched', () => {
    const raw = { description: null, feeType: 7, resolutionSource: 'x' };
    expect(dropMalformed(raw, OPTIONAL_MARKET_FIELDS)).toEqual({
      value: { description: null, resolutionSource: 'x' },
      dropped: ['feeType'],
    });
    expect(raw.feeType).toBe(7);
  });
});
