// Goal: on loopback fakes, the data socket streams Chainlink prices as reference_price inputs that fix the price to beat, and the resolution watcher's official (socket) or own (reference prints) result settles a real Engine position, with a later disagreeing official result recorded.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import type { InputEvent, MarketInfo } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { startPolymarketFeeds } from '../../src/polymarket/polymarketFeeds.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { fakeClobRest, fakeWsServer, until } from './fakes/polymarket.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');
const UP = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const DOWN = '52114319501245915516055106046884209969926127482827954674443846427813813222426';
const COND = '0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917';

function market(startMs: number, endMs: number): MarketInfo {
  return {
    market_id: COND,
    slug: 'btc-updown-5m-x',
    question: 'Bitcoin Up or Down',
    family: '5m',
    window_start_ms: startMs,
    window_end_ms: endMs,
    tokens: [
      { token_id: UP, outcome: 'Up' },
      { token_id: DOWN, outcome: 'Down' },
    ],
    tick_size: 0.01,
    min_size: 5,
    fee: { rate: 0.07, exponent: 1, taker_only: true },
    resolution: { rule: 'end_gte_start', source: 'chainlink' },
    price_to_beat: null,
    price_to_beat_estimated: false,
  };
}

/** A Chainlink update frame: the live fixture with another price and time. */
function chainlink(tsMs: number, px: number): string {
  const o = JSON.parse(fx('rtds_chainlink_update_live.json')) as { payload: Record<string, unknown> };
  Object.assign(o.payload, { timestamp: tsMs, value: px });
  return JSON.stringify(o);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(rtdsFrames: string[], now: () => number = Date.now) {
  const ws = await fakeWsServer();
  const rtds = await fakeWsServer((sock, text) => {
    if (text.includes('crypto_prices_chainlink')) for (const f of rtdsFrames) sock.send(f);
  });
  const rest = await fakeClobRest();
  // No "no new risk before the end" gate: the test windows last seconds.
  const engine = buildEngine(loadConfig({ POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS: '0' }), 'paper-live', 'it', null);
  const outputs: OutputEvent[] = [];
  const inputs: InputEvent[] = [];
  const step = (e: InputEvent) => {
    inputs.push(e);
    outputs.push(...engine.step(e));
  };
  const feeds = startPolymarketFeeds({
    clobWsUrl: ws.url,
    clobUrl: rest.url,
    rtdsUrl: rtds.url,
    emit: step,
    now,
    rtdsPingIntervalMs: 100,
    tickMs: 50,
    snapshotWaitMs: 60_000,
    backoff: { initialMs: 20, maxMs: 400 },
    resolution: { settleDelayMs: 200, pollIntervalMs: 100 },
  });
  cleanups.push(ws.close, rtds.close, rest.close, () => feeds.close());
  return { ws, rtds, rest, feeds, step, inputs, outputs };
}

/**
 * Three venues (the default minimum) and the Chainlink stream at `px`, then a timer: the
 * engine computes a median and evaluates markets (fair value starts from the live Chainlink price).
 */
function tick(step: (e: InputEvent) => void, px: number): void {
  const ts = Date.now();
  for (const venue of ['coinbase', 'kraken', 'bitstamp'])
    step({
      event_type: 'venue_trade',
      venue,
      symbol: 'BTC-USD',
      px,
      qty: 0.1,
      side: 'buy',
      trade_id: `${venue}${ts}`,
      ts_exchange_ms: ts,
      ts_unix_ms: ts,
    });
  step({ event_type: 'reference_price', source: 'chainlink', symbol: 'btc/usd', px, ts_exchange_ms: ts, ts_unix_ms: ts });
  step({ event_type: 'timer', ts_unix_ms: ts });
}

const of = <T extends OutputEvent['event_type']>(out: OutputEvent[], t: T) =>
  out.filter((e): e is Extract<OutputEvent, { event_type: T }> => e.event_type === t);

describe('Polymarket reference prices and resolution', () => {
  it('streams Chainlink prices from the data socket, pings it, and reports its health', async () => {
    const t = Date.now();
    const { rtds, inputs, feeds } = await rig([
      fx('rtds_chainlink_snapshot_test.json'),
      chainlink(t, 65_000.5),
      chainlink(t, 65_000.5),
      fx('rtds_crypto_prices_update.json'),
    ]);
    await until(() => inputs.filter((e) => e.event_type === 'reference_price').length === 4);
    await until(() => rtds.received[0]!.includes('PING'));
    expect(rtds.received[0]!.slice(0, 2).map((f) => JSON.parse(f) as object)).toEqual([
      JSON.parse(fx('rtds_subscribe_chainlink_btc.json')),
      { action: 'subscribe', subscriptions: [{ topic: 'crypto_prices', type: 'update' }] },
    ]);
    const refs = inputs.filter((e) => e.event_type === 'reference_price');
    expect(refs.map((r) => [r.source, r.px])).toEqual([
      ['chainlink', 1],
      ['chainlink', 2],
      ['chainlink', 65_000.5],
      ['binance', 61035.86],
    ]);
    expect(feeds.stats().rtds).toMatchObject({ prices: 4, duplicates: 1, invalid: 0 });
  });

  it('settles a filled position when the market socket announces the official winner after the window, ignoring one sent before it ends', async () => {
    // The feeds' clock: the wall clock, moved to just past the end's tolerance once the
    // mid-window refusal is seen. A window long enough that a loaded machine still sends the
    // first result mid-window, without the test waiting out that window.
    let aheadMs = 0;
    const start = Date.now() - 2_000;
    const m = market(start, start + 120_000);
    const { ws, step, inputs, outputs, feeds } = await rig([chainlink(start, 60_000)], () => Date.now() + aheadMs);
    step({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    feeds.setMarkets([m]);
    await until(() => (ws.received[0]?.length ?? 0) > 0 && inputs.some((e) => e.event_type === 'reference_price'));
    ws.sendTo(0, fx('ws_market_book.json')); // Up token: bids 0.50 / 0.49, asks 0.51 / 0.52
    await until(() => of(outputs, 'quote').length === 1);
    tick(step, 70_000); // spot far above the price to beat: Up is worth ~1, its ask is 0.51
    expect(of(outputs, 'risk_reject')).toEqual([]);
    expect(of(outputs, 'paper_intent')).toHaveLength(1);
    // The order waits out its latency and the market's taker delay: tick until it has filled
    // (a state), not for a fixed time.
    await until(() => {
      tick(step, 70_000);
      return of(outputs, 'paper_fill').length > 0;
    });
    const fill = of(outputs, 'paper_fill')[0]!;
    expect(fill).toMatchObject({ token_id: UP, side: 'buy', qty: 20, fill_px: 0.51 });
    const resolved = JSON.parse(fx('ws_market_market_resolved.json')) as Record<string, unknown>;
    const official = JSON.stringify({ ...resolved, market: COND, assets_ids: [UP, DOWN], winning_asset_id: UP, winning_outcome: 'Up' });
    // Mid-window (more than the 5 s clock tolerance before the end): refused and counted.
    ws.sendTo(0, official);
    await until(() => feeds.stats().resolution.refused === 1);
    expect(feeds.stats().resolution.refused_by).toEqual({ window_not_ended: 1 });
    expect(of(outputs, 'settlement')).toEqual([]);
    expect(Date.now()).toBeLessThan(m.window_end_ms - 5_000);
    aheadMs = m.window_end_ms - 5_000 + 50 - Date.now();
    ws.sendTo(0, official);
    await until(() => of(outputs, 'settlement').length === 1);
    expect(of(outputs, 'settlement')[0]).toMatchObject({
      market_id: COND,
      winning_token_id: UP,
      winning_outcome: 'Up',
      source: 'official',
      payout: 20,
    });
    // Fees are booked at the fill; the settlement realizes payout minus cost.
    expect(of(outputs, 'settlement')[0]!.realized_pnl).toBeCloseTo(20 - 20 * 0.51, 9);
  });

  it('settles from our own Chainlink reading at window end, then records the official result that disagrees', async () => {
    const end = Date.now() - 300;
    const start = end - 300_000;
    const m = market(start, end);
    const { rest, step, inputs, outputs, feeds } = await rig([chainlink(start, 60_000), chainlink(end, 60_010)]);
    const body = JSON.parse(fx('clob_market_closed_resolved_tokens_winner.json')) as {
      condition_id: string;
      tokens: { token_id: string; winner: boolean }[];
    };
    body.condition_id = COND;
    body.tokens[0]!.token_id = DOWN; // the fixture's winner (index 0) becomes Down
    body.tokens[1]!.token_id = UP;
    step({ event_type: 'market_discovered', market: m, ts_unix_ms: Date.now() });
    step({
      event_type: 'book_snapshot',
      market_id: COND,
      token_id: UP,
      bids: [[0.5, 100]],
      asks: [[0.51, 100]],
      ts_exchange_ms: start,
      ts_unix_ms: Date.now(),
    });
    feeds.setMarkets([m]);
    await until(() => of(outputs, 'settlement').length === 1);
    expect(of(outputs, 'settlement')[0]).toMatchObject({ source: 'own', winning_outcome: 'Up', winning_token_id: UP });
    rest.markets.set(COND, body);
    await until(() => feeds.stats().resolution.disagreements === 1);
    expect(feeds.stats().resolution.recent_disagreements[0]).toMatchObject({ market_id: COND, own: 'Up', official: 'Down' });
    const resolvedInputs = inputs.filter((e) => e.event_type === 'market_resolved');
    expect(resolvedInputs.map((e) => (e.event_type === 'market_resolved' ? [e.source, e.winning_outcome] : null))).toEqual([
      ['own', 'Up'],
      ['official', 'Down'],
    ]);
    expect(rest.requests.some((r) => r === `/markets/${COND}`)).toBe(true);
    // The official result wins: the engine re-settles and records what it corrected.
    const settlements = of(outputs, 'settlement');
    expect(settlements).toHaveLength(2);
    expect(settlements[1]).toMatchObject({ source: 'official', winning_outcome: 'Down', corrects_outcome: 'Up' });
  });
});
