// Goal: Gamma markets map to the right MarketInfo (family, window, tokens, fees, rule) and window/slug math matches Polymarket's formats.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { detectResolution, mapEvents, mapFee, mapGammaMarket, selectWindows } from '../../src/polymarket/discovery.ts';
import { parseRetryAfterMs } from '../../src/polymarket/gamma.ts';
import { candidateSlugs, currentAndNextStarts, familyFromSlug, windowEndMs, windowStartMs } from '../../src/polymarket/windows.ts';
import { DAILY_DESCRIPTION, HOURLY_DESCRIPTION, gammaEvent } from '../integration/gammaFake.ts';
import type { MarketInfo } from '../../src/core/events.ts';

type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Json;
const H = 3_600_000;

function market(r: ReturnType<typeof mapGammaMarket>): MarketInfo {
  if (r.kind !== 'market') throw new Error(`expected a market, got ${r.kind}: ${r.reason}`);
  return r.market;
}

describe('mapGammaMarket on real Gamma fixtures', () => {
  it('maps the 5m fixture: JSON-string fields, eventStartTime window, tick, min size, crypto fees, Chainlink rule', () => {
    const m = market(mapGammaMarket(load('gamma_market_btc_updown_5m.json')));
    expect(m).toEqual({
      market_id: '0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b',
      slug: 'btc-updown-5m-1773307200',
      question: 'Bitcoin Up or Down - March 12, 5:20AM-5:25AM ET',
      family: '5m',
      window_start_ms: Date.parse('2026-03-12T09:20:00Z'),
      window_end_ms: Date.parse('2026-03-12T09:25:00Z'),
      tokens: [
        { token_id: '104239898038807136052399800151408521467737075933964991162589336683346093173875', outcome: 'Up' },
        { token_id: '71183960810705820955071415844881728181970340514894896943812046065452395013351', outcome: 'Down' },
      ],
      tick_size: 0.01,
      min_size: 5,
      fee: { rate: 0.07, exponent: 1, taker_only: true },
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: null,
      price_to_beat_estimated: false,
    });
  });

  it('uses eventStartTime, not the listing startDate, as the window start', () => {
    const m = market(mapGammaMarket(load('gamma_market_btc_updown_5m.json')));
    expect(m.window_start_ms).not.toBe(Date.parse('2026-03-11T09:29:01.328428Z'));
    expect(m.window_end_ms - m.window_start_ms).toBe(300_000);
  });

  it('maps the TWAP fixture to the 60-second Chainlink TWAP rule and its feeSchedule', () => {
    const m = market(mapGammaMarket(load('gamma_market_btc_updown_5m_twap_feeSchedule.json')));
    expect(m.resolution).toEqual({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 });
    // The fixture's feeSchedule carries `rebateRate: 0.2`: the makers' share of the taker fee.
    expect(m.fee).toEqual({ rate: 0.07, exponent: 1, taker_only: true, rebate_rate: 0.2 });
    expect(m.family).toBe('5m');
    expect(m.window_start_ms).toBe(Date.parse('2026-08-22T16:00:00Z'));
  });

  it('maps tokens by the outcomes array when Gamma lists ["Down","Up"]', () => {
    const raw = load('gamma_market_btc_updown_5m.json');
    raw.outcomes = '["Down", "Up"]';
    raw.clobTokenIds = '["222", "111"]';
    expect(market(mapGammaMarket(raw)).tokens).toEqual([
      { token_id: '111', outcome: 'Up' },
      { token_id: '222', outcome: 'Down' },
    ]);
  });

  it('takes the price to beat from eventMetadata when Gamma has it, flagged not estimated', () => {
    const ev = gammaEvent('15m', Date.parse('2026-11-25T12:00:00Z'), { event: { eventMetadata: { priceToBeat: 72151.5956398658 } } });
    const { markets } = mapEvents([ev]);
    expect(markets).toHaveLength(1);
    expect(markets[0]!.price_to_beat).toBe(72151.5956398658);
    expect(markets[0]!.price_to_beat_estimated).toBe(false);
  });

  it('reads hourly and daily rules from the market description (Binance)', () => {
    const hourly = mapEvents([gammaEvent('1h', Date.parse('2026-11-25T11:00:00Z'))]).markets[0]!;
    expect(hourly.family).toBe('1h');
    expect(hourly.resolution).toEqual({ rule: 'candle_close_gte_open', source: 'binance' });
    const daily = mapEvents([gammaEvent('1d', windowStartMs('1d', Date.parse('2026-11-25T11:00:00Z')))]).markets[0]!;
    expect(daily.family).toBe('1d');
    expect(daily.resolution).toEqual({ rule: 'minute_close_vs_close', source: 'binance' });
  });

  it('makes fee-free markets rate 0', () => {
    expect(mapFee({ feesEnabled: false, feeType: null, feeSchedule: null })).toEqual({ rate: 0, exponent: 1, taker_only: true });
    expect(mapFee({ feesEnabled: true, feeType: 'something_new', feeSchedule: null })).toBeNull();
    // Live crypto markets' fee type (keyset listings carry it without a feeSchedule).
    expect(mapFee({ feesEnabled: true, feeType: 'crypto_fees_v2', feeSchedule: null })).toEqual({
      rate: 0.07,
      exponent: 1,
      taker_only: true,
    });
  });
});

