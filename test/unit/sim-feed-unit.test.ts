// Goal: the seeded feed's schedule and rules over seconds to a minute of sim: window lengths
// and the refusal of others, the oracle and timer each second, venue health every 5 s
// (bitstamp's silence, the 2 s staleness edge, its counts), venue prints around the true
// price (okx's outliers), the books' clocks, our fills reaching the makers, and the same
// events for the same seed. Whole windows: sim-windows-unit.test.ts.
import { describe, expect, it } from 'vitest';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import { DEFAULT_SIM_VENUES, SIM_BOOKS_SOURCE, SIM_START_MS, SimFeed, type SimOptions } from '../../src/sim/sim.ts';
import { of, take } from './sim-harness.ts';

const T0 = SIM_START_MS;

describe('the sim windows', () => {
  it.each([
    [300_000, '5m'],
    [900_000, '15m'],
    [3_600_000, '1h'],
  ])('a %i ms window is the %s family, discovered at the start', (windowMs, family) => {
    const sim = new SimFeed({ seed: 1, windowMs });
    const [first] = of(take(sim, 100), 'market_discovered');
    const s = T0 / 1000;
    expect(first).toMatchObject({
      ts_unix_ms: T0,
      market: {
        market_id: `sim-btc-${family}-${s}`,
        slug: `btc-updown-${family}-${s}`,
        family,
        window_start_ms: T0,
        window_end_ms: T0 + windowMs,
        tokens: [
          { token_id: `sim-${s}-up`, outcome: 'Up' },
          { token_id: `sim-${s}-down`, outcome: 'Down' },
        ],
        tick_size: 0.01,
        min_size: 5,
        resolution: { rule: 'end_gte_start', source: 'sim' },
        price_to_beat: null,
        price_to_beat_estimated: false,
        taker_delay_ms: 0,
      },
    });
    expect(first!.market.fee.rebate_rate).toBe(0.2);
    expect(first!.market.question).toContain('2026-01-01T00:00:00.000Z');
    expect(sim.windowMs).toBe(windowMs);
  });

  it.each([60_000, 600_000, 0])('refuses a %i ms window by naming the lengths it accepts', (windowMs) => {
    expect(() => new SimFeed({ seed: 1, windowMs })).toThrow(new RangeError(`sim windows are 5, 15 or 60 minutes, not ${windowMs} ms`));
  });

  it('defaults: the efficient market, 15-minute windows, the registry venues, the fixed epoch', () => {
    const sim = new SimFeed({ seed: 1 });
    expect(sim.market).toBe('efficient');
    expect(sim.windowMs).toBe(900_000);
    const es = take(sim, 5_001);
    expect(es[0]!.ts_unix_ms).toBe(T0);
    const sources = of(es, 'venue_status').map((s) => s.source);
    expect(sources.slice(0, 7)).toEqual([...DEFAULT_SIM_VENUES, SIM_BOOKS_SOURCE]);
  });

  it('a start time of its own: the first window starts there', () => {
    const startMs = T0 + 123_400;
    const sim = new SimFeed({ seed: 1, startMs, windowMs: 300_000 });
    const es: InputEvent[] = [];
    for (const e of sim.events()) {
      if (e.ts_unix_ms >= startMs + 1_000) break;
      es.push(e);
    }
    expect(es[0]!.ts_unix_ms).toBe(startMs);
    expect(of(es, 'market_discovered')[0]!.market.window_start_ms).toBe(startMs);
    expect(of(es, 'reference_price').map((p) => p.ts_unix_ms)).toEqual([startMs]);
  });
});

