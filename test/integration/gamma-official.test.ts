// Goal: after a window ends, the resolution watcher keeps asking a real loopback Gamma for the ended event by slug — paced — takes its finalPrice as the closing value of our own reading, and its outcomePrices as the official result (a winner or a 50-50) once Gamma reports the market closed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarketInfo, MarketResolved } from '../../src/core/events.ts';
import { mapGammaMarket } from '../../src/polymarket/discovery.ts';
import { GammaRollover } from '../../src/polymarket/rollover.ts';
import { ResolutionWatcher, type GammaOfficialResult } from '../../src/polymarket/resolutionWatcher.ts';
import { currentAndNextStarts, windowEndMs } from '../../src/polymarket/windows.ts';
import { FakeGamma, gammaEvent } from './gammaFake.ts';

const NOW = Date.parse('2026-11-25T11:48:35Z');
const START = currentAndNextStarts('5m', NOW)[0]!;
const END = windowEndMs('5m', START);
type Json = Record<string, unknown>;

let gamma: FakeGamma;
let rollover: GammaRollover;
beforeEach(async () => {
  gamma = new FakeGamma();
  await gamma.start();
  rollover = new GammaRollover({ baseUrl: gamma.url, families: ['5m'], nowMs: () => NOW, emit: () => undefined, timeoutMs: 2_000 });
});
afterEach(async () => {
  await rollover.stop();
  await gamma.close();
});

/** Waits (bounded) until `ok()` holds, then lets pending promise callbacks run. */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`never: ${what}`);
  await new Promise((r) => setImmediate(r));
}

/** The 5m window as Gamma lists it; `market` / `event` override fields (what changes after the end). */
function listEvent(market: Json = {}, event: Json = {}): MarketInfo {
  const ev = gammaEvent('5m', START, { market, event });
  gamma.listed = [ev];
  const mapped = mapGammaMarket((gammaEvent('5m', START).markets as Json[])[0], null);
  if (mapped.kind !== 'market') throw new Error(`fixture did not map: ${JSON.stringify(mapped)}`);
  return mapped.market;
}

function watch(info: MarketInfo) {
  let now = END;
  const out: MarketResolved[] = [];
  const answers: GammaOfficialResult[] = [];
  const w = new ResolutionWatcher({
    emit: (e) => out.push(e),
    now: () => now,
    settleDelayMs: 1_000,
    gammaPollIntervalMs: 30_000,
    fetchGamma: async (m) => {
      const r = await rollover.official(m);
      answers.push(r);
      return r;
    },
  });
  w.setMarkets([info]);
  return { w, out, answers, at: (t: number) => ((now = t), w.tick()) };
}

const slugAsked = () => gamma.requests.filter((r) => r.params.get('slug') !== null).length;

describe('Gamma after the window end', () => {
  it('takes finalPrice for our own reading, waits through ["0","0"], then takes outcomePrices as the official result', async () => {
    const info = listEvent();
    const { w, out, answers, at } = watch(info);
    w.observeReference({
      event_type: 'reference_price',
      source: 'chainlink',
      symbol: 'BTC/USD',
      px: 100,
      ts_exchange_ms: START,
      ts_unix_ms: START,
    });

    at(END); // still open on Gamma, live prices: nothing official
    await until('the first answer', () => answers.length === 1);
    expect(gamma.requests.at(-1)!.params.get('slug')).toBe(info.slug);
    at(END + 10_000); // paced: no second ask within the interval
    expect(slugAsked()).toBe(1);
    expect(out).toEqual([]);

    listEvent({ closed: true, outcomePrices: '["0", "0"]' }, { eventMetadata: { priceToBeat: 100, finalPrice: 99.5 } });
    at(END + 30_000);
    await until('the second answer', () => answers.length === 2);
    expect(w.counters.gamma_final_prices).toBe(1);
    expect(out).toEqual([]);
    at(END + 31_000); // no closing print: Gamma's final price closes our own reading
    expect(out).toEqual([expect.objectContaining({ source: 'own', winning_outcome: 'Down' })]);
    expect(out[0]!.estimated).toBeUndefined();

    listEvent({ closed: true, outcomePrices: '["0", "1"]' }, { eventMetadata: { priceToBeat: 100, finalPrice: 99.5 } });
    at(END + 60_000);
    await until('the official result', () => out.length === 2);
    expect(out[1]).toMatchObject({ source: 'official', winning_token_id: info.tokens[1].token_id, winning_outcome: 'Down' });
    at(END + 120_000); // resolved: Gamma is not asked again
    expect(slugAsked()).toBe(3);
  });

  it('settles a 50-50 Polymarket reports as a split', async () => {
    const info = listEvent({ closed: true, outcomePrices: '["0.5", "0.5"]' });
    const { out, at } = watch(info);
    at(END);
    await until('the official result', () => out.length === 1);
    expect(out[0]).toMatchObject({ source: 'official', split: true, winning_outcome: 'Up', winning_token_id: info.tokens[0].token_id });
  });

  it('counts a Gamma that fails and asks again at the next interval', async () => {
    const info = listEvent({ closed: true, outcomePrices: '["1", "0"]' });
    const { w, out, at } = watch(info);
    gamma.failNext = ['500'];
    at(END);
    await until('the failure counted', () => w.counters.gammaPollErrors === 1);
    expect(out).toEqual([]);
    at(END + 30_000);
    await until('the official result', () => out.length === 1);
    expect(out[0]).toMatchObject({ source: 'official', winning_outcome: 'Up' });
  });
});
