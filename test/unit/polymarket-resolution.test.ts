// Goal: markets resolve from the first known outcome — our own reading of the right source (Chainlink end ≥ start, 60-s average, Binance candle) or the official result — and an official result that disagrees is emitted and recorded.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MarketInfo, MarketResolved, ReferencePrice } from '../../src/core/events.ts';
import { MarketRegistry } from '../../src/engine/markets.ts';
import { RestMarketSchema, type RestMarket, type RestResult } from '../../src/polymarket/clobRest.ts';
import { ownOutcome } from '../../src/core/resolution.ts';
import { ResolutionWatcher } from '../../src/polymarket/resolutionWatcher.ts';

const T0 = Date.UTC(2026, 2, 12, 9, 20);
const UP = '104239898038807136052399800151408521467737075933964991162589336683346093173875';
const DOWN = '71183960810705820955071415844881728181970340514894896943812046065452395013351';

function market(
  rule: MarketInfo['resolution']['rule'] = 'end_gte_start',
  source: MarketInfo['resolution']['source'] = 'chainlink',
  lenMs = 300_000,
): MarketInfo {
  return {
    market_id: '0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b',
    slug: 'btc-updown-5m-1773307200',
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
    resolution: { rule, source },
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
  ts_unix_ms: tsMs + 500,
});
const series = (fromMs: number, toMs: number, px: (t: number) => number, source: ReferencePrice['source'] = 'chainlink') => {
  const out: ReferencePrice[] = [];
  for (let t = fromMs; t <= toMs; t += 1_000) out.push(print(t, px(t), source));
  return out;
};

describe('ownOutcome', () => {
  it('reads Chainlink end ≥ start at the window edges, ties going to Up', () => {
    expect(ownOutcome(market(), [print(T0, 100), print(T0 + 300_000, 99.99)])).toEqual({ outcome: 'Down', startPx: 100, endPx: 99.99 });
    expect(ownOutcome(market(), [print(T0 + 1_000, 100), print(T0 + 301_000, 100)])?.outcome).toBe('Up');
    // The end reads at or after the edge: a print a second before the end is not the close.
    expect(ownOutcome(market(), [print(T0 + 1_000, 100), print(T0 + 299_000, 100)])).toBeNull();
    expect(ownOutcome(market(), [print(T0 - 10_000, 100), print(T0 + 300_000, 101)])).toBeNull();
  });

  it('compares 60-second averages for the TWAP variant, not the edge prints', () => {
    // Rising into the start, flat after: edge prints say Up, the averages say Down.
    const ps = [...series(T0 - 60_000, T0, (t) => 100 + (t - T0 + 60_000) / 1_000), ...series(T0 + 1_000, T0 + 300_000, () => 120)];
    ps[ps.length - 1] = print(T0 + 300_000, 161);
    const r = ownOutcome(market('avg60_gte_start'), ps)!;
    expect(r.startPx).toBeCloseTo(130.5, 6);
    expect(r.endPx).toBeCloseTo((120 * 59 + 161) / 60, 6);
    expect(r.outcome).toBe('Down');
    expect(ownOutcome(market(), ps)?.outcome).toBe('Up');
    expect(ownOutcome(market('avg60_gte_start'), [print(T0, 1), print(T0 + 300_000, 2)])).toBeNull();
  });

  it('reads a Binance 1-hour candle as close ≥ open from the first and last prints of the hour', () => {
    const m = market('candle_close_gte_open', 'binance', 3_600_000);
    const ps = [
      print(T0 - 1_000, 50, 'binance'),
      print(T0 + 400, 100, 'binance'),
      print(T0 + 1_800_000, 120, 'binance'),
      print(T0 + 3_599_000, 99, 'binance'),
      print(T0 + 3_600_000, 200, 'binance'),
    ];
    expect(ownOutcome(m, ps)).toEqual({ outcome: 'Down', startPx: 100, endPx: 99 });
  });
});

describe('MarketRegistry price to beat', () => {
  it('uses the trailing 60-second Chainlink average at window start for the TWAP variant', () => {
    const reg = new MarketRegistry();
    reg.add(market('avg60_gte_start'));
    for (const p of series(T0 - 59_000, T0, (t) => 100 + (t - T0 + 59_000) / 1_000)) reg.observeReference(p);
    reg.advance(T0 + 100, 90);
    expect(reg.get(market().market_id)!.info).toMatchObject({ price_to_beat: 129.5, price_to_beat_estimated: false });
  });

  it('waits for the print at the window start before fixing it, then falls back to the median flagged estimated', () => {
    const reg = new MarketRegistry();
    reg.add(market());
    reg.observeReference(print(T0 - 2_000, 100));
    reg.advance(T0 + 100, 90);
    expect(reg.get(market().market_id)!.info.price_to_beat).toBeNull();
    reg.observeReference(print(T0, 101));
    reg.advance(T0 + 1_000, 90);
    expect(reg.get(market().market_id)!.info).toMatchObject({ price_to_beat: 101, price_to_beat_estimated: false });
    const reg2 = new MarketRegistry();
    reg2.add(market());
    reg2.advance(T0 + 6_000, 90);
    expect(reg2.get(market().market_id)!.info).toMatchObject({ price_to_beat: 90, price_to_beat_estimated: true });
  });
});

