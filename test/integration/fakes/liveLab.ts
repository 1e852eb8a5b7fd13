/**
 * Every public server paper-live talks to, faked on loopback: three venues printing a
 * trade every 100 ms, Gamma listing the current and next 15-minute window, the CLOB
 * market socket answering each subscription with the fixture book, the data socket
 * sending a Chainlink print, and CLOB REST. `env` points `polylab run` at them.
 */
import { readFileSync } from 'node:fs';
import { currentAndNextStarts } from '../../../src/polymarket/windows.ts';
import { FakeGamma, gammaEvent } from '../gammaFake.ts';
import { fakeClobRest, fakeWsServer, type FakeWs } from './polymarket.ts';
import { startFakeVenue, type FakeVenue } from './venueServers.ts';

const fx = (name: string) => readFileSync(`test/fixtures/polymarket/${name}`, 'utf8');

export interface LiveFakes {
  env: Record<string, string>;
  venues: FakeVenue[];
  gamma: FakeGamma;
  clobWs: FakeWs;
  /** Start of the current 15-minute window the fake Gamma lists. */
  currentStartMs: number;
  close: () => Promise<void>;
}

export async function startLiveFakes(): Promise<LiveFakes> {
  const venues: FakeVenue[] = await Promise.all((['coinbase', 'kraken', 'okx'] as const).map((v) => startFakeVenue(v)));
  let id = 1;
  const trades = setInterval(() => {
    for (const v of venues) v.sendTrade({ px: 64_000 + (id % 7), id: id++ });
  }, 100);
  const gamma = new FakeGamma();
  await gamma.start();
  const [cur, next] = currentAndNextStarts('15m', Date.now());
  gamma.listed.push(gammaEvent('15m', cur!), gammaEvent('15m', next!));
  const book = JSON.parse(fx('ws_market_book.json')) as Record<string, unknown>;
  const clobWs = await fakeWsServer((ws, text) => {
    if (!text.startsWith('{')) return;
    const ids = (JSON.parse(text) as { assets_ids?: string[] }).assets_ids ?? [];
    ws.send(JSON.stringify(ids.map((asset) => ({ ...book, asset_id: asset, timestamp: String(Date.now()) }))));
  });
  const rtds = await fakeWsServer((ws, text) => {
    if (!text.includes('crypto_prices_chainlink')) return;
    const o = JSON.parse(fx('rtds_chainlink_update_live.json')) as { payload: Record<string, unknown>; timestamp: number };
    Object.assign(o.payload, { timestamp: Date.now(), value: 64_001 });
    ws.send(JSON.stringify(o));
  });
  const rest = await fakeClobRest();
  return {
    venues,
    gamma,
    clobWs,
    currentStartMs: cur!,
    env: {
      POLYLAB_VENUES: 'coinbase,kraken,okx',
      POLYLAB_COINBASE_WS_URL: venues[0]!.url,
      POLYLAB_KRAKEN_WS_URL: venues[1]!.url,
      POLYLAB_OKX_WS_URL: venues[2]!.url,
      POLYLAB_GAMMA_URL: gamma.url,
      POLYLAB_MARKETS: '15m',
      POLYLAB_CLOB_WS_URL: clobWs.url,
      POLYLAB_CLOB_URL: rest.url,
      POLYLAB_RTDS_URL: rtds.url,
    },
    close: async () => {
      clearInterval(trades);
      await Promise.all([...venues.map((v) => v.close()), gamma.close(), clobWs.close(), rtds.close(), rest.close()]);
    },
  };
}
