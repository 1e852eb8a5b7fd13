// Goal: an edge no reference print covers is read from the venue median (flagged estimated, official still wins), Polymarket's own 50-50 (CLOB REST, Gamma outcomePrices, a socket message without a winner) settles as a split, and an ended market's Gamma event brings its official result and final price.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MarketInfo, MarketResolved, ReferencePrice } from '../../src/core/events.ts';
import {
  checkOfficialResult,
  OFFICIAL_CLOCK_TOLERANCE_MS,
  PRINT_TOLERANCE_MS,
  readOutcome,
  ReferenceBuffer,
} from '../../src/core/resolution.ts';
import { gammaOfficialOf, readOutcomePrices } from '../../src/polymarket/gammaOfficial.ts';
import { ResolutionWatcher, type GammaOfficialResult } from '../../src/polymarket/resolutionWatcher.ts';
import { RestMarketSchema, restOfficialClaim, type RawRestMarket } from '../../src/polymarket/wire/clobRestMessages.ts';
import { parseClobFrame } from '../../src/polymarket/wire/clobWsMessages.ts';

const T0 = Date.UTC(2026, 2, 12, 9, 20);
const END = T0 + 300_000;
const gammaFixture = JSON.parse(readFileSync('test/fixtures/polymarket/gamma_market_btc_updown_5m.json', 'utf8')) as Record<
  string,
  unknown
>;
const [UP, DOWN] = JSON.parse(gammaFixture.clobTokenIds as string) as [string, string];
const MARKET_ID = gammaFixture.conditionId as string;

