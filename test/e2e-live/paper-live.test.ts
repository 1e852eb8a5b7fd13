// Goal: the real `polylab run`, in its default paper-live mode against loopback fakes of every public server it reads, forms the median, discovers markets of several families, mirrors their books, trades on paper, rolls a window over and settles it by its official result, journals all of it, replays its capture to the same fills — and sends nothing but reads anywhere.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../integration/fakes/cli.ts';
import { expectFillsIntact } from './faultStep.ts';
import { digestOf, LabProcess, LabStream, poll, polylab, type Ev, type Health } from './lab.ts';
import { RTDS_LEVELS, SPOT, startWorld, wholeSecond, type World, type WorldMarket } from './world/world.ts';

/** The current 5-minute window ends this long after the fakes start: enough for the lab to start and trade it. */
const A_END_AFTER_MS = 40_000;
/** The official result of that window arrives this long after its end, on the market socket (and CLOB REST). */
const RESULT_DELAY_MS = 1_500;
/** Gamma is polled every 15 s: the window after next is found within one poll of the rollover (plus slack). */
const NEXT_DISCOVERY_MS = 25_000;

const t0 = wholeSecond(Date.now());
const aEnd = t0 + A_END_AFTER_MS;
const WINDOWS = [
  // 5m, current: its price to beat (Gamma's) is far below the spot, so Up is worth ~1 and its ask of 0.51 is an edge.
  { family: '5m' as const, startMs: aEnd - 300_000, priceToBeat: 60_000 },
  // 5m, next: a Chainlink 30 s TWAP market whose price to beat the lab reads from the TWAP topic at its start.
  { family: '5m' as const, startMs: aEnd, twap30: true },
  // 5m, after next: listed from the start, but only discovered once the current window has rolled over.
  { family: '5m' as const, startMs: aEnd + 300_000 },
  // 15m: price to beat far above the spot, so Down is worth ~1.
  { family: '15m' as const, startMs: t0 - 300_000, priceToBeat: 70_000 },
  // 1h (Binance candle): price to beat at the spot, no edge either way.
  { family: '1h' as const, startMs: t0 - 1_200_000, priceToBeat: SPOT },
];

