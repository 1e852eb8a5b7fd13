/**
 * A loopback Gamma for tests: a real node:http server on 127.0.0.1 that answers
 * `GET /events?slug=…` and `GET /events?series_id=…` with events built from copies of the
 * real fixtures (window times, slugs, ids and descriptions shifted per family/window).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { MarketFamily } from '../../src/core/events.ts';
import { BTC_SERIES_IDS } from '../../src/polymarket/discovery.ts';
import { candidateSlugs, familyFromSlug, windowEndMs, windowStartMs } from '../../src/polymarket/windows.ts';

type Json = Record<string, unknown>;
const FIX = 'test/fixtures/polymarket';
export const fixture = (name: string): Json => JSON.parse(readFileSync(`${FIX}/${name}`, 'utf8')) as Json;

// Rule texts as Polymarket publishes them (polymarket.com event pages; see windows.ts).
export const HOURLY_DESCRIPTION =
  'This market will resolve to "Up" if the close price is greater than or equal to the open price for the BTC/USDT 1 hour candle that begins on the time and date specified in the title. Otherwise, this market will resolve to "Down". The resolution source for this market is information from Binance, specifically the BTC/USDT pair (https://www.binance.com/en/trade/BTC_USDT). The close « C » and open « O » displayed at the top of the graph for the relevant "1H" candle will be used once the data for that candle is finalized.';
export const DAILY_DESCRIPTION =
  'This market will resolve to "Up" if the "Close" price for the Binance 1 minute candle for BTCUSDT 16 May 12:00 in the ET timezone (noon) is lower than the final "Close" price for the 17 May 12:00 ET candle.\nIf the final "Close" price for both of these candles is exactly equal on Binance, this market will resolve 50-50.\nThe resolution source for this market is Binance, specifically the BTCUSDT "Close" prices currently available at https://www.binance.com/en/trade/BTC_USDT with "1m" and "Candles" selected on the top bar.';

const RECURRENCE: Record<MarketFamily, string> = { '5m': '5m', '15m': '15m', '1h': 'hourly', '4h': '4h', '1d': 'daily' };

function hex64(n: number): string {
  return `0x${n.toString(16).padStart(64, '0')}`;
}

/** A Gamma event for the `family` window starting at `startMs`, from the 5m fixture. */
export function gammaEvent(family: MarketFamily, startMs: number, over: { market?: Json; event?: Json; slug?: string } = {}): Json {
  const base = fixture('gamma_market_btc_updown_5m.json');
  const baseEvent = (base.events as Json[])[0] as Json;
  delete base.events;
  const endMs = windowEndMs(family, startMs);
  const slug = over.slug ?? (candidateSlugs(family, startMs)[0] as string);
  const n = (startMs / 1000) * 10 + ['5m', '15m', '1h', '4h', '1d'].indexOf(family);
  const description = family === '1h' ? HOURLY_DESCRIPTION : family === '1d' ? DAILY_DESCRIPTION : base.description;
  const resolutionSource = family === '1h' || family === '1d' ? 'https://www.binance.com/en/trade/BTC_USDT' : base.resolutionSource;
  const market: Json = {
    ...base,
    id: String(n),
    conditionId: hex64(n),
    slug,
    question: `Bitcoin Up or Down - ${family} window ${new Date(startMs).toISOString()}`,
    description,
    resolutionSource,
    eventStartTime: new Date(startMs).toISOString(),
    endDate: new Date(endMs).toISOString(),
    clobTokenIds: JSON.stringify([`${n}1`, `${n}2`]),
    ...over.market,
  };
  const series = { ...((baseEvent.series as Json[])[0] as Json), id: BTC_SERIES_IDS[family], recurrence: RECURRENCE[family] };
  return {
    ...baseEvent,
    id: String(n),
    slug,
    ticker: slug,
    startTime: new Date(startMs).toISOString(),
    endDate: new Date(endMs).toISOString(),
    series: [series],
    markets: [market],
    ...over.event,
  };
}

export type FailMode = '500' | 'badjson' | '429' | 'stall';

export interface SeenRequest {
  method: string;
  path: string;
  params: URLSearchParams;
}

/** The fake: `listed` events are served as-is; `generate` makes up a window per asked slug. */
export class FakeGamma {
  listed: Json[] = [];
  /** When true, any well-formed `btc-updown-*`/`bitcoin-up-or-down-*` slug is answered with a fresh window. */
  generate = false;
  /** Failure modes for the next requests, consumed one per request. */
  failNext: FailMode[] = [];
  /** Failure for every request (until reset). */
  failAll: FailMode | null = null;
  retryAfter = '2';
  /**
   * Whether `/events/keyset` is served (`{events, next_cursor}`, Gamma's current list route);
   * when false it answers 404 like a Gamma without it, and the client falls back to `/events`.
   */
  keyset = true;
  /** Answer every request this many ms late (a slow server, for latency measurements). */
  delayMs = 0;
  requests: SeenRequest[] = [];
  url = '';
  private server: Server | null = null;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (this.delayMs > 0) setTimeout(() => this.handle(req, res), this.delayMs);
      else this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    this.server = null;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: u.pathname, params: u.searchParams });
    // Gamma is read-only for us: anything but GET is refused (and stays recorded above).
    if (req.method !== 'GET') return void res.writeHead(405).end();
    const fail = this.failNext.shift() ?? this.failAll;
    if (fail === 'stall') return; // never answer
    if (fail === '500') return void res.writeHead(500).end('oops');
    if (fail === '429') return void res.writeHead(429, { 'retry-after': this.retryAfter }).end('slow down');
    if (u.pathname === '/events/keyset' && !this.keyset) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (fail === 'badjson') return void res.end('[{"id": "1", "markets": [');
    if (u.pathname !== '/events' && u.pathname !== '/events/keyset') return void res.end('[]');
    try {
      const events = this.answer(u.searchParams);
      res.end(JSON.stringify(u.pathname === '/events' ? events : { events, next_cursor: null }));
    } catch (err) {
      res.end(JSON.stringify({ fakeError: String(err) })); // a shape error the client must count
    }
  }

  private answer(q: URLSearchParams): Json[] {
    const slug = q.get('slug');
    if (slug !== null) {
      const hit = this.listed.filter((e) => e.slug === slug);
      return hit.length > 0 || !this.generate ? hit : this.generated(slug);
    }
    const seriesId = q.get('series_id');
    const minEnd = Date.parse(q.get('end_date_min') ?? '1970-01-01T00:00:00Z');
    const limit = Number(q.get('limit') ?? 100);
    return this.listed
      .filter(
        (e) => (e.series as Json[] | undefined)?.[0]?.id === seriesId && Date.parse(e.endDate as string) > minEnd && e.closed !== true,
      )
      .sort((a, b) => Date.parse(a.endDate as string) - Date.parse(b.endDate as string))
      .slice(0, limit);
  }

  private generated(slug: string): Json[] {
    const family = familyFromSlug(slug);
    const m = /-(\d{9,11})$/.exec(slug);
    if (!family || !m) return [];
    const startMs = Number(m[1]) * 1000;
    return windowStartMs(family, startMs) === startMs ? [gammaEvent(family, startMs)] : [];
  }
}