describe('the sim clocks', () => {
  it('the oracle prints and the timer ticks once a second, the oracle at the lagged price times its basis', () => {
    const sim = new SimFeed({ seed: 2 });
    const seen: number[] = [];
    const es = take(sim, 10_000, (e) => {
      if (e.event_type === 'reference_price') {
        expect(e.px).toBe(sim.world.oraclePx());
        expect(e).toMatchObject({ source: 'sim', symbol: 'btc/usd', ts_exchange_ms: e.ts_unix_ms });
        seen.push(e.ts_unix_ms - T0);
      }
    });
    const secs = Array.from({ length: 10 }, (_, i) => i * 1_000);
    expect(seen).toEqual(secs);
    expect(of(es, 'timer').map((t) => t.ts_unix_ms - T0)).toEqual(secs);
  });

  it('venue health every 5 s: trade counts, the last trade, stale after 2 s of silence', () => {
    const sim = new SimFeed({ seed: 3 });
    const es = take(sim, 60_001);
    const statuses = of(es, 'venue_status');
    expect(new Set(statuses.map((s) => s.ts_unix_ms - T0))).toEqual(new Set(Array.from({ length: 13 }, (_, i) => i * 5_000)));
    for (const s of statuses.filter((x) => x.source !== SIM_BOOKS_SOURCE)) {
      const mine = of(es, 'venue_trade').filter((t) => t.venue === s.source && t.ts_unix_ms <= s.ts_unix_ms);
      expect(s.trades).toBe(mine.length);
      expect(s.messages).toBe(mine.length);
      const last = mine.at(-1)?.ts_unix_ms ?? null;
      expect(s.last_message_ts_ms).toBe(last);
      const stale = last === null || s.ts_unix_ms - last > 2_000;
      expect(s.state).toBe(stale ? 'stale' : 'live');
      expect(s.reason).toBe(stale ? 'no trade for over 2 s (simulated silence)' : null);
      expect(s).toMatchObject({ parse_errors: 0, rejected: 0, reconnects: 0, last_error: null });
    }
    // bitstamp is silent for the last 20 s of every minute: stale at 45 s and 55 s, live at 30 s.
    const bitstamp = (ms: number) => statuses.find((s) => s.source === 'bitstamp' && s.ts_unix_ms === T0 + ms)!.state;
    expect([bitstamp(30_000), bitstamp(45_000), bitstamp(55_000)]).toEqual(['live', 'stale', 'stale']);
    const bt = of(es, 'venue_trade').filter((t) => t.venue === 'bitstamp');
    expect(bt.every((t) => (t.ts_unix_ms - T0) % 60_000 < 40_000)).toBe(true);
    expect(bt.some((t) => (t.ts_unix_ms - T0) % 60_000 >= 35_000)).toBe(true);
    // The simulated books: every book message and print so far, the last at this status.
    const books = statuses.filter((s) => s.source === SIM_BOOKS_SOURCE);
    for (const s of books) {
      const upTo = es.filter((e) => e.ts_unix_ms <= s.ts_unix_ms);
      const bookMsgs = upTo.filter((e) => e.event_type === 'book_snapshot' || e.event_type === 'book_delta').length;
      const tape = upTo.filter((e) => e.event_type === 'market_trade').length;
      expect(s).toMatchObject({ state: 'live', reason: null, trades: tape, messages: bookMsgs + tape });
      expect(s.last_message_ts_ms).toBe(bookMsgs > 0 ? s.ts_unix_ms : null);
    }
    expect(books[0]!.last_message_ts_ms).toBeNull();
    expect(books.at(-1)!.trades).toBeGreaterThan(0);
  });

  it('a venue is still live exactly 2 s after its last trade, stale after that', () => {
    // bitstamp prints only in the first 3.1 s of each minute here; the status at 5 s reads its
    // last print of that stretch. Seeds whose last one falls at exactly 3.0 s / 2.9 s.
    const realism = { outageMsPerMinute: 56_900 };
    const at5s = (seed: number) => {
      const es = take(new SimFeed({ seed, realism }), 5_001);
      const last = of(es, 'venue_trade')
        .filter((t) => t.venue === 'bitstamp')
        .at(-1)?.ts_unix_ms;
      const status = of(es, 'venue_status').find((x) => x.source === 'bitstamp' && x.ts_unix_ms === T0 + 5_000)!;
      return { gap: last === undefined ? null : T0 + 5_000 - last, state: status.state };
    };
    const runs = Array.from({ length: 40 }, (_, i) => at5s(i + 1));
    const exact = runs.filter((r) => r.gap === 2_000);
    const over = runs.filter((r) => r.gap === 2_100);
    expect(exact.length).toBeGreaterThan(0);
    expect(over.length).toBeGreaterThan(0);
    expect(exact.every((r) => r.state === 'live')).toBe(true);
    expect(over.every((r) => r.state === 'stale')).toBe(true);
  });

  it('the venues start out of step: first prints spread over the first 400 ms', () => {
    const es = take(new SimFeed({ seed: 15 }), 1_000);
    const first = DEFAULT_SIM_VENUES.map((v) => of(es, 'venue_trade').find((t) => t.venue === v)!.ts_unix_ms - T0);
    expect(first.every((t) => t >= 0 && t <= 400)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('without an outage bitstamp prints all minute; a full-minute outage silences it', () => {
    const none = of(take(new SimFeed({ seed: 3, realism: { outageMsPerMinute: 0 } }), 60_000), 'venue_trade').filter(
      (t) => t.venue === 'bitstamp',
    );
    expect(none.some((t) => (t.ts_unix_ms - T0) % 60_000 >= 55_000)).toBe(true);
    const all = of(take(new SimFeed({ seed: 3, realism: { outageMsPerMinute: 60_000 } }), 20_000), 'venue_trade');
    expect(all.some((t) => t.venue === 'bitstamp')).toBe(false);
    expect(all.some((t) => t.venue === 'kraken')).toBe(true);
  });
});

describe('the venue prints', () => {
  it('print around the true price, to the cent, with sequential ids and exchange times just before', () => {
    const sim = new SimFeed({ seed: 4, realism: { outlierRate: 0 } });
    let seq = 0;
    const es = take(sim, 20_000, (e) => {
      if (e.event_type !== 'venue_trade') return;
      expect(Math.abs(e.px / sim.world.btc - 1)).toBeLessThan(0.001);
      expect(Math.round(e.px * 100) / 100).toBe(e.px);
      expect(e.trade_id).toBe(`${e.venue}-${++seq}`);
      expect(e.ts_unix_ms - e.ts_exchange_ms).toBeGreaterThanOrEqual(1);
      expect(e.ts_unix_ms - e.ts_exchange_ms).toBeLessThanOrEqual(30);
      expect(e.qty).toBeGreaterThan(0);
      expect(e.symbol).toBe('BTC-USD');
    });
    const trades = of(es, 'venue_trade');
    // Each venue about every 400 ms: about 50 each in 20 s.
    for (const v of DEFAULT_SIM_VENUES.filter((x) => x !== 'bitstamp')) {
      const n = trades.filter((t) => t.venue === v).length;
      expect(n).toBeGreaterThan(25);
      expect(n).toBeLessThan(90);
    }
    expect(new Set(trades.map((t) => t.side))).toEqual(new Set(['buy', 'sell']));
  });

  it('okx prints 3 % off at the outlier rate; the others never', () => {
    const sim = new SimFeed({ seed: 4, realism: { outlierRate: 1 } });
    take(sim, 10_000, (e) => {
      if (e.event_type !== 'venue_trade') return;
      const ratio = e.px / sim.world.btc;
      if (e.venue === 'okx') expect(Math.abs(ratio - 1.03)).toBeLessThan(0.002);
      else expect(Math.abs(ratio - 1)).toBeLessThan(0.001);
    });
  });

  it('the venues passed in are the ones that print and report', () => {
    const es = take(new SimFeed({ seed: 4, venues: ['alpha', 'okx'] }), 5_001);
    expect(new Set(of(es, 'venue_trade').map((t) => t.venue))).toEqual(new Set(['alpha', 'okx']));
    expect(of(es, 'venue_status').map((s) => s.source)).toEqual(['alpha', 'okx', SIM_BOOKS_SOURCE, 'alpha', 'okx', SIM_BOOKS_SOURCE]);
  });
});

describe('the sim books', () => {
  it('noisy books are whole snapshots on the bookMs clock from the window start', () => {
    for (const bookMs of [1_000, 500]) {
      const sim = new SimFeed({ seed: 6, market: 'noisy', realism: { bookMs } });
      const snaps = of(take(sim, 5_000), 'book_snapshot');
      expect(snaps.map((s) => s.ts_unix_ms - T0)).toEqual(
        Array.from({ length: 5_000 / bookMs }, (_, i) => i * bookMs).flatMap((t) => [t, t]),
      );
      expect(sim.makerBook(snaps[0]!.market_id)).toBeNull();
    }
  });

  it('efficient makers requote at random moments, about once per bookMs', () => {
    const count = (bookMs: number) => {
      const es = take(new SimFeed({ seed: 7, realism: { bookMs, noiseTakersPerMin: 0, informedTakersPerMin: 0 } }), 30_000);
      return new Set(es.filter((e) => e.event_type === 'book_delta' || e.event_type === 'book_snapshot').map((e) => e.ts_unix_ms)).size;
    };
    const every = count(100);
    expect(every).toBeGreaterThan(250);
    const fifth = count(500);
    expect(fifth).toBeGreaterThan(35);
    expect(fifth).toBeLessThan(90);
  });

  it('truth and maker book of a market: null unknown, the book the makers hold once open', () => {
    const sim = new SimFeed({ seed: 8 });
    expect(sim.truthUp('nope')).toBeNull();
    expect(sim.makerBook('nope')).toBeNull();
    const es = take(sim, 3_000);
    const id = of(es, 'market_discovered')[0]!.market.market_id;
    const t = sim.truthUp(id)!;
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(0.7);
    const book = sim.makerBook(id)!;
    expect(book.unpublished).toBe(0);
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]);
  });

  it('our taker fill reaches the makers (consumed at once, published the next step); other outputs do not', () => {
    const sim = new SimFeed({ seed: 9, realism: { noiseTakersPerMin: 0, informedTakersPerMin: 0 } });
    // Pulled by hand (a for-of that breaks would close the generator), to the end of a step:
    // its timer, last but for the 5 s statuses.
    const gen = sim.events();
    const until = (ms: number) => {
      const out: InputEvent[] = [];
      for (let r = gen.next(); !r.done; r = gen.next()) {
        out.push(r.value);
        if (r.value.event_type === 'timer' && r.value.ts_unix_ms >= T0 + ms) break;
      }
      return out;
    };
    const es = until(2_000);
    const id = of(es, 'market_discovered')[0]!.market.market_id;
    const before = sim.makerBook(id)!;
    const fill = (over: object) =>
      ({
        event_type: 'paper_fill',
        market_id: id,
        outcome: 'Up',
        side: 'buy',
        qty: 10,
        liquidity: 'taker',
        ts_unix_ms: T0 + 2_000,
        ...over,
      }) as unknown as OutputEvent;
    sim.observe(fill({ liquidity: 'maker' }));
    sim.observe(fill({ market_id: 'other' }));
    sim.observe({ event_type: 'paper_intent', market_id: id } as unknown as OutputEvent);
    expect(sim.makerBook(id)).toEqual(before);
    sim.observeRun(es.at(-1)!, [fill({})]);
    const after = sim.makerBook(id)!;
    expect(after.unpublished).toBe(1);
    expect(after.asks[0]![1]).toBe(before.asks[0]![1] - 10);
    const next = until(3_000);
    const delta = next.find((e) => e.event_type === 'book_delta');
    expect(delta).toMatchObject({
      ts_unix_ms: T0 + 2_100,
      changes: [{ side: 'ask', px: before.asks[0]![0], size: before.asks[0]![1] - 10 }],
    });
    expect(sim.makerBook(id)!.unpublished).toBe(0);
  });
});

describe('determinism', () => {
  const run = (opts: SimOptions, ms = 15_000) => take(new SimFeed(opts), ms);

  it('the same seed gives the same events; another seed other events', () => {
    expect(run({ seed: 10 })).toEqual(run({ seed: 10 }));
    expect(run({ seed: 11 })).not.toEqual(run({ seed: 10 }));
  });

  it('the takers draw from their own stream: the world and the venues do not change without them', () => {
    const world = (es: InputEvent[]) => es.filter((e) => e.event_type === 'venue_trade' || e.event_type === 'reference_price');
    const w = world(run({ seed: 12 }));
    expect(world(run({ seed: 12, realism: { noiseTakersPerMin: 0, informedTakersPerMin: 0 } }))).toEqual(w);
    expect(world(run({ seed: 12, market: 'noisy' }))).toEqual(w);
  });
});