describe('paper-live end to end (the real process against loopback fakes)', () => {
  let world: World;
  let lab: LabProcess;
  let stream: LabStream;
  let api: string;
  let A: WorldMarket, B: WorldMarket, B1: WorldMarket, C: WorldMarket, D: WorldMarket;
  const data = tempDataDir('polylab-e2e-data-');
  const capture = tempDataDir('polylab-e2e-capture-');
  const env = () => ({
    ...world.env,
    POLYLAB_DATA_DIR: data,
    POLYLAB_STRATEGY: 'fair-value',
    POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS: '5000',
    POLYLAB_JOURNAL_COMMIT_MS: '50',
    // The official result comes 1.5 s after the end; the own reading waits a minute, so a
    // loaded machine cannot let the own reading settle first (the rollover test needs the official one).
    POLYLAB_OWN_READING_DELAY_MS: '60000',
  });

  beforeAll(async () => {
    world = await startWorld(WINDOWS);
    [A, B, B1, C, D] = world.markets as [WorldMarket, WorldMarket, WorldMarket, WorldMarket, WorldMarket];
    world.resolveAt(A, 'Up', A.endMs + RESULT_DELAY_MS);
    lab = new LabProcess(['--capture', capture], env());
    api = await lab.api;
    stream = new LabStream(api);
    await stream.opened;
  }, 30_000);

  afterAll(async () => {
    stream?.close();
    lab?.kill('SIGKILL');
    await lab?.exited;
    await world?.close();
  });

  it('forms the median from all six venues, over HTTP and the WebSocket stream', async () => {
    const median = await poll('a six-venue median on the stream', () => stream.of('btc_median').find((e) => e.venue_count === 6), 30_000);
    expect(median.px_median).toBeGreaterThanOrEqual(SPOT - 0.25);
    expect(median.px_median).toBeLessThanOrEqual(SPOT + 0.25);
    const health = await poll(
      'six live venues',
      async () => {
        const h = await lab.health();
        return h.venues_contributing === 6 ? h : null;
      },
      20_000,
    );
    expect(health.mode).toBe('paper-live');
    for (const v of Object.keys(world.venues))
      expect(
        health.sources.find((s) => s.source === v),
        v,
      ).toMatchObject({ state: 'live', parse_errors: 0 });
  }, 40_000);

  it('discovers markets of three families with their own rules, and mirrors their books live', async () => {
    type View = {
      market: {
        market_id: string;
        family: string;
        resolution: { rule: string; source: string; lookback_s?: number };
        price_to_beat: number | null;
      };
      quotes: { token_id: string; best_bid: number | null; best_ask: number | null }[];
    };
    await poll('/readyz 200', async () => (await fetch(`${api}/readyz`)).status === 200, 30_000);
    const markets = await poll(
      'four markets with books',
      async () => {
        const m = (await lab.json<{ markets: View[] }>('/markets/discovered')).markets;
        return m.length === 4 && m.every((v) => v.quotes.every((q) => q.best_ask !== null)) ? m : null;
      },
      20_000,
    );
    const byId = new Map(markets.map((m) => [m.market.market_id, m]));
    expect([...byId.keys()].sort()).toEqual([A, B, C, D].map((m) => m.conditionId).sort());
    expect(new Set(markets.map((m) => m.market.family))).toEqual(new Set(['5m', '15m', '1h']));
    expect(byId.get(A.conditionId)!.market).toMatchObject({
      resolution: { rule: 'end_gte_start', source: 'chainlink' },
      price_to_beat: 60_000,
    });
    expect(byId.get(B.conditionId)!.market).toMatchObject({
      resolution: { rule: 'twap_gte_start', source: 'chainlink', lookback_s: 30 },
      price_to_beat: null,
    });
    expect(byId.get(D.conditionId)!.market).toMatchObject({
      family: '1h',
      resolution: { rule: 'candle_close_gte_open', source: 'binance' },
    });
    // Each token's quote is the fake's book: the fixture's 0.50 bid and 0.51 ask.
    for (const m of markets) for (const q of m.quotes) expect([q.best_bid, q.best_ask], q.token_id).toEqual([0.5, 0.51]);
    // Polymarket's sources report every 5 s.
    const tokens = [A, B, C, D].flatMap((m) => [m.up, m.down]).sort();
    const liveBooks = (h: Health) =>
      h.books
        .filter((b) => b.live)
        .map((b) => b.token_id)
        .sort();
    const health = await poll(
      'Gamma, the market socket and the data socket live, and every book',
      async () => {
        const h = await lab.health();
        const sourcesLive = ['gamma', 'polymarket_ws', 'rtds'].every((s) => h.sources.find((x) => x.source === s)?.state === 'live');
        return sourcesLive && liveBooks(h).length === tokens.length ? h : null;
      },
      15_000,
    );
    expect(liveBooks(health)).toEqual(tokens);
    expect(health.books_live).toBe(4);
    // The data socket was asked for every topic the lab reads.
    expect(world.rtds.topics()).toEqual([
      'crypto_prices',
      'crypto_prices_chainlink',
      'crypto_prices_twap_sixty',
      'crypto_prices_twap_thirty',
    ]);
  }, 60_000);

  it('trades the edges on paper: intents, then fills at the book, each once and journaled as streamed', async () => {
    const fillsOn = (m: WorldMarket, token: string) =>
      stream.of('paper_fill').filter((f) => f.market_id === m.conditionId && f.token_id === token);
    await poll(
      'fills on Up of the 5-minute window and on Down of the 15-minute one',
      () => fillsOn(A, A.up).length >= 2 && fillsOn(C, C.down).length >= 2,
      Math.max(10_000, A.endMs - Date.now()),
    );
    const intents = new Map(stream.of('paper_intent').map((i) => [i.intent_id as string, i]));
    for (const f of stream.of('paper_fill')) {
      // Every fill answers an intent streamed before it, at the fake's 0.51 ask, with the taker fee.
      expect(intents.get(f.intent_id as string), String(f.intent_id)).toMatchObject({ side: 'buy', limit_px: 0.51, token_id: f.token_id });
      expect(f).toMatchObject({ side: 'buy', fill_px: 0.51, liquidity: 'taker' });
      expect(f.fee as number).toBeGreaterThan(0);
    }
    // Only the tokens with an edge were bought (the next window, once it starts, has its own).
    expect(
      new Set(
        stream
          .of('paper_fill')
          .filter((f) => (f.ts_unix_ms as number) < A.endMs)
          .map((f) => f.token_id),
      ),
    ).toEqual(new Set([A.up, C.down]));
    await expectJournalMatchesStream(lab, stream);
  }, 90_000);

  it('rolls the 5-minute window over: the ended one settles by its official result, the next fixes its price from the TWAP topic, the one after is found', async () => {
    const settlement = await poll(
      'the settlement of the ended window',
      () => stream.of('settlement').find((s) => s.market_id === A.conditionId),
      Math.max(0, A.endMs - Date.now()) + 30_000,
    );
    const heldUp = stream
      .of('paper_fill')
      .filter((f) => f.token_id === A.up)
      .reduce((s, f) => s + (f.qty as number), 0);
    expect(heldUp).toBeGreaterThan(0);
    expect(settlement).toMatchObject({ source: 'official', winning_token_id: A.up, winning_outcome: 'Up' });
    expect(settlement.payout).toBeCloseTo(heldUp, 9);
    expect(settlement.ts_unix_ms as number).toBeGreaterThanOrEqual(A.endMs + RESULT_DELAY_MS);
    // The next window fixed its price to beat at its start from the 30 s TWAP topic (not the spot topic, not the median).
    const fixed = await poll(
      "the next window's price to beat",
      () =>
        stream
          .of('market_discovered')
          .map((e) => e.market as Ev)
          .find((m) => m.market_id === B.conditionId && m.price_to_beat !== null),
      20_000,
    );
    expect(fixed).toMatchObject({ price_to_beat: RTDS_LEVELS.crypto_prices_twap_thirty, price_to_beat_estimated: false });
    await poll(
      'the window after next discovered',
      () => stream.of('market_discovered').some((e) => (e.market as Ev).market_id === B1.conditionId),
      NEXT_DISCOVERY_MS,
    );
    const ids = await poll(
      'the ended window gone from the active markets',
      async () => {
        const m = (await lab.json<{ markets: { market: { market_id: string } }[] }>('/markets/discovered')).markets.map(
          (v) => v.market.market_id,
        );
        return m.includes(A.conditionId) ? null : m;
      },
      10_000,
    );
    expect(ids.sort()).toEqual([B, B1, C, D].map((m) => m.conditionId).sort());
    // Positions are the fills of the markets not settled yet, share for share.
    await poll(
      'positions equal to the unsettled fills',
      async () => {
        const held = new Map<string, number>();
        for (const f of stream.of('paper_fill'))
          if (f.market_id !== A.conditionId) held.set(f.token_id as string, (held.get(f.token_id as string) ?? 0) + (f.qty as number));
        const pos = (await lab.json<{ positions: { token_id: string; qty: number }[] }>('/positions')).positions;
        return pos.length === held.size && pos.every((p) => Math.abs(p.qty - (held.get(p.token_id) ?? -1)) < 1e-9);
      },
      5_000,
    );
  }, 120_000);

  it('has no route that takes an order: every documented operation is a GET, and writes anywhere are refused', async () => {
    const spec = await lab.json<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
    const paths = Object.keys(spec.paths);
    expect(paths).toEqual(expect.arrayContaining(['/feed/health', '/fills', '/positions', '/markets/discovered']));
    for (const [p, ops] of Object.entries(spec.paths))
      expect(
        Object.keys(ops).filter((m) => !['get', 'head', 'parameters'].includes(m)),
        p,
      ).toEqual([]);
    const targets = [
      ...paths.map((p) => p.replace(/\{[^}]+\}/g, 'x')),
      '/',
      '/ws',
      '/order',
      '/orders',
      '/orders/1',
      '/cancel',
      '/cancel-all',
      '/trade',
      '/api/order',
      '/v1/orders',
    ];
    const order = JSON.stringify({ market: A.conditionId, token_id: C.down, side: 'BUY', price: 0.51, size: 20 });
    for (const path of targets) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const r = await fetch(
          `${api}${path}`,
          method === 'DELETE' ? { method } : { method, headers: { 'content-type': 'application/json' }, body: order },
        );
        expect([404, 405], `${method} ${path}`).toContain(r.status);
      }
    }
  }, 30_000);

  it('stops cleanly on SIGTERM; the journal holds the run: its fills, settlement and status', async () => {
    await expectJournalMatchesStream(lab, stream);
    lab.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
    expect(digestOf(lab.stdout)).toBeDefined();
    const fills = stream.of('paper_fill');
    const runs = await polylab(['runs', '--json'], { POLYLAB_DATA_DIR: data });
    expect(runs.code).toBe(0);
    const [run] = JSON.parse(runs.stdout) as { run_id: string; mode: string; status: string; fills: number; settlements: number }[];
    expect(run).toMatchObject({ mode: 'paper-live', status: 'stopped', fills: fills.length, settlements: 1 });
    const report = await polylab(['report', '--json'], { POLYLAB_DATA_DIR: data });
    expect(report.code).toBe(0);
    const r = JSON.parse(report.stdout) as {
      fills: number;
      buys: number;
      settlements: number;
      fees_paid: number;
      markets: { market_id: string; fills: number; winning_outcome: string | null }[];
    };
    expect(r).toMatchObject({ fills: fills.length, buys: fills.length, settlements: 1 });
    expect(r.fees_paid).toBeCloseTo(
      fills.reduce((s, f) => s + (f.fee as number), 0),
      6,
    );
    expect(r.markets.find((m) => m.market_id === A.conditionId)).toMatchObject({
      winning_outcome: 'Up',
      fills: fills.filter((f) => f.market_id === A.conditionId).length,
    });
  }, 60_000);

  it('replays its capture to the same digest and the same fills', async () => {
    expect(fs.readdirSync(capture).length).toBeGreaterThan(0);
    const replay = await polylab(['replay', capture], { POLYLAB_DATA_DIR: data }, 120_000);
    expect(replay.code, replay.stderr).toBe(0);
    expect(digestOf(replay.stdout)).toBe(digestOf(lab.stdout));
    const runs = JSON.parse((await polylab(['runs', '--json'], { POLYLAB_DATA_DIR: data })).stdout) as {
      run_id: string;
      replay_of: string | null;
    }[];
    const original = runs.find((r) => r.replay_of === null)!;
    const replayed = runs.find((r) => r.replay_of === original.run_id)!;
    expect(replayed).toBeDefined();
    const fillsOf = async (runId: string) =>
      JSON.parse((await polylab(['report', '--run', runId, '--json'], { POLYLAB_DATA_DIR: data })).stdout) as {
        fills: number;
        fees_paid: number;
        realized_pnl: number | null;
      };
    const [a, b] = await Promise.all([fillsOf(original.run_id), fillsOf(replayed.run_id)]);
    expect(b).toMatchObject({ fills: a.fills, fees_paid: a.fees_paid, realized_pnl: a.realized_pnl });
    expect(a.fees_paid).toBeGreaterThan(0);
    expect(a.fills).toBe(stream.of('paper_fill').length);
  }, 150_000);

  it('sent every server nothing but reads: GETs, subscriptions and pings', () => {
    const seen = world.guard.seen();
    for (const server of ['coinbase', 'kraken', 'bitstamp', 'okx', 'bybit', 'binance', 'polymarket_ws', 'rtds', 'gamma', 'clob_rest'])
      expect(seen[server], server).toBeGreaterThan(0);
    expect(world.guard.violations()).toEqual([]);
  });
});

/** The stream was open before the first fill, and the journal holds exactly its fills, each once. */
async function expectJournalMatchesStream(lab: LabProcess, stream: LabStream): Promise<void> {
  expect((stream.of('connected')[0]?.snapshot as { recent_fills: Ev[] } | undefined)?.recent_fills).toEqual([]);
  await expectFillsIntact(lab, stream);
}
