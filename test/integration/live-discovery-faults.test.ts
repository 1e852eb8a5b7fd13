// Goal: in paper-live against a loopback Gamma, a Protocol V2 market is discovered and streamed under its positionIds, malformed markets are rejected by reason and counted in /feed/health (each logged once), a malformed optional field is dropped without losing the market, HTTP 429 shows `rate_limited` with its retry time, and an endless body is cut at the byte cap.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../src/core/events.ts';
import { currentAndNextStarts } from '../../src/polymarket/windows.ts';
import { closedPortUrl } from './fakes/venueServers.ts';
import { fakeClobRest, fakeWsServer } from './fakes/polymarket.ts';
import { endlessBodyServer } from './fakes/faults.ts';
import { FakeGamma, gammaEvent } from './gammaFake.ts';
import { eventually, startLiveLab, type LiveLab } from './liveLab.ts';

const fx = (name: string) => JSON.parse(readFileSync(`test/fixtures/polymarket/${name}`, 'utf8')) as Record<string, unknown>;
const V2 = fx('gamma_market_btc_updown_5m_v2.json');
const POSITION_IDS = V2.positionIds as string[];
const CLOB_TOKEN_IDS = JSON.parse(V2.clobTokenIds as string) as string[];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function lab(env: Record<string, string>, tuning: Parameters<typeof startLiveLab>[1] = {}): Promise<LiveLab> {
  const dead = await closedPortUrl();
  const l = await startLiveLab(
    {
      POLYLAB_VENUES: 'coinbase',
      POLYLAB_COINBASE_WS_URL: dead,
      POLYLAB_CLOB_URL: dead.replace('ws://', 'http://'),
      POLYLAB_CLOB_WS_URL: dead,
      POLYLAB_RTDS_URL: dead,
      ...env,
    },
    tuning,
  );
  cleanups.push(() => l.close());
  return l;
}

async function gamma(): Promise<FakeGamma> {
  const g = new FakeGamma();
  await g.start();
  cleanups.push(() => g.close());
  return g;
}

