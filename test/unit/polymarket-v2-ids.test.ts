// Goal: a Gamma market's outcome ids are chosen by its `version` as Polymarket's V2 migration says — positionIds for "v2", clobTokenIds for "v1" or a legacy market without version — and every ambiguous or malformed case is rejected with a stated reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapGammaMarket } from '../../src/polymarket/discovery.ts';
import { selectOutcomeIds } from '../../src/polymarket/outcomeIds.ts';

type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Json;
const V2 = load('gamma_market_btc_updown_5m_v2.json');
const POSITION_IDS = V2.positionIds as string[];
const CLOB_IDS = JSON.parse(V2.clobTokenIds as string) as string[];

describe('selectOutcomeIds', () => {
  it('takes positionIds for version "v2" even when clobTokenIds are present', () => {
    expect(selectOutcomeIds(V2)).toEqual({ ok: true, version: 'v2', legacy: false, ids: POSITION_IDS });
  });

  it('takes clobTokenIds for version "v1" even when positionIds are present', () => {
    expect(selectOutcomeIds({ ...V2, version: 'v1' })).toEqual({ ok: true, version: 'v1', legacy: false, ids: CLOB_IDS });
  });

  it('reads a market with neither version nor positionIds (older captures) as legacy v1', () => {
    const legacy = load('gamma_market_btc_updown_5m.json');
    expect(legacy.version).toBeUndefined();
    expect(selectOutcomeIds(legacy)).toMatchObject({ ok: true, version: 'v1', legacy: true });
    expect(selectOutcomeIds({ clobTokenIds: '["1","2"]', positionIds: [] })).toMatchObject({ ok: true, legacy: true, ids: ['1', '2'] });
  });

  it('accepts positionIds JSON-encoded, as the official TypeScript SDK does', () => {
    expect(selectOutcomeIds({ version: 'v2', positionIds: JSON.stringify(POSITION_IDS) })).toMatchObject({ ok: true, ids: POSITION_IDS });
  });

  it.each([
    [{ positionIds: POSITION_IDS, clobTokenIds: V2.clobTokenIds }, 'position_ids_without_version', 'positionIds without a version'],
    [{ version: 'v3', positionIds: POSITION_IDS }, 'unsupported_version', 'version "v3" is not supported'],
    [{ version: 2, positionIds: POSITION_IDS }, 'unsupported_version', 'version 2 is not supported'],
    [{ version: 'v2', clobTokenIds: V2.clobTokenIds }, 'missing_ids', 'version v2 market without positionIds'],
    [{ version: 'v2', positionIds: [] }, 'missing_ids', 'positionIds is not a list of ids'],
    [{ version: 'v2', positionIds: ['0x7b', '12'] }, 'non_decimal_ids', 'non-decimal id "0x7b"'],
    [{ version: 'v2', positionIds: ['-1', '12'] }, 'non_decimal_ids', 'non-decimal id "-1"'],
    [{ version: 'v1', clobTokenIds: '["007", "12"]' }, 'non_decimal_ids', 'non-decimal id "007"'],
    [{ clobTokenIds: 'not json' }, 'missing_ids', 'clobTokenIds is not a list of ids'],
  ])('rejects %j as %s', (raw, code, reason) => {
    const r = selectOutcomeIds(raw);
    expect(r).toMatchObject({ ok: false, code });
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('mapGammaMarket with Protocol V2 markets', () => {
  it('maps the v2 fixture to tokens named by positionIds, matched to outcomes', () => {
    const r = mapGammaMarket(V2);
    expect(r).toMatchObject({ kind: 'market', version: 'v2', dropped: [] });
    expect(r.kind === 'market' && r.market.tokens).toEqual([
      { token_id: POSITION_IDS[0], outcome: 'Up' },
      { token_id: POSITION_IDS[1], outcome: 'Down' },
    ]);
  });

  it('rejects unmatched outcomes with the field it read', () => {
    expect(mapGammaMarket({ ...V2, outcomes: '["Yes", "No"]' })).toEqual({
      kind: 'invalid',
      code: 'unmatched_outcomes',
      reason: 'btc-updown-5m-1787414400: outcomes and positionIds are not one Up and one Down id',
    });
    expect(mapGammaMarket({ ...V2, positionIds: [POSITION_IDS[0], POSITION_IDS[0]] })).toMatchObject({
      kind: 'invalid',
      code: 'unmatched_outcomes',
    });
  });

  it('maps the 30 s TWAP fixture to the 30 s TWAP rule', () => {
    const r = mapGammaMarket(load('gamma_market_btc_updown_5m_twap30.json'));
    expect(r.kind === 'market' && r.market.resolution).toEqual({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 });
  });
});
