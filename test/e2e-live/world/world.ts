/**
 * Every public server paper-live reads, faked on 127.0.0.1 in the real formats: the six
 * venues printing BTC trades (test/integration/fakes/venueProtocols.ts), Gamma listing the
 * test's market windows (gammaFake.ts), the CLOB market channel with live books and
 * official results (marketSocket.ts), CLOB REST (`/book` for resyncs, `/markets/<id>` for
 * results), and the real-time data socket with the Chainlink spot and TWAP topics and
 * Binance (rtds.ts). `env` points a `polylab run` at all of them; `guard` judges every
 * request the lab made (readOnly.ts).
 */
import { readFileSync } from 'node:fs';
import type { MarketFamily } from '../../../src/core/events.ts';
import { VENUES, type VenueName } from '../../../src/app/config.ts';
import { fakeClobRest, type FakeRest } from '../../integration/fakes/polymarket.ts';
import { startFakeVenue, type FakeVenue } from '../../integration/fakes/venueServers.ts';
import { FakeGamma, gammaEvent } from '../../integration/gammaFake.ts';
import { ReadOnlyGuard } from '../readOnly.ts';
import { FakeBooks, type Levels } from './books.ts';
import { startMarketSocket, type MarketSocket } from './marketSocket.ts';
import { startRtds, type RtdsFake, type RtdsLevels } from './rtds.ts';

type Json = Record<string, unknown>;

export interface WindowSpec {
  family: MarketFamily;
  /** Window start, whole seconds (any time: past, present or future). */
  startMs: number;
  /** Gamma's `eventMetadata.priceToBeat`; without it the lab fixes the price at the window start. */
  priceToBeat?: number;
  /** A 5-minute market resolving on the Chainlink 30 s TWAP (gamma_market_btc_updown_5m_twap30.json). */
  twap30?: boolean;
}

export interface WorldMarket {
  spec: WindowSpec;
  conditionId: string;
  slug: string;
  up: string;
  down: string;
  endMs: number;
}

/** The BTC level each venue prints around (the median forms at SPOT). */
export const SPOT = 64_000;
/** Venue offsets from SPOT: the median of six is SPOT exactly. */
const VENUE_OFFSETS: Record<VenueName, number> = { coinbase: -1.5, kraken: -0.5, bitstamp: 0.5, okx: 1.5, bybit: -2.5, binance: 2.5 };
/** Each topic of the data socket prints its own level. */
export const RTDS_LEVELS: RtdsLevels = {
  crypto_prices_chainlink: 64_001.25,
  crypto_prices_twap_thirty: 64_010.5,
  crypto_prices_twap_sixty: 64_020.25,
  crypto_prices: 64_005,
};
const TRADE_MS = 150;

const twap = JSON.parse(readFileSync('test/fixtures/polymarket/gamma_market_btc_updown_5m_twap30.json', 'utf8')) as Json;
const resolvedFixture = readFileSync('test/fixtures/polymarket/clob_market_closed_resolved_tokens_winner.json', 'utf8');

function eventFor(spec: WindowSpec): Json {
  const market: Json = spec.twap30
    ? { resolutionSource: twap.resolutionSource, cryptoMarketConfig: twap.cryptoMarketConfig, feeSchedule: twap.feeSchedule }
    : {};
  const event: Json = spec.priceToBeat !== undefined ? { eventMetadata: { priceToBeat: spec.priceToBeat } } : {};
  return gammaEvent(spec.family, spec.startMs, { market, event });
}

function marketOf(spec: WindowSpec, event: Json): WorldMarket {
  const m = (event.markets as Json[])[0]!;
  const ids = JSON.parse(m.clobTokenIds as string) as [string, string];
  const outcomes = JSON.parse(m.outcomes as string) as string[];
  const up = ids[outcomes.indexOf('Up')]!;
  const down = ids[outcomes.indexOf('Down')]!;
  return { spec, conditionId: m.conditionId as string, slug: m.slug as string, up, down, endMs: Date.parse(m.endDate as string) };
}