/** The market channel's `market_resolved` for market() naming `winner`. */
const claim = (winner: string) => ({
  market_id: market().market_id,
  token_ids: [UP, DOWN],
  winning_token_id: winner,
  winning_outcome: winner === UP ? 'Up' : 'Down',
});

describe('ResolutionWatcher', () => {
  function watcher(fetchMarket?: (id: string) => Promise<RestResult<RestMarket>>) {
    let now = T0;
    const out: MarketResolved[] = [];
    const w = new ResolutionWatcher({ emit: (e) => out.push(e), now: () => now, fetchMarket, settleDelayMs: 2_000, pollIntervalMs: 1_000 });
    return {
      w,
      out,
      setNow: (t: number) => {
        now = t;
      },
    };
  }

  it('emits our own result after the window ends, then the disagreeing official one, and records the disagreement', () => {
    const { w, out, setNow } = watcher();
    w.setMarkets([market()]);
    w.observeReference(print(T0, 100));
    w.observeReference(print(T0 + 300_000, 101));
    setNow(T0 + 301_000);
    w.tick();
    expect(out).toEqual([]);
    setNow(T0 + 302_500);
    w.tick();
    expect(out).toEqual([
      {
        event_type: 'market_resolved',
        market_id: market().market_id,
        winning_token_id: UP,
        winning_outcome: 'Up',
        source: 'own',
        ts_unix_ms: T0 + 302_500,
      },
    ]);
    expect(w.onOfficial(claim(DOWN), 'socket')).toBe(true);
    expect(out[1]).toMatchObject({ source: 'official', winning_outcome: 'Down', winning_token_id: DOWN });
    expect(w.counters).toMatchObject({ own: 1, official: 1, officialAfterOwn: 1, disagreements: 1 });
    expect(w.disagreements[0]).toMatchObject({ own: 'Up', official: 'Down' });
    expect(w.onOfficial(claim(DOWN), 'socket')).toBe(false);
  });

  it('reads a daily market once its noon candle closes, and emits a 50-50 on equal closes', () => {
    const { w, out, setNow } = watcher();
    const daily = market('minute_close_vs_close', 'binance', 86_400_000);
    w.setMarkets([daily]);
    w.observeReference(print(T0 + 59_000, 100, 'binance'));
    w.observeReference(print(T0 + 86_400_000 + 30_000, 100, 'binance'));
    // Mid-candle: the close is not known yet, even past the settle delay.
    setNow(T0 + 86_400_000 + 30_000);
    w.tick();
    expect(out).toEqual([]);
    w.observeReference(print(T0 + 86_400_000 + 59_500, 100, 'binance'));
    w.observeReference(print(T0 + 86_400_000 + 60_000, 101, 'binance'));
    setNow(T0 + 86_400_000 + 62_500);
    w.tick();
    expect(out).toEqual([
      expect.objectContaining({
        source: 'own',
        winning_token_id: UP,
        winning_outcome: 'Up',
        split: true,
        ts_unix_ms: T0 + 86_400_000 + 62_500,
      }),
    ]);
  });

  it('emits the official result first when it arrives before our own reading, and still compares later', () => {
    const { w, out, setNow } = watcher();
    w.setMarkets([market()]);
    setNow(T0 + 300_000);
    w.onOfficial(claim(UP), 'socket');
    expect(out.map((e) => e.source)).toEqual(['official']);
    w.observeReference(print(T0, 100));
    w.observeReference(print(T0 + 300_000, 99));
    setNow(T0 + 303_000);
    w.tick();
    expect(out).toHaveLength(1);
    expect(w.counters.disagreements).toBe(1);
  });

  it('polls CLOB /markets after window end and takes tokens[].winner as the official result', async () => {
    const body = JSON.parse(readFileSync('test/fixtures/polymarket/clob_market_closed_resolved_tokens_winner.json', 'utf8')) as {
      condition_id: string;
      tokens: { token_id: string }[];
    };
    body.condition_id = market().market_id;
    body.tokens[0]!.token_id = DOWN;
    body.tokens[1]!.token_id = UP;
    const asked: string[] = [];
    const { w, out, setNow } = watcher(async (id) => {
      asked.push(id);
      return { ok: true, value: RestMarketSchema.parse(body) };
    });
    w.setMarkets([market()]);
    setNow(T0 + 299_000);
    w.tick();
    expect(asked).toEqual([]);
    setNow(T0 + 300_000);
    w.tick();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([market().market_id]);
    expect(out).toEqual([expect.objectContaining({ source: 'official', winning_token_id: DOWN, winning_outcome: 'Down' })]);
  });
});
