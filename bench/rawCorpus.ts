/**
 * Captures for the replay benches, made from the seeded sim: the normalized capture the
 * lab itself writes (`--mode sim --capture`), and a raw one in which every trade is the
 * frame its venue would have sent (the loopback fakes' protocol builders, made from real
 * fixtures), every book a CLOB market-channel `book` message and every reference price a
 * data-socket Chainlink update — the shapes `polylab replay --raw` re-parses.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig, type VenueName } from '../src/app/config.ts';
import type { InputEvent } from '../src/core/events.ts';
import type { OutputEvent } from '../src/core/outputs.ts';
import { SIM_START_MS, SimFeed } from '../src/sim/sim.ts';
import { ADAPTERS } from '../src/venues/index.ts';
import { CaptureWriter } from '../src/capture/writer.ts';
import { CAPTURE_FORMAT, type CaptureHeader } from '../src/capture/format.ts';
import { buildEngine } from '../src/app/engineFactory.ts';
import { settingsOf } from '../src/app/session.ts';
import { PROTOCOLS, type ConnState } from '../test/integration/fakes/venueProtocols.ts';

export const cfg = loadConfig({});

function header(runId: string, sources: string[]): Omit<CaptureHeader, 'polylab_capture' | 'file_index' | 'hour_start_ms'> {
  return {
    run_id: runId,
    mode: 'sim',
    code_version: 'bench',
    created_wall_ms: 0,
    sources,
    settings: settingsOf(cfg),
    start_ms: SIM_START_MS,
    seed: 7,
    restore: null,
  };
}

/** Writes `hours` of the seed-7 sim as the lab's own capture into `dir`; returns the engine's outputs if asked. */
export async function simCapture(dir: string, hours: number, keepOutputs = false): Promise<{ inputs: number; outputs: OutputEvent[] }> {
  const w = new CaptureWriter({ dir, identity: header('bench-sim', ['sim']) });
  const engine = buildEngine(cfg, 'sim', 'bench-sim', 7);
  const outputs: OutputEvent[] = [];
  let inputs = 0;
  let last = SIM_START_MS;
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > hours * 3_600_000) break;
    w.input(e);
    last = e.ts_unix_ms;
    const out = engine.step(e);
    if (keepOutputs) outputs.push(...out);
    if (++inputs % 50_000 === 0) await w.drain();
  }
  await w.close({ ts_unix_ms: last });
  return { inputs, outputs };
}

/** A connection to `venue` subscribed as the lab would subscribe. */
function subscribed(venue: VenueName): ConnState {
  const conn: ConnState = { topics: [], combined: false, subscribed: true, lastTradeId: 0 };
  const proto = PROTOCOLS[venue];
  for (const f of ADAPTERS[venue].subscribe(cfg.venueSymbol(venue))) {
    const r = proto.onClientFrame(f, false);
    if (r?.subscribe) conn.topics.push(...r.subscribe);
  }
  if (proto.onConnect) proto.onConnect('/ws', conn);
  return conn;
}

const px2 = (x: number) => x.toFixed(2);

/** The raw lines a live lab would have captured for one sim input (normalized lines for what no frame carries). */
function rawLines(e: InputEvent, conns: Map<VenueName, ConnState>, id: () => number): string[] {
  const raw = (source: string, data: string) => JSON.stringify({ raw: source, ts: e.ts_unix_ms, data });
  switch (e.event_type) {
    case 'venue_trade': {
      const venue = e.venue as VenueName;
      const trade = {
        px: e.px,
        id: id(),
        qty: e.qty,
        tsMs: e.ts_exchange_ms,
        side: e.side === 'sell' ? ('sell' as const) : ('buy' as const),
      };
      return PROTOCOLS[venue].trade(trade, conns.get(venue)!).map((f) => raw(venue, f));
    }
    case 'book_snapshot': {
      const levels = (ls: [number, number][]) => ls.map(([p, s]) => ({ price: px2(p), size: String(s) }));
      return [
        raw(
          'polymarket_ws#0',
          JSON.stringify([
            {
              event_type: 'book',
              market: e.market_id,
              asset_id: e.token_id,
              bids: levels(e.bids),
              asks: levels(e.asks),
              timestamp: String(e.ts_exchange_ms),
            },
          ]),
        ),
      ];
    }
    case 'reference_price':
      return [
        raw(
          'rtds',
          JSON.stringify({
            topic: 'crypto_prices_chainlink',
            type: 'update',
            timestamp: e.ts_unix_ms,
            payload: { symbol: 'btc/usd', timestamp: e.ts_exchange_ms, value: e.px },
          }),
        ),
      ];
    default:
      return [JSON.stringify(e)];
  }
}

/** Writes `hours` of the sim as a raw capture (one gzip file) into `dir`; returns the file and its line count. */
export function rawCapture(dir: string, hours: number): { file: string; lines: number } {
  const conns = new Map(Object.keys(PROTOCOLS).map((v) => [v as VenueName, subscribed(v as VenueName)]));
  let next = 1;
  const lines = [
    JSON.stringify({
      polylab_capture: CAPTURE_FORMAT,
      ...header('bench-raw', ['coinbase', 'kraken', 'bitstamp', 'okx', 'bybit', 'binance', 'polymarket_ws', 'rtds']),
      file_index: 0,
      hour_start_ms: SIM_START_MS,
    }),
  ];
  for (const e of new SimFeed({ seed: 7 }).events()) {
    if (e.ts_unix_ms - SIM_START_MS > hours * 3_600_000) break;
    lines.push(...rawLines(e, conns, () => next++));
  }
  const file = path.join(dir, 'bench-raw.jsonl.gz');
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join('\n')}\n`, { level: 1 }));
  return { file, lines: lines.length };
}

/** Every line of a capture file, decompressed (the JSON.parse baseline's input). */
export function captureLines(file: string): string[] {
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
}
