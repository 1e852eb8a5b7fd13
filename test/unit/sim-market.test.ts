// Goal: the efficient sim market quotes the true probability with thinning depth, moves several times a second, reacts to our fills through the run loop's feedback, keeps the engine's books equal to its own, never lets a strategy change the world, and settles each window by the market's rule on its own oracle prints.
import { describe, expect, it } from 'vitest';
import type { InputEvent, MarketInfo, ReferencePrice } from '../../src/core/events.ts';
import { loadConfig } from '../../src/app/config.ts';
import { Engine } from '../../src/engine/engine.ts';
import { buildEngine } from '../../src/app/engineFactory.ts';
import { Rng } from '../../src/core/rng.ts';
import { ownOutcome } from '../../src/core/resolution.ts';
import { SIM_START_MS, SimFeed, SIM_BOOKS_SOURCE } from '../../src/sim/sim.ts';
import { SIM_PROFILES } from '../../src/sim/profile.ts';
import { mixtureUp, SimWorld, STEP_MS } from '../../src/sim/world.ts';
import { normCdf } from '../../src/pricing/fairValue.ts';
import { RandomBuyer, runSim } from './sim-harness.ts';

/** The first `ms` of a sim's inputs, with the truth of every market seen at each book change. */
function take(sim: SimFeed, ms: number, each?: (e: InputEvent) => void): InputEvent[] {
  const out: InputEvent[] = [];
  for (const e of sim.events()) {
    if (e.ts_unix_ms - SIM_START_MS > ms) break;
    out.push(e);
    each?.(e);
  }
  return out;
}