describe('what discovery drops and what it counts as invalid', () => {
  it('drops the non-BTC event of the negRisk events fixture without counting it invalid', () => {
    const r = mapEvents(load('gamma_events_list_negrisk_truncated.json') as unknown as unknown[]);
    expect(r.markets).toEqual([]);
    expect(r.invalid).toEqual([]);
  });

  it.each([
    ['closed', { closed: true }],
    ['not accepting orders', { acceptingOrders: false }],
    ['no order book', { enableOrderBook: false }],
    ['not active', { active: false }],
  ])('drops a market that is %s', (reason, patch) => {
    const r = mapGammaMarket({ ...load('gamma_market_btc_updown_5m.json'), ...patch });
    expect(r.kind).toBe('dropped');
    expect(r.kind === 'dropped' && r.reason).toBe(reason);
  });

  it.each([
    ['missing token ids', (m: Json) => delete m.clobTokenIds],
    ['token ids not JSON', (m: Json) => (m.clobTokenIds = '[123, oops')],
    ['outcomes not Up/Down', (m: Json) => (m.outcomes = '["Yes", "No"]')],
    [
      'no eventStartTime (startDate is not a window start)',
      (m: Json) => {
        delete m.eventStartTime;
        delete m.events;
      },
    ],
    ['tick size missing', (m: Json) => delete m.orderPriceMinTickSize],
    ['window length that does not fit the slug family', (m: Json) => (m.endDate = '2026-03-12T09:35:00Z')],
    [
      'unknown resolution source',
      (m: Json) => {
        m.description = 'Resolves by vibes.';
        m.resolutionSource = '';
      },
    ],
  ])('counts a BTC market with %s as invalid', (_name, mutate) => {
    const raw = load('gamma_market_btc_updown_5m.json');
    mutate(raw);
    expect(mapGammaMarket(raw).kind).toBe('invalid');
  });

  it('accepts both TWAP lookbacks (30 s and 60 s) and rejects any other', () => {
    expect(
      detectResolution({
        description: 'Chainlink',
        resolutionSource: null,
        cryptoMarketConfig: { twapEnabled: true, twapLookbackSeconds: 30 },
      }),
    ).toEqual({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 });
    expect(
      detectResolution({
        description: 'Chainlink',
        resolutionSource: null,
        cryptoMarketConfig: { twapEnabled: true, twapLookbackSeconds: 45 },
      }),
    ).toBeNull();
    expect(detectResolution({ description: HOURLY_DESCRIPTION, resolutionSource: null, cryptoMarketConfig: null })?.rule).toBe(
      'candle_close_gte_open',
    );
    expect(detectResolution({ description: DAILY_DESCRIPTION, resolutionSource: null, cryptoMarketConfig: null })?.source).toBe('binance');
  });
});

describe('window math and slugs', () => {
  it('names windows the way Polymarket does', () => {
    expect(candidateSlugs('5m', Date.parse('2026-03-12T09:20:00Z'))).toEqual(['btc-updown-5m-1773307200']);
    expect(candidateSlugs('4h', windowStartMs('4h', Date.parse('2026-05-28T05:30:00Z')))).toEqual(['btc-updown-4h-1779940800']);
    expect(candidateSlugs('1h', Date.parse('2026-04-05T05:00:00Z'))).toEqual([
      'bitcoin-up-or-down-april-5-2026-1am-et',
      'bitcoin-up-or-down-april-5-1am-et',
    ]);
    expect(candidateSlugs('1h', Date.parse('2026-07-07T04:00:00Z'))[0]).toBe('bitcoin-up-or-down-july-7-2026-12am-et');
    expect(candidateSlugs('1d', windowStartMs('1d', Date.parse('2026-05-17T10:00:00Z')))).toEqual([
      'bitcoin-up-or-down-on-may-17-2026',
      'bitcoin-up-or-down-on-may-17',
    ]);
  });

  it('detects families from every slug format', () => {
    expect(familyFromSlug('btc-updown-15m-1773307200')).toBe('15m');
    expect(familyFromSlug('bitcoin-up-or-down-march-14-6pm-et')).toBe('1h');
    expect(familyFromSlug('bitcoin-up-or-down-on-may-28-2026')).toBe('1d');
    expect(familyFromSlug('eth-updown-15m-1773307200')).toBeNull();
  });

  it('anchors 4h and daily windows to Eastern time across DST switches', () => {
    const winter = windowStartMs('4h', Date.parse('2026-11-25T11:48:00Z'));
    expect(new Date(winter).toISOString()).toBe('2026-11-25T09:00:00.000Z'); // 04:00 EST
    const springDay = windowStartMs('1d', Date.parse('2026-03-08T18:00:00Z'));
    expect(windowEndMs('1d', windowStartMs('1d', Date.parse('2026-03-07T18:00:00Z')))).toBe(springDay);
    expect((springDay - windowStartMs('1d', Date.parse('2026-03-07T18:00:00Z'))) / H).toBe(23);
    const fall = windowStartMs('4h', Date.parse('2026-11-01T06:30:00Z'));
    expect((windowEndMs('4h', fall) - fall) / H).toBe(5);
  });

  it('picks the current and next window per family, not every future one', () => {
    const now = Date.parse('2026-11-25T11:48:35Z');
    const [cur, next] = currentAndNextStarts('5m', now);
    const listed = [-300_000, 0, 300_000, 600_000, 900_000].map((d) => mapEvents([gammaEvent('5m', cur + d)]).markets[0]!);
    const picked = selectWindows(listed, ['5m'], now);
    expect(picked.map((m) => m.window_start_ms)).toEqual([cur, next]);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfterMs('7', 0)).toBe(7_000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 12:00:30 GMT', Date.parse('2026-11-25T12:00:00Z'))).toBe(30_000);
    expect(parseRetryAfterMs('soon', 0)).toBeNull();
    expect(parseRetryAfterMs(null, 0)).toBeNull();
  });
});
