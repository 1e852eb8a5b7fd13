// Goal: in paper-live against a loopback CLOB market socket, the `polymarket_ws` health line and its `books_live` count are counted from the same list of books that /feed/health shows, so the line never says "0/18 books live" beside a list of live books (issue 28).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketInfo } from '../../src/core/events.ts';
import { closedPortUrl } from './fakes/venueServers.ts';
import { fakeClobRest, fakeWsServer } from './fakes/polymarket.ts';
import { eventually, startLiveLab, type HealthView } from './liveLab.ts';

const BOOK = JSON.parse(readFileSync('test/fixtures/polymarket/ws_market_book.json', 'utf8')) as Record<string, unknown>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const token = (digit: string) => digit.repeat(76);
const MARKETS = [
  { id: `0x${'a'.repeat(64)}`, up: token('1'), down: token('2') },
  { id: `0x${'b'.repeat(64)}`, up: token('3'), down: token('4') },
];

function market(id: string, up: string, down: string, startMs: number): MarketInfo {
  return {
    market_id: id,
    slug: `btc-updown-5m-${startMs / 1000}-${id.slice(2, 6)}`,
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: startMs,
    window_end_ms: startMs + 300_000,
    tokens: [
      { token_id: up, outcome: 'Up' },
      { token_id: down, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule: 'end_gte_start', source: 'chainlink' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}

/** The fixture's book frame for one token, stamped now. */
const bookFrame = (marketId: string, assetId: string) =>
  JSON.stringify({ ...BOOK, market: marketId, asset_id: assetId, timestamp: String(Date.now()) });

type Source = HealthView['sources'][number];
const wsRow = (h: HealthView): Source | undefined => h.sources.find((s) => s.source === 'polymarket_ws');

describe('the polymarket_ws health line', () => {
  it('counts the live books of the list it is shown with: every mirrored book, but only the fresh ones live', async () => {
    // Every token gets a book on subscribing; afterwards only the two Up books keep changing.
    const clob = await fakeWsServer((ws, text) => {
      if (!text.startsWith('{')) return;
      for (const m of MARKETS) for (const t of [m.up, m.down]) ws.send(bookFrame(m.id, t));
    });
    const rtds = await fakeWsServer();
    const rest = await fakeClobRest();
    cleanups.push(clob.close, rtds.close, rest.close);
    const dead = await closedPortUrl();
    const l = await startLiveLab(
      {
        POLYLAB_VENUES: 'coinbase',
        POLYLAB_COINBASE_WS_URL: dead,
        POLYLAB_GAMMA_URL: dead.replace('ws://', 'http://'),
        POLYLAB_CLOB_URL: rest.url,
        POLYLAB_CLOB_WS_URL: clob.url,
        POLYLAB_RTDS_URL: rtds.url,
        POLYLAB_RISK_MAX_BOOK_AGE_MS: '1000',
      },
      { polymarketTuning: { tickMs: 50, statusIntervalMs: 100, clobPingIntervalMs: 100 } },
    );
    cleanups.push(() => l.close());
    const startMs = Date.now() - 1_000;
    const infos = MARKETS.map((m) => market(m.id, m.up, m.down, startMs));
    for (const m of infos) l.inject({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    l.live.polymarket.setMarkets(infos);
    const fresh = setInterval(() => {
      for (const m of MARKETS) clob.broadcast(bookFrame(m.id, m.up));
    }, 150);
    cleanups.push(async () => clearInterval(fresh));

    // Past the 1 s age limit the Down books are history, though their mirrors are as consistent as the Up ones.
    const h = await eventually(async () => {
      const r = await l.health();
      const live = r.books.filter((b) => b.live).length;
      return wsRow(r)?.state === 'live' && r.books.length === 4 && live === 2 ? r : null;
    });
    expect(h.books.filter((b) => b.live).map((b) => b.token_id)).toEqual(MARKETS.map((m) => m.up));
    const row = wsRow(h)!;
    expect(row.counts).toMatchObject({ books_live: 2, books_tracked: 4 });
    expect(row.reason).toMatch(/^2\/4 books live, oldest update \d+\.\d s ago$/);
    // Top level: the markets with a live book — both, each by its Up book.
    expect(h.books_live).toBe(2);

    // Whatever the moment, one response never disagrees with itself.
    for (let i = 0; i < 10; i++) {
      const r = await l.health();
      const ws = wsRow(r)!;
      if (ws.state !== 'live') continue;
      const live = r.books.filter((b) => b.live).length;
      expect(ws.counts!.books_live).toBe(live);
      expect(ws.reason).toMatch(new RegExp(`^${live}/${r.books.length} books live`));
    }
  }, 20_000);
});