export interface World {
  env: Record<string, string>;
  venues: Record<VenueName, FakeVenue>;
  gamma: FakeGamma;
  clob: MarketSocket;
  rest: FakeRest;
  rtds: RtdsFake;
  books: FakeBooks;
  guard: ReadOnlyGuard;
  markets: WorldMarket[];
  /** Trades each venue has sent (per venue, ids are consecutive). */
  tradesSent: Record<VenueName, number>;
  /** Replaces a token's book: the socket publishes it, REST serves it. */
  setBook: (token: string, bids: Levels, asks: Levels) => void;
  /** Makes `outcome` the official result of `m` at `atMs`: a `market_resolved` on the socket and a resolved REST market. */
  resolveAt: (m: WorldMarket, outcome: 'Up' | 'Down', atMs: number) => void;
  close: () => Promise<void>;
}

export async function startWorld(windows: readonly WindowSpec[]): Promise<World> {
  const guard = new ReadOnlyGuard();
  const venueList = await Promise.all(VENUES.map((v) => startFakeVenue(v)));
  const venues = Object.fromEntries(venueList.map((v) => [v.venue, v])) as Record<VenueName, FakeVenue>;
  const tradesSent = Object.fromEntries(VENUES.map((v) => [v, 0])) as Record<VenueName, number>;
  let side = 0;
  const trades = setInterval(() => {
    side += 1;
    for (const v of venueList) {
      const px = SPOT + VENUE_OFFSETS[v.venue] + (side % 2 === 0 ? 0.25 : -0.25);
      if (v.sendTrade({ px, id: tradesSent[v.venue] + 1, qty: 0.01, side: side % 2 === 0 ? 'buy' : 'sell' }) > 0) tradesSent[v.venue] += 1;
    }
  }, TRADE_MS);

  const gamma = new FakeGamma();
  await gamma.start();
  const events = windows.map(eventFor);
  gamma.listed.push(...events);
  const markets = windows.map((w, i) => marketOf(w, events[i]!));

  const books = new FakeBooks();
  for (const m of markets) for (const t of [m.up, m.down]) books.add(m.conditionId, t);
  const clob = await startMarketSocket(books);
  const rest = await fakeClobRest();
  for (const t of books.tokens()) rest.books.set(t, books.restBody(t, Date.now()));
  const rtds = await startRtds({ ...RTDS_LEVELS });
  for (const v of venueList) guard.venue(v);
  guard.socket('polymarket_ws', clob.ws);
  guard.socket('rtds', rtds.ws);
  guard.rest(rest);
  guard.gamma(gamma);

  const timers: NodeJS.Timeout[] = [];
  const env: Record<string, string> = {
    POLYLAB_VENUES: VENUES.join(','),
    POLYLAB_MARKETS: [...new Set(windows.map((w) => w.family))].join(','),
    POLYLAB_GAMMA_URL: gamma.url,
    POLYLAB_CLOB_URL: rest.url,
    POLYLAB_CLOB_WS_URL: clob.ws.url,
    POLYLAB_RTDS_URL: rtds.ws.url,
  };
  for (const v of venueList) env[`POLYLAB_${v.venue.toUpperCase()}_WS_URL`] = v.url;
  return {
    env,
    venues,
    gamma,
    clob,
    rest,
    rtds,
    books,
    guard,
    markets,
    tradesSent,
    setBook: (token, bids, asks) => {
      books.set(token, bids, asks);
      rest.books.set(token, books.restBody(token, Date.now()));
      clob.publish(token);
    },
    resolveAt: (m, outcome, atMs) => {
      const winner = outcome === 'Up' ? m.up : m.down;
      timers.push(
        setTimeout(
          () => {
            const body = JSON.parse(resolvedFixture) as Json;
            Object.assign(body, {
              condition_id: m.conditionId,
              market_slug: m.slug,
              question: `Bitcoin Up or Down ${m.slug}`,
              closed: true,
            });
            body.tokens = [
              { token_id: m.up, outcome: 'Up', price: outcome === 'Up' ? 1 : 0, winner: outcome === 'Up' },
              { token_id: m.down, outcome: 'Down', price: outcome === 'Down' ? 1 : 0, winner: outcome === 'Down' },
            ];
            rest.markets.set(m.conditionId, body);
            clob.resolve(m.conditionId, [m.up, m.down], winner, outcome);
          },
          Math.max(0, atMs - Date.now()),
        ),
      );
    },
    close: async () => {
      clearInterval(trades);
      for (const t of timers) clearTimeout(t);
      await Promise.all([...venueList.map((v) => v.close()), gamma.close(), clob.close(), rest.close(), rtds.close()]);
    },
  };
}

/** Whole seconds: Gamma's window times and the fake's ids are built from them. */
export const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