describe('discovery of Protocol V2 and malformed markets', () => {
  it('streams a v2 market under its positionIds and counts every rejected market by reason, logging each once', async () => {
    const g = await gamma();
    const now = Date.now();
    const [c5, n5] = currentAndNextStarts('5m', now);
    const [c15, n15] = currentAndNextStarts('15m', now);
    const [c1h] = currentAndNextStarts('1h', now);
    const v2 = {
      version: 'v2',
      positionIds: POSITION_IDS,
      clobTokenIds: V2.clobTokenIds,
      resolutionSource: V2.resolutionSource,
      // Numbers as numeric strings are read; a malformed optional field is dropped, the market kept.
      feeSchedule: { rate: '0.07', exponent: '1', takerOnly: true },
      cryptoMarketConfig: 'not an object',
    };
    g.listed.push(
      gammaEvent('5m', c5, { market: v2 }),
      gammaEvent('5m', n5, { market: { version: 'v3' } }),
      gammaEvent('15m', c15, { market: { positionIds: ['123', '456'] } }),
      gammaEvent('15m', n15, { market: { version: 'v2', positionIds: ['0x7b', '456'] } }),
      gammaEvent('1h', c1h, { market: { outcomes: '["Yes", "No"]' } }),
    );
    const book = fx('ws_market_book.json');
    const clob = await fakeWsServer((ws, text) => {
      if (!text.startsWith('{')) return;
      const ids = (JSON.parse(text) as { assets_ids?: string[] }).assets_ids ?? [];
      ws.send(JSON.stringify(ids.map((asset) => ({ ...book, asset_id: asset, timestamp: String(Date.now()) }))));
    });
    const rest = await fakeClobRest();
    cleanups.push(clob.close, rest.close);
    const l = await lab(
      { POLYLAB_GAMMA_URL: g.url, POLYLAB_MARKETS: '5m,15m,1h', POLYLAB_CLOB_WS_URL: clob.url, POLYLAB_CLOB_URL: rest.url },
      { gammaPollMs: 300 },
    );

    type View = { market: MarketInfo; quotes: { token_id: string; best_bid: number | null }[] };
    const current = await eventually(async () => {
      const d = (await l.get('/markets/discovered')) as { markets: View[] };
      const m = d.markets.find((x) => x.market.slug === `btc-updown-5m-${c5! / 1000}`);
      return m && m.quotes.every((q) => q.best_bid !== null) ? m : null;
    });
    expect(current.market.tokens).toEqual([
      { token_id: POSITION_IDS[0], outcome: 'Up' },
      { token_id: POSITION_IDS[1], outcome: 'Down' },
    ]);
    expect(current.market.resolution).toEqual({ rule: 'twap_gte_start', source: 'chainlink', lookback_s: 60 });
    expect(current.market.fee).toEqual({ rate: 0.07, exponent: 1, taker_only: true });
    // Subscribed by positionIds, never by the v1 clobTokenIds the market also carries.
    const subscribed = clob.received
      .flat()
      .filter((f) => f.startsWith('{'))
      .flatMap((f) => (JSON.parse(f) as { assets_ids: string[] }).assets_ids);
    expect(subscribed.sort()).toEqual([...POSITION_IDS].sort());
    expect(subscribed.some((id) => CLOB_TOKEN_IDS.includes(id))).toBe(false);
    await eventually(async () => (await l.health()).books_live === 1);

    // Several polls later (counted at the fake, however slow the machine), each rejected market is counted and logged once.
    // The poll count appears with the rollover's first status report: wait for it, then for three more polls.
    const pollsSoFar = (
      await eventually(async () => {
        const polls = (await l.source('gamma'))?.counts?.polls;
        return polls === undefined ? null : { polls };
      })
    ).polls;
    await eventually(async () => ((await l.source('gamma'))?.counts?.polls ?? 0) >= pollsSoFar + 3);
    const gammaHealth = await l.source('gamma');
    expect(gammaHealth!.counts).toMatchObject({
      v2_markets: 1,
      rejected_markets: 4,
      rejected_unsupported_version: 1,
      rejected_position_ids_without_version: 1,
      rejected_non_decimal_ids: 1,
      rejected_unmatched_outcomes: 1,
      optional_fields_dropped: 1,
    });
    const rejects = l.logs.filter((x) => x.msg.startsWith('gamma: market rejected'));
    expect(rejects.map((x) => x.msg.slice(0, x.msg.indexOf(')') + 1)).sort()).toEqual([
      'gamma: market rejected (non_decimal_ids)',
      'gamma: market rejected (position_ids_without_version)',
      'gamma: market rejected (unmatched_outcomes)',
      'gamma: market rejected (unsupported_version)',
    ]);
    expect(rejects.find((x) => x.msg.includes('unsupported_version'))!.msg).toContain('version "v3" is not supported');
    expect(l.logs.filter((x) => x.msg.startsWith('gamma: malformed optional field dropped'))).toHaveLength(1);
  }, 20_000);
});

describe('Gamma under HTTP 429', () => {
  it('shows rate_limited with the retry time while every other source shows its next retry', async () => {
    const g = await gamma();
    g.failAll = '429';
    g.retryAfter = '30';
    const l = await lab({ POLYLAB_GAMMA_URL: g.url, POLYLAB_MARKETS: '5m' });
    const s = await eventually(async () => {
      const x = await l.source('gamma');
      return x?.state === 'rate_limited' ? x : null;
    });
    expect(s.reason).toMatch(/^HTTP 429: next poll in \d+\.\d s \(Retry-After 30 s\)$/);
    expect(s.next_retry_ms).toBeGreaterThan(25_000);
    expect(s.next_retry_ms).toBeLessThanOrEqual(30_000);
    expect(s.counts).toMatchObject({ rate_limited: 1 });
    // Stopped at the first 429: one request, not a stampede through the pass.
    expect(g.requests).toHaveLength(1);
    // The unreachable data socket keeps trying: its attempts are counted and its next one shown.
    const rtds = await eventually(async () => {
      const x = await l.source('rtds');
      return x?.state === 'down' && x.reconnects >= 1 ? x : null;
    });
    expect(rtds.next_retry_ms).toEqual(expect.any(Number));
  });
});

describe('Gamma sending an endless body', () => {
  it('is cut at the byte cap and shown as a failure, and the lab keeps polling', async () => {
    const endless = await endlessBodyServer();
    cleanups.push(endless.close);
    const l = await lab({ POLYLAB_GAMMA_URL: endless.url, POLYLAB_MARKETS: '5m' }, { gammaPollMs: 200 });
    const s = await eventually(async () => {
      const x = await l.source('gamma');
      return (x?.counts?.too_large ?? 0) >= 1 ? x : null;
    });
    expect(s.state).toBe('down');
    expect(s.last_error).toMatch(/^too_large: body passed the 8388608-byte cap/);
    expect(endless.abandoned()).toBeGreaterThanOrEqual(1);
  });
});
