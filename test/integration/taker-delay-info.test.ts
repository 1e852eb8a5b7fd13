// Goal: a market's taker delay comes from its CLOB market info (`itode`, the documented field; Gamma carries none): read once per new market over real loopback HTTP, re-announced on the market, kept across later Gamma polls, and left to the configured default when the route fails.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputEvent, MarketInfo } from '../../src/core/events.ts';
import { ClobRest } from '../../src/polymarket/clobRest.ts';
import { GammaRollover } from '../../src/polymarket/rollover.ts';
import { ClobMarketInfoSchema, takerDelayMsOf } from '../../src/polymarket/wire/clobRestMessages.ts';
import { currentAndNextStarts } from '../../src/polymarket/windows.ts';
import { FakeGamma, gammaEvent } from './gammaFake.ts';

const NOW = Date.parse('2026-11-25T11:48:35Z');
const infoFixture = JSON.parse(readFileSync('test/fixtures/polymarket/clob_market_info_docs_example.json', 'utf8')) as Record<
  string,
  unknown
>;

describe('CLOB market info: itode', () => {
  it('maps the documented answer to the 250 ms taker delay, and its absence (omitted when false) to none', () => {
    expect(takerDelayMsOf(ClobMarketInfoSchema.parse(infoFixture))).toBe(250);
    const { itode: _itode, ...without } = infoFixture;
    expect(takerDelayMsOf(ClobMarketInfoSchema.parse(without))).toBe(0);
    expect(takerDelayMsOf(ClobMarketInfoSchema.parse({ ...infoFixture, itode: false }))).toBe(0);
    expect(ClobMarketInfoSchema.safeParse({ ...infoFixture, itode: 'yes' }).success).toBe(false);
  });
});

describe('rollover with the taker delay of each new market', () => {
  let gamma: FakeGamma;
  let clob: Server;
  let clobUrl = '';
  const infos = new Map<string, Record<string, unknown>>();
  const asked: string[] = [];
  beforeEach(async () => {
    gamma = new FakeGamma();
    await gamma.start();
    clob = createServer((req, res) => {
      asked.push(req.url ?? '');
      const m = /^\/clob-markets\/(.+)$/.exec(req.url ?? '');
      const body = m ? infos.get(decodeURIComponent(m[1]!)) : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error: 'not found' }));
    });
    await new Promise<void>((r) => clob.listen(0, '127.0.0.1', r));
    clobUrl = `http://127.0.0.1:${(clob.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await gamma.close();
    clob.closeAllConnections();
    await new Promise((r) => clob.close(r));
    infos.clear();
    asked.length = 0;
  });

  it('re-announces a market with its taker delay once known, keeps it, and leaves an unreadable one to the default', async () => {
    const [cur, next] = currentAndNextStarts('5m', NOW);
    gamma.listed = [gammaEvent('5m', cur!), gammaEvent('5m', next!)];
    const ids = gamma.listed.map((e) => (e.markets as Record<string, unknown>[])[0]!.conditionId as string);
    infos.set(ids[0]!, infoFixture); // the current window: delay on; the next: the route fails (404)
    const rest = new ClobRest({ baseUrl: clobUrl, now: () => NOW });
    const emitted: InputEvent[] = [];
    const r = new GammaRollover({
      baseUrl: gamma.url,
      families: ['5m'],
      nowMs: () => NOW,
      emit: (e) => emitted.push(e),
      takerDelayOf: async (id) => {
        const x = await rest.takerDelayMs(id);
        return x.ok ? x.value : null;
      },
    });
    const discovered = () => emitted.flatMap((e) => (e.event_type === 'market_discovered' ? [e.market] : []));
    await r.pollOnce();
    for (let i = 0; i < 400 && r.status(NOW).counts!.taker_delay_known! + r.status(NOW).counts!.taker_delay_unknown! < 2; i++)
      await new Promise((res) => setTimeout(res, 5));
    expect(asked.sort()).toEqual(ids.map((id) => `/clob-markets/${id}`).sort());
    expect(r.status(NOW).counts).toMatchObject({ taker_delay_known: 1, taker_delay_unknown: 1 });
    const byId = (ms: MarketInfo[], id: string) => ms.filter((m) => m.market_id === id);
    expect(byId(discovered(), ids[0]!).map((m) => m.taker_delay_ms)).toEqual([undefined, 250]);
    expect(byId(discovered(), ids[1]!).map((m) => m.taker_delay_ms)).toEqual([undefined]);
    const before = emitted.length;
    await r.pollOnce(); // Gamma's answer lacks the delay: the market is not re-announced without it
    expect(emitted.length).toBe(before);
    expect(r.markets().find((m) => m.market_id === ids[0])!.taker_delay_ms).toBe(250);
    expect(asked).toHaveLength(2); // asked once per market
    await r.stop();
  });
});
