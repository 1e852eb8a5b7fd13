// Goal: where money is decided at the edges of a window — a tie between the closing and opening values goes Up for every non-daily rule (Polymarket: "greater than or equal"), and each edge is read at the window's own instant (a reading one second off moves the price to beat), on the TWAP path and its spot fallback as on the spot path.
import { describe, expect, it } from 'vitest';
import type { MarketFamily, MarketInfo, ReferencePrice, ResolutionRule } from '../../src/core/events.ts';
import { ownOutcome, readClosing, readOpening, readOutcome, ReferenceBuffer } from '../../src/core/resolution.ts';

const T0 = Date.UTC(2026, 11, 6, 14, 0);
const FIVE_MIN_MS = 300_000;

const market = (resolution: ResolutionRule, family: MarketFamily = '5m', lengthMs = FIVE_MIN_MS): MarketInfo => ({
  market_id: '0xedge',
  slug: `btc-updown-${family}-x`,
  question: 'Bitcoin Up or Down',
  family,
  window_start_ms: T0,
  window_end_ms: T0 + lengthMs,
  tokens: [
    { token_id: 'u', outcome: 'Up' },
    { token_id: 'd', outcome: 'Down' },
  ],
  tick_size: 0.01,
  min_size: 5,
  fee: { rate: 0.07, exponent: 1, taker_only: true },
  resolution,
  price_to_beat: null,
  price_to_beat_estimated: false,
});

const print = (source: ReferencePrice['source'], tsMs: number, px: number): ReferencePrice => ({
  event_type: 'reference_price',
  source,
  symbol: 'BTC/USD',
  px,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 1_000,
});

const buffer = (ps: ReferencePrice[]) => {
  const b = new ReferenceBuffer();
  for (const p of [...ps].sort((a, c) => a.ts_exchange_ms - c.ts_exchange_ms)) b.add(p);
  return b;
};

/** One print a second over [t − before s, t + after s], each priced by `px(offset in s)`. */
const around = (source: ReferencePrice['source'], t: number, before: number, after: number, px: (offsetS: number) => number) =>
  Array.from({ length: before + after + 1 }, (_, k) => print(source, t + (k - before) * 1_000, px(k - before)));

// Polymarket's rule text for its short BTC up/down markets, as Gamma serves it in each
// event's `description`: resolves "Up" if the price at the end of the range "is greater than
// or equal to the price at the beginning of that range. Otherwise, it will resolve to
// 'Down'" (btc-updown-15m-1777467600 and btc-updown-5m-1777111500, stored copies read
// 2026-12-06). Daily markets split an exact tie 50-50 instead; that rule is not tested here.
describe('a tie goes Up for every non-daily rule', () => {
  const END = T0 + FIVE_MIN_MS;
  const cases: Array<[string, ResolutionRule, (open: number, close: number) => ReferencePrice[]]> = [
    [
      'end ≥ start on Chainlink spot',
      { rule: 'end_gte_start', source: 'chainlink' },
      (o, c) => [print('chainlink', T0, o), print('chainlink', END, c)],
    ],
    [
      'the 60 s average at each edge',
      { rule: 'avg60_gte_start', source: 'chainlink' },
      (o, c) => [...around('chainlink', T0, 19, 0, () => o), ...around('chainlink', END, 19, 0, () => c)],
    ],
    [
      'the 30 s TWAP topic',
      { rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 },
      (o, c) => [print('chainlink_twap30', T0, o), print('chainlink_twap30', END, c)],
    ],
    [
      'the 60 s TWAP topic',
      { rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 },
      (o, c) => [print('chainlink_twap60', T0, o), print('chainlink_twap60', END, c)],
    ],
    [
      'the TWAP estimated from spot (topic silent)',
      { rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 },
      (o, c) => [...around('chainlink', T0, 29, 0, () => o), ...around('chainlink', END, 29, 0, () => c)],
    ],
  ];

  it.each(cases)('%s: equal → Up, one cent lower → Down, one cent higher → Up', (_name, rule, prints) => {
    for (const family of ['5m', '15m'] as const) {
      const m = market(rule, family);
      const estimated = rule.rule === 'twap_gte_start' && prints(1, 1).every((p) => p.source === 'chainlink');
      expect(readOutcome(m, buffer(prints(92_000.5, 92_000.5)))).toEqual({ outcome: 'Up', startPx: 92_000.5, endPx: 92_000.5, estimated });
      expect(readOutcome(m, buffer(prints(92_000.5, 92_000.49)))).toMatchObject({ outcome: 'Down' });
      expect(readOutcome(m, buffer(prints(92_000.5, 92_000.51)))).toMatchObject({ outcome: 'Up' });
    }
  });

  it('the sim reads a tie the same way (ownOutcome on its own stream)', () => {
    const m = market({ rule: 'end_gte_start', source: 'sim' });
    const at = (o: number, c: number) => [print('sim', T0, o), print('sim', END, c)];
    expect(ownOutcome(m, at(64_000, 64_000))).toEqual({ outcome: 'Up', startPx: 64_000, endPx: 64_000 });
    expect(ownOutcome(m, at(64_000, 63_999.99))).toMatchObject({ outcome: 'Down' });
  });
});

describe('each edge is read at its own instant', () => {
  // Prints every second around both edges, each a different price: a reading taken a second
  // early or late lands on a neighbour and changes the value.
  const priced = (edgeT: number) => (offsetS: number) => 90_000 + (edgeT === T0 ? 0 : 500) + offsetS * 7;

  it('spot rule: the print at the start and the one at the end, not their neighbours', () => {
    const m = market({ rule: 'end_gte_start', source: 'chainlink' });
    const END = m.window_end_ms;
    const b = buffer([...around('chainlink', T0, 3, 3, priced(T0)), ...around('chainlink', END, 3, 3, priced(END))]);
    expect(readOpening(m, b)).toEqual({ px: 90_000, estimated: false });
    expect(readClosing(m, b)).toEqual({ px: 90_500, estimated: false });
  });

  it.each([30, 60] as const)('%i s TWAP: the TWAP print at the start and at the end, not one a second later or earlier', (lookback) => {
    const m = market({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: lookback });
    const END = m.window_end_ms;
    const topic = lookback === 30 ? 'chainlink_twap30' : 'chainlink_twap60';
    const b = buffer([...around(topic, T0, 3, 3, priced(T0)), ...around(topic, END, 3, 3, priced(END))]);
    expect(readOpening(m, b)).toEqual({ px: 90_000, estimated: false });
    expect(readClosing(m, b)).toEqual({ px: 90_500, estimated: false });
    expect(readOutcome(m, b)).toEqual({ outcome: 'Up', startPx: 90_000, endPx: 90_500, estimated: false });
  });

  it('TWAP fallback: the spot mean over exactly the lookback ending at each edge', () => {
    const m = market({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 });
    const END = m.window_end_ms;
    // Spot every second from 40 s before to 5 s after each edge; the mean over (t − 30 s, t]
    // holds offsets −29..0: 90 000 + 7 × (−14.5) at the start.
    const b = buffer([...around('chainlink', T0, 40, 5, priced(T0)), ...around('chainlink', END, 40, 5, priced(END))]);
    expect(readOpening(m, b)).toEqual({ px: 90_000 - 7 * 14.5, estimated: true });
    expect(readClosing(m, b)).toEqual({ px: 90_500 - 7 * 14.5, estimated: true });
  });
});