describe('efficient books', () => {
  it('bid at or below and ask at or above the true probability (one-sided when all but decided), depth thinning away from the touch', () => {
    // Without takers: their fills publish between requotes, where a stale book is the point (sim/takers.ts).
    const sim = new SimFeed({ seed: 5, realism: { noiseTakersPerMin: 0, informedTakersPerMin: 0 } });
    let checked = 0;
    let oneSided = 0;
    take(sim, 45 * 60_000, (e) => {
      if (e.event_type !== 'book_delta' || !e.token_id.endsWith('-up')) return;
      const truth = sim.truthUp(e.market_id)!;
      const book = sim.makerBook(e.market_id)!;
      const bid = book.bids[0]?.[0];
      const ask = book.asks[0]?.[0];
      if (bid !== undefined) expect(bid).toBeLessThanOrEqual(truth + 1e-9);
      if (ask !== undefined) expect(ask).toBeGreaterThanOrEqual(truth - 1e-9);
      if (bid !== undefined && ask !== undefined) expect(ask - bid).toBeGreaterThanOrEqual(SIM_PROFILES.efficient.spread - 1e-9);
      // Worth more than 0.99 (less than 0.01): no maker offers (bids) it on a 0.01 grid.
      if (truth > 0.99) expect(ask).toBeUndefined();
      if (truth < 0.01) expect(bid).toBeUndefined();
      if (truth > 0.99 || truth < 0.01) oneSided += 1;
      checked += 1;
    });
    expect(checked).toBeGreaterThan(5_000);
    expect(oneSided).toBeGreaterThan(0);
    // Sizes follow depth × decay^level, the outer levels holding less (another participant
    // resizes one level of the book at each requote).
    const sim2 = new SimFeed({ seed: 5, realism: { depthShares: 100, depthDecay: 0.5 } });
    const first = take(sim2, 1_000).find((e) => e.event_type === 'book_snapshot')!;
    if (first.event_type !== 'book_snapshot') throw new Error('no snapshot');
    const profile = [100, 50, 25, 13, 6];
    const asIs = [...first.bids, ...first.asks].filter(([, s], i) => s === profile[i % 5]).length;
    expect(first.bids).toHaveLength(5);
    expect(asIs).toBeGreaterThanOrEqual(9);
  });

  it('changes several times a second', () => {
    const sim = new SimFeed({ seed: 5 });
    const inputs = take(sim, 15 * 60_000);
    const deltas = inputs.filter((e) => e.event_type === 'book_delta' && e.token_id.endsWith('-up'));
    expect(deltas.length / (15 * 60)).toBeGreaterThan(3);
    // Some second of the run has at least three changes of the Up book.
    const perSecond = new Map<number, number>();
    for (const d of deltas) perSecond.set(Math.floor(d.ts_unix_ms / 1000), (perSecond.get(Math.floor(d.ts_unix_ms / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(3);
  });

  it('makers take our consumed depth off the book at once, then refill it and lean toward our side after their reaction time', () => {
    const sim = new SimFeed({ seed: 5, realism: { impactPerShare: 0.001, makerReactionMs: 500 } });
    const inputs = sim.events();
    let e = inputs.next().value as InputEvent;
    while (!(e.event_type === 'book_delta' && e.token_id.endsWith('-up') && e.ts_unix_ms >= SIM_START_MS + 60_000))
      e = inputs.next().value as InputEvent;
    const marketId = e.market_id;
    const before = sim.makerBook(marketId)!;
    const [askPx, askSize] = before.asks[0]!;
    const mid0 = sim.truthUp(marketId)!;
    // Our taker buy of 30 Up at the touch, as the run loop reports it.
    sim.observe({
      event_type: 'paper_fill',
      fill_id: 'f1',
      intent_id: 'i1',
      market_id: marketId,
      token_id: e.token_id,
      outcome: 'Up',
      side: 'buy',
      qty: 30,
      fill_px: askPx,
      fee: 0,
      liquidity: 'taker',
      requested_qty: 30,
      levels_consumed: 1,
      ts_unix_ms: e.ts_unix_ms,
    });
    expect(sim.makerBook(marketId)!.asks[0]).toEqual([askPx, askSize - 30]);
    // The next step publishes it.
    let next = inputs.next().value as InputEvent;
    while (!(next.event_type === 'book_delta' && next.ts_unix_ms > e.ts_unix_ms)) next = inputs.next().value as InputEvent;
    expect(next).toMatchObject({ token_id: e.token_id, changes: [{ side: 'ask', px: askPx, size: askSize - 30 }] });
    // After the reaction the makers lean up by 0.001 × 30 = 0.03 (decaying slowly): their book sits above the truth.
    for (let t = next.ts_unix_ms; t < e.ts_unix_ms + 2_000; t = next.ts_unix_ms) next = inputs.next().value as InputEvent;
    const after = sim.makerBook(marketId)!;
    const mid = (after.bids[0]![0] + after.asks[0]![0]) / 2;
    expect(mid - sim.truthUp(marketId)!).toBeGreaterThan(0.015);
    expect(Math.abs(mid0 - sim.truthUp(marketId)!)).toBeLessThan(0.2);
  });

  it("keeps the engine's books equal to the makers' through a run of taker fills", () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim', POLYLAB_RISK_MAX_MARKET_FRACTION: '0.2', POLYLAB_RISK_COOLDOWN_MS: '0' });
    const engine = new Engine({ ...buildEngine(cfg, 'sim', 's', 9).params, strategy: new RandomBuyer(9, 0.3, 40) });
    const sim = new SimFeed({ seed: 9 });
    let fills = 0;
    let compared = 0;
    for (const input of sim.events()) {
      if (input.ts_unix_ms - SIM_START_MS > 20 * 60_000) break;
      for (const out of engine.step(input)) {
        if (out.event_type === 'paper_fill') fills += 1;
        sim.observe(out);
      }
      if (input.event_type !== 'timer') continue;
      for (const m of engine.markets.all()) {
        const maker = sim.makerBook(m.info.market_id);
        const [up, down] = m.info.tokens;
        if (!maker || maker.unpublished > 0 || !m.books.has(up.token_id)) continue;
        const engineUp = m.books.get(up.token_id)!;
        const engineDown = m.books.get(down.token_id)!;
        expect(engineUp.bids.levels()).toEqual(maker.bids);
        expect(engineUp.asks.levels()).toEqual(maker.asks);
        expect(engineDown.bids.levels()).toEqual(maker.asks.map(([px, size]) => [Math.round((1 - px) * 100) / 100, size]));
        compared += 1;
      }
    }
    expect(fills).toBeGreaterThan(50);
    expect(compared).toBeGreaterThan(1_000);
  });
});

describe('the world', () => {
  it('is the same path whatever the strategy does: prints, oracle and outcomes do not depend on our fills', async () => {
    const quiet = await runSim({
      seed: 3,
      durationMs: 40 * 60_000,
      env: { POLYLAB_STRATEGY: 'fair-value', POLYLAB_EDGE_MIN: '0.5' },
      keep: [],
    });
    const busy = await runSim({
      seed: 3,
      durationMs: 40 * 60_000,
      strategy: new RandomBuyer(3, 0.5, 50),
      env: { POLYLAB_RISK_MAX_MARKET_FRACTION: '0.5', POLYLAB_RISK_COOLDOWN_MS: '0' },
    });
    expect(busy.fills.length).toBeGreaterThan(quiet.fills.length + 50);
    expect([...busy.winners]).toEqual([...quiet.winners]);
    // The venue and oracle streams of two feeds of one seed, one fed our fills and one not, are identical.
    const a = new SimFeed({ seed: 3 });
    const b = new SimFeed({ seed: 3 });
    const fed = take(a, 5 * 60_000, (e) => {
      if (e.event_type === 'book_delta' && e.token_id.endsWith('-up'))
        a.observe({
          event_type: 'paper_fill',
          fill_id: 'f',
          intent_id: 'i',
          market_id: e.market_id,
          token_id: e.token_id,
          outcome: 'Up',
          side: 'buy',
          qty: 25,
          fill_px: 0.5,
          fee: 0,
          liquidity: 'taker',
          requested_qty: 25,
          levels_consumed: 1,
          ts_unix_ms: e.ts_unix_ms,
        });
    });
    const plain = take(b, 5 * 60_000);
    // Books, the takers' prints against them, and the simulated book feed's health (it counts
    // book messages and prints) follow our fills; nothing else may.
    const world = (xs: InputEvent[]) =>
      xs.filter(
        (e) =>
          e.event_type !== 'book_delta' &&
          e.event_type !== 'book_snapshot' &&
          e.event_type !== 'market_trade' &&
          !(e.event_type === 'venue_status' && e.source === SIM_BOOKS_SOURCE),
      );
    expect(world(fed)).toEqual(world(plain));
    expect(fed).not.toEqual(plain);
  }, 60_000);

  it('prices the end exactly: the jump mixture equals the brute-force sum over jump counts and directions', () => {
    const brute = (mu: number, s: number, m: number, q: number, j: number) => {
      let total = 0;
      for (let n = 0; n <= 40; n++) {
        const pn = binom(m, n) * q ** n * (1 - q) ** (m - n);
        for (let k = 0; k <= n; k++) total += pn * binom(n, k) * 0.5 ** n * normCdf((mu + (2 * k - n) * j) / s);
      }
      return total;
    };
    for (const [mu, s, m, q, j] of [
      [0.001, 0.002, 3_000, 1 / 6_000, 0.001],
      [-0.0004, 0.0005, 600, 1 / 3_000, 0.003],
      [0, 0.001, 9_000, 1 / 6_000, 0.001],
    ] as const) {
      expect(mixtureUp(mu, s, m, q, j)).toBeCloseTo(brute(mu, s, m, q, j), 9);
    }
  });

  it('prices the end exactly: the true probability agrees with Monte Carlo of the world itself (lag, basis and jumps)', () => {
    const r = { ...SIM_PROFILES.efficient, jumpPerStep: 1 / 600, jumpLog: 0.001, oracleBasisBps: 3 };
    const world = new SimWorld(r, new Rng(1));
    for (let i = 0; i < 50; i++) world.step();
    const nowMs = 0;
    // 20 s before the end (the oracle lags 1 s): strikes around the current oracle value.
    for (const strikeBps of [-8, 0, 5]) {
      const strike = world.oraclePx() * (1 + strikeBps / 10_000);
      const endMs = 20_000;
      const p = world.trueUp(strike, nowMs, endMs);
      const paths = 4_000;
      let up = 0;
      for (let i = 0; i < paths; i++) {
        const w = world.fork(new Rng(1_000 + i));
        for (let t = STEP_MS; t <= endMs; t += STEP_MS) w.step();
        if (w.oraclePx() >= strike) up += 1;
      }
      const se = Math.sqrt((p * (1 - p)) / paths);
      expect(Math.abs(up / paths - p)).toBeLessThan(4 * se + 1e-3);
    }
  });
});

describe("settlement by the market's rule", () => {
  it("resolves every window from the sim's own oracle prints exactly as the rule reads them, not from the price a few seconds later", () => {
    const sim = new SimFeed({ seed: 11, windowMs: 300_000 });
    const prints: ReferencePrice[] = [];
    const markets = new Map<string, MarketInfo>();
    let resolved = 0;
    let differsFromLater = 0;
    const btcAt = new Map<number, number>();
    take(sim, 12 * 3_600_000, (e) => {
      if (e.event_type === 'reference_price') prints.push(e);
      if (e.event_type === 'timer') btcAt.set(e.ts_unix_ms, sim.world.btc);
      if (e.event_type === 'market_discovered') markets.set(e.market.market_id, e.market);
      if (e.event_type !== 'market_resolved') return;
      const m = markets.get(e.market_id)!;
      const own = ownOutcome(m, prints)!;
      expect(e.winning_outcome).toBe(own.outcome);
      expect(e.winning_token_id).toBe(m.tokens[own.outcome === 'Up' ? 0 : 1].token_id);
      resolved += 1;
      // The old rule (venue price 3 s after the end against the price at the start) would disagree now and then.
      const later = btcAt.get(m.window_end_ms + 3_000)! >= btcAt.get(m.window_start_ms)! ? 'Up' : 'Down';
      if (later !== own.outcome) differsFromLater += 1;
    });
    expect(resolved).toBe(143);
    expect(differsFromLater).toBeGreaterThan(0);
  }, 60_000);
});

function binom(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}