function market(rule: MarketInfo['resolution']['rule'] = 'end_gte_start', lenMs = 300_000): MarketInfo {
  return {
    market_id: MARKET_ID,
    slug: gammaFixture.slug as string,
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: T0,
    window_end_ms: T0 + lenMs,
    tokens: [
      { token_id: UP, outcome: 'Up' },
      { token_id: DOWN, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule, source: rule === 'minute_close_vs_close' ? 'binance' : 'chainlink' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}
const print = (tsMs: number, px: number, source: ReferencePrice['source'] = 'chainlink'): ReferencePrice => ({
  event_type: 'reference_price',
  source,
  symbol: 'BTC/USD',
  px,
  ts_exchange_ms: tsMs,
  ts_unix_ms: tsMs + 300,
});
const refs = (...ps: ReferencePrice[]) => {
  const b = new ReferenceBuffer();
  for (const p of ps) b.add(p);
  return b;
};
/** A median known only at the given instants. */
const medians =
  (at: Record<number, number>) =>
  (tMs: number): number | null =>
    at[tMs] ?? null;

describe('readOutcome: the venue median at an edge no print covers', () => {
  it('reads both edges from the median when the socket had nothing, flagged estimated', () => {
    expect(readOutcome(market(), refs(), medians({ [T0]: 100, [END]: 99 }))).toEqual({
      outcome: 'Down',
      startPx: 100,
      endPx: 99,
      estimated: true,
    });
    expect(readOutcome(market(), refs())).toBeNull();
  });

  it('reads only the uncovered edge from the median: start or end', () => {
    const m = market();
    const byMedian = medians({ [T0]: 200, [END]: 50 });
    expect(readOutcome(m, refs(print(END, 101)), byMedian)).toEqual({ outcome: 'Down', startPx: 200, endPx: 101, estimated: true });
    expect(readOutcome(m, refs(print(T0, 100)), byMedian)).toEqual({ outcome: 'Down', startPx: 100, endPx: 50, estimated: true });
  });

  it('ignores the median when the socket has prints at both edges', () => {
    expect(readOutcome(market(), refs(print(T0, 100), print(END, 100)), medians({ [T0]: 200, [END]: 1 }))).toEqual({
      outcome: 'Up',
      startPx: 100,
      endPx: 100,
      estimated: false,
    });
  });

  it("reads the daily rule's median once its minute candle has closed", () => {
    const day = market('minute_close_vs_close', 86_400_000);
    const at = medians({ [T0 + 60_000]: 100, [T0 + 86_460_000]: 100 });
    expect(readOutcome(day, refs(), at)).toEqual({ outcome: 'Up', split: true, startPx: 100, endPx: 100, estimated: true });
    expect(readOutcome(day, refs(), medians({ [T0]: 100, [T0 + 86_400_000]: 100 }))).toBeNull();
  });
});

describe('ResolutionWatcher with the median fallback', () => {
  function watcher(fetchGamma?: (m: MarketInfo) => Promise<GammaOfficialResult>) {
    let now = T0;
    const out: MarketResolved[] = [];
    const w = new ResolutionWatcher({
      emit: (e) => out.push(e),
      now: () => now,
      settleDelayMs: 2_000,
      fetchGamma,
      gammaPollIntervalMs: 30_000,
    });
    w.setMarkets([market()]);
    return { w, out, at: (t: number) => ((now = t), w.tick()) };
  }

  it('settles from medians at or just after each edge, never one before, then the official result wins', () => {
    const { w, out, at } = watcher();
    w.observeMedian(150, T0 - 1); // before the start: the previous window's
    w.observeMedian(100, T0 + 800);
    w.observeMedian(90, END - 1); // before the end: not the closing value
    w.observeMedian(101, END + PRINT_TOLERANCE_MS);
    at(END + PRINT_TOLERANCE_MS);
    expect(out).toEqual([]); // still inside the print tolerance: a print may yet come
    at(END + PRINT_TOLERANCE_MS + 1);
    expect(out).toEqual([expect.objectContaining({ source: 'own', winning_outcome: 'Up', estimated: true })]);
    expect(w.counters).toMatchObject({ own: 1, own_estimated: 1 });
    w.onOfficial({ market_id: MARKET_ID, token_ids: [UP, DOWN], winning_token_id: DOWN, winning_outcome: 'Down' }, 'socket');
    expect(out[1]).toMatchObject({ source: 'official', winning_token_id: DOWN });
    expect(out[1]!.estimated).toBeUndefined();
    expect(w.counters.disagreements).toBe(1);
  });

  it('does not read a median stamped more than the tolerance after the edge', () => {
    const { w, out, at } = watcher();
    w.observeReference(print(T0, 100));
    w.observeMedian(99, END + PRINT_TOLERANCE_MS + 1);
    at(END + 60_000);
    expect(out).toEqual([]);
    w.observeReference(print(END + 100, 99));
    at(END + 61_000);
    expect(out).toEqual([expect.objectContaining({ source: 'own', winning_outcome: 'Down' })]);
    expect(out[0]!.estimated).toBeUndefined();
  });

  it("takes Gamma's price to beat published after discovery, and keeps it when a later copy lacks it", () => {
    const { w, out, at } = watcher();
    w.setMarkets([{ ...market(), price_to_beat: 102, price_to_beat_official: true }]);
    w.setMarkets([market()]);
    w.observeReference(print(T0, 100));
    w.observeReference(print(END, 101));
    at(END + 3_000);
    expect(out).toEqual([expect.objectContaining({ source: 'own', winning_outcome: 'Down' })]);
  });

  it('emits an official 50-50 as a split, and refuses one before the window ended', () => {
    const { w, out, at } = watcher();
    const split = { market_id: MARKET_ID, token_ids: [DOWN, UP], winning_token_id: '', winning_outcome: null, split: true };
    at(END - OFFICIAL_CLOCK_TOLERANCE_MS - 1);
    expect(w.onOfficial(split, 'socket')).toBe(false);
    expect(w.refusedBy).toEqual({ window_not_ended: 1 });
    at(END);
    expect(w.onOfficial({ ...split, token_ids: [UP, 'x'] }, 'socket')).toBe(false);
    expect(w.onOfficial(split, 'socket')).toBe(true);
    expect(out).toEqual([expect.objectContaining({ source: 'official', winning_token_id: UP, winning_outcome: 'Up', split: true })]);
    expect(w.counters.official_split).toBe(1);
  });

  it("polls the ended event's Gamma answer, paced, keeps its finalPrice and takes its result", async () => {
    const answers: GammaOfficialResult[] = [
      { ok: false, retryAfterMs: 60_000 },
      { ok: true, value: { final_price: 99, claim: null } },
      {
        ok: true,
        value: { final_price: 99, claim: { market_id: MARKET_ID, token_ids: [UP, DOWN], winning_token_id: DOWN, winning_outcome: 'Down' } },
      },
    ];
    let asked = 0;
    const { w, out, at } = watcher(async () => answers[asked++]!);
    const settle = () => new Promise((r) => setTimeout(r, 0));
    w.observeReference(print(T0, 100));
    at(END - 1);
    expect(asked).toBe(0);
    at(END);
    await settle();
    expect(asked).toBe(1);
    at(END + 30_000); // Retry-After pushed the next ask to a minute
    expect(asked).toBe(1);
    at(END + 60_000);
    await settle();
    expect(asked).toBe(2);
    expect(w.counters.gamma_final_prices).toBe(1);
    at(END + 61_000); // the official final price is the closing value of our own reading
    expect(out).toEqual([expect.objectContaining({ source: 'own', winning_outcome: 'Down' })]);
    at(END + 90_000);
    await settle();
    expect(out[1]).toMatchObject({ source: 'official', winning_outcome: 'Down' });
    expect(w.counters.gammaPollErrors).toBe(1);
  });
});

describe('checkOfficialResult: a 50-50', () => {
  it('passes a split for the market and both its tokens, naming Up by convention', () => {
    const c = { market_id: MARKET_ID, token_ids: [UP, DOWN], winning_token_id: '', winning_outcome: null, split: true };
    expect(checkOfficialResult(market(), c, END)).toEqual({ ok: true, outcome: 'Up', split: true });
    expect(checkOfficialResult(market(), { ...c, market_id: '0x1' }, END)).toEqual({ ok: false, reason: 'unknown_market' });
    expect(checkOfficialResult(market(), { ...c, token_ids: [UP] }, END)).toEqual({ ok: false, reason: 'token_mismatch' });
  });
});

describe('CLOB REST /markets: the official result', () => {
  const body = (over: Partial<RawRestMarket>, prices: [number, number], winners: [boolean, boolean]) =>
    RestMarketSchema.parse({
      condition_id: MARKET_ID,
      closed: true,
      tokens: [
        { token_id: UP, outcome: 'Up', price: prices[0], winner: winners[0] },
        { token_id: DOWN, outcome: 'Down', price: prices[1], winner: winners[1] },
      ],
      ...over,
    });

  it('reads one winner, is_50_50_outcome, or both tokens at 0.5 without the flag saying otherwise', () => {
    expect(restOfficialClaim(body({}, [0, 1], [false, true]))).toMatchObject({ winning_token_id: DOWN, winning_outcome: 'Down' });
    expect(restOfficialClaim(body({ is_50_50_outcome: true }, [0, 0], [false, false]))).toMatchObject({
      split: true,
      token_ids: [UP, DOWN],
    });
    expect(restOfficialClaim(body({}, [0.5, 0.5], [false, false]))).toMatchObject({ split: true });
    expect(restOfficialClaim(body({ is_50_50_outcome: false }, [0.5, 0.5], [false, false]))).toBeNull();
    expect(restOfficialClaim(body({}, [0.5, 0.49], [false, false]))).toBeNull();
    expect(restOfficialClaim(body({ closed: false, is_50_50_outcome: true }, [0.5, 0.5], [false, false]))).toBeNull();
  });
});

describe('Gamma outcomePrices and finalPrice after the end', () => {
  const ended = (outcomePrices: string | undefined, closed = true, finalPrice?: number) => ({
    id: '1',
    slug: gammaFixture.slug,
    eventMetadata: finalPrice === undefined ? null : { priceToBeat: 100, finalPrice },
    markets: [{ ...gammaFixture, closed, outcomePrices }],
  });

  it('reads a winner, a 50-50, or not yet resolved', () => {
    const m = market();
    const raw = (p: string | undefined) => ({ ...gammaFixture, outcomePrices: p });
    expect(readOutcomePrices(raw('["1","0"]'), m)).toEqual({ kind: 'winner', token: { token_id: UP, outcome: 'Up' } });
    expect(readOutcomePrices(raw('["0", "1"]'), m)).toEqual({ kind: 'winner', token: { token_id: DOWN, outcome: 'Down' } });
    expect(readOutcomePrices(raw('["0.5","0.5"]'), m)).toEqual({ kind: 'split' });
    for (const p of ['["0","0"]', '["0.505", "0.495"]', '["1","1"]', '["0.5","0.49"]', '["1"]', 'oops', undefined])
      expect(readOutcomePrices(raw(p), m).kind).toBe('unresolved');
  });

  it('takes a result only from a closed market, with its own token ids, and the final price whenever published', () => {
    const m = market();
    expect(gammaOfficialOf([ended('["0","1"]')], m)).toEqual({
      final_price: null,
      claim: { market_id: MARKET_ID, token_ids: [UP, DOWN], winning_token_id: DOWN, winning_outcome: 'Down' },
    });
    expect(gammaOfficialOf([ended('["0.5","0.5"]', true, 101.5)], m)).toEqual({
      final_price: 101.5,
      claim: { market_id: MARKET_ID, token_ids: [UP, DOWN], winning_token_id: '', winning_outcome: null, split: true },
    });
    expect(gammaOfficialOf([ended('["0.5","0.5"]', false, 101.5)], m)).toEqual({ final_price: 101.5, claim: null });
    expect(gammaOfficialOf([ended('["0","0"]')], m).claim).toBeNull();
    expect(gammaOfficialOf([ended('["1","0"]')], { ...m, market_id: '0x2' })).toEqual({ final_price: null, claim: null });
  });
});

describe('market channel market_resolved without a single winner', () => {
  const frame = (over: Record<string, unknown>) =>
    JSON.stringify({ ...JSON.parse(readFileSync('test/fixtures/polymarket/ws_market_market_resolved.json', 'utf8')), ...over });
  it('reads an empty or absent winning_asset_id as no winner, and keeps the one-winner form', () => {
    const one = (text: string) => parseClobFrame(text)[0];
    expect(one(frame({ winning_asset_id: '', winning_outcome: '' }))).toMatchObject({ kind: 'market_resolved', winningAssetId: null });
    expect(one(frame({ winning_asset_id: undefined }))).toMatchObject({ kind: 'market_resolved', winningAssetId: null });
    expect(one(frame({}))).toMatchObject({ kind: 'market_resolved', winningAssetId: expect.stringMatching(/^7604/) });
  });
});
