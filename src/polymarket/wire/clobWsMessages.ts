/**
 * Pure parser of Polymarket CLOB market-channel frames (wss://…/ws/market) into a closed
 * union of typed messages. No clock, no I/O: the receive time is the caller's business.
 *
 * Formats (docs.polymarket.com/market-data/websocket/market-channel, the price_change
 * migration guide docs.polymarket.com/developers/CLOB/websocket/market-channel-migration-guide,
 * and nautilus_trader crates/adapters/polymarket/test_data/ws_*.json — see
 * test/fixtures/polymarket/SOURCES.md):
 * - a frame is one JSON object, a JSON array of them, or plain text (`PONG`, notices such
 *   as `NO NEW ASSETS`);
 * - every number is a string (`"0.48"`, even `".48"`), timestamps are ms strings;
 * - `price_change` has two shapes: the legacy one (root `asset_id`, `hash`, `changes[]`)
 *   and the current one (since 2025-09-15: `price_changes[]`, each with its own
 *   `asset_id`, `hash`, `best_bid`, `best_ask`); some frames omit `event_type` and are
 *   recognised by `price_changes`.
 *
 * Optional fields (`tick_size` on a book, `best_bid` / `best_ask` on a price change or a
 * `best_bid_ask`, `size` on a `last_trade_price`, `old_tick_size` on a `tick_size_change`,
 * and the `timestamp` of any event) that are malformed or absent are dropped — the message
 * stands without them — and flagged `dropped` so the feed counts them; a malformed required
 * field makes the message `invalid`. The venue sends an absent optional decimal as an empty
 * string `""` (noted in Polymarket's official client SDK, as cited by issue 23 on
 * 2026-12-06; we could not open the SDK line itself through the `search` tool, so the
 * fixtures ws_market_*_empty_*.json are built from that note). A missing timestamp is
 * replaced by the receive time the caller passes (`recvMs`); without one it stays an error.
 *
 * Hand-written guards instead of zod here: this runs for every book delta and the bench
 * (bench/books.bench.ts) holds it to at least half the speed of JSON.parse itself.
 */
import type { Level } from '../../core/events.ts';
import type {
  RawBestBidAsk,
  RawBook,
  RawLastTradePrice,
  RawLegacyPriceChange,
  RawLevel,
  RawMarketResolved,
  RawNewMarket,
  RawPriceChange,
  RawPriceChangeItem,
  RawTickSizeChange,
  Unchecked,
} from './clobWsRaw.ts';

// ---------------------------------------------------------------- normalized messages
// What the venue sends is declared in clobWsRaw.ts; below is what the lab reads it into.

export interface WsLevelChange {
  assetId: string;
  side: 'bid' | 'ask';
  px: number;
  size: number;
  hash: string | null;
  /** The venue's best prices after this change (current shape only); 0 / 1 mean "none". */
  bestBid: number | null;
  bestAsk: number | null;
  /** Set when a malformed optional best price was dropped. */
  dropped?: true;
}

export type ClobMessage =
  | {
      kind: 'book';
      market: string;
      assetId: string;
      bids: Level[];
      asks: Level[];
      tsMs: number;
      hash: string | null;
      tickSize: number | null;
      dropped?: true;
    }
  | { kind: 'price_change'; market: string; tsMs: number; changes: WsLevelChange[]; dropped?: true }
  | { kind: 'tick_size_change'; market: string; assetId: string; oldTick: number | null; newTick: number; tsMs: number; dropped?: true }
  | {
      kind: 'last_trade_price';
      market: string;
      assetId: string;
      px: number;
      /** null when the venue sent no size (`""`): the print is known, its quantity is not. */
      size: number | null;
      side: 'buy' | 'sell';
      tsMs: number;
      dropped?: true;
    }
  | { kind: 'best_bid_ask'; market: string; assetId: string; bestBid: number | null; bestAsk: number | null; tsMs: number; dropped?: true }
  | {
      kind: 'market_resolved';
      market: string;
      assetIds: string[];
      /**
       * null: the message names no single winner (`winning_asset_id` empty or absent) — a
       * 50-50. Polymarket documents only the one-winner form (market channel docs and the
       * official clients, searched 2026-12-06: no 50-50 frame published); the integrity rule
       * still requires the market and both its tokens, and REST / Gamma confirm.
       */
      winningAssetId: string | null;
      winningOutcome: string;
      tsMs: number;
      dropped?: true;
    }
  | { kind: 'new_market'; market: string; assetIds: string[]; tsMs: number; dropped?: true }
  /** A non-JSON text frame: `PONG` to our `PING`, or a notice. */
  | { kind: 'text'; text: string }
  /** Bad JSON, unknown event type, missing or malformed field: counted, never thrown. */
  | { kind: 'invalid'; reason: string };

type Obj = Record<string, unknown>;

class Bad extends Error {}
const fail = (why: string): never => {
  throw new Bad(why);
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field name the raw type of `o` declares. */
type Key<O> = keyof O & string;

function str<O extends object>(o: O, key: Key<O>): string {
  const v = (o as Obj)[key];
  return typeof v === 'string' && v.length > 0 ? v : fail(`missing ${key}`);
}

function optStr<O extends object>(o: O, key: Key<O>): string | null {
  const v = (o as Obj)[key];
  return typeof v === 'string' ? v : null;
}

/** A decimal string (the venue sends every number as a string) → finite number. */
function num<O extends object>(o: O, key: Key<O>): number {
  const v = (o as Obj)[key];
  if (typeof v !== 'string' || v.length === 0) return fail(`missing ${key}`);
  const n = +v;
  return Number.isFinite(n) ? n : fail(`bad number ${key}=${v}`);
}

/** Set while one message is parsed: the receive time that stands in for a missing timestamp. */
let recvFallbackMs: number | null = null;
/** Set while one message is parsed: whether an optional field of it was dropped. */
let droppedField = false;

function tsOf(o: { timestamp?: unknown }): number {
  const v = o.timestamp;
  if ((v === undefined || v === '') && recvFallbackMs !== null) {
    droppedField = true;
    return recvFallbackMs;
  }
  const n = num(o, 'timestamp');
  return Number.isInteger(n) && n >= 0 ? n : fail(`bad timestamp ${String(o.timestamp)}`);
}

/** An optional decimal: absent, `""` or malformed → null, counted as a dropped field. */
function optDecimal<O extends object>(o: O, key: Key<O>, ok: (n: number) => boolean): number | null {
  const v = (o as Obj)[key];
  const n = typeof v === 'string' && v.length > 0 ? +v : NaN;
  if (Number.isFinite(n) && ok(n)) return n;
  droppedField = true;
  return null;
}

const inUnit = (n: number): boolean => n >= 0 && n <= 1;
const isPrice = (n: number): boolean => n > 0 && n < 1;

function price<O extends object>(o: O, key: Key<O>): number {
  const p = num(o, key);
  return p > 0 && p < 1 ? p : fail(`price out of (0,1): ${key}=${String((o as Obj)[key])}`);
}

function levels(v: unknown, key: string): Level[] {
  if (!Array.isArray(v)) return fail(`missing ${key}`);
  const out: Level[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const l: unknown = v[i];
    if (!isObj(l)) return fail(`bad level in ${key}`);
    const level = l as Unchecked<RawLevel>;
    const size = num(level, 'size');
    if (size < 0) fail(`negative size in ${key}`);
    out[i] = [price(level, 'price'), size];
  }
  return out;
}

function side(o: { side?: unknown }): 'bid' | 'ask' {
  const s = o.side;
  return s === 'BUY' ? 'bid' : s === 'SELL' ? 'ask' : fail(`bad side ${String(s)}`);
}

function stringList<O extends object>(o: O, key: Key<O>): string[] {
  const v = (o as Obj)[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(`missing ${key}`);
  return v as string[];
}

function priceChange(raw: Obj): ClobMessage {
  const o = raw as Unchecked<RawPriceChange & RawLegacyPriceChange>;
  const tsMs = tsOf(o);
  const market = str(o, 'market');
  const current = o.price_changes;
  const changes: WsLevelChange[] = [];
  if (Array.isArray(current)) {
    for (const c of current) changes.push(currentChange(c));
  } else if (Array.isArray(o.changes)) {
    // Legacy shape (before 2025-09-15): one asset and one hash per message, no best prices.
    const assetId = str(o, 'asset_id');
    const hash = optStr(o, 'hash');
    for (const c of o.changes as unknown[]) {
      if (!isObj(c)) fail('bad changes item');
      const ch = c as Unchecked<RawLegacyPriceChange['changes'][number]>;
      changes.push({ assetId, side: side(ch), px: price(ch, 'price'), size: nonNeg(ch), hash, bestBid: null, bestAsk: null });
    }
  } else {
    fail('price_change without changes');
  }
  return { kind: 'price_change', market, tsMs, changes };
}

/** The hot path (one per book delta): fixed property reads keep V8's access monomorphic. */
function currentChange(c: unknown): WsLevelChange {
  if (!isObj(c)) return fail('bad price_changes item');
  const r = c as Unchecked<RawPriceChangeItem>;
  const assetId = r.asset_id;
  if (typeof assetId !== 'string' || assetId.length === 0) return fail('missing asset_id');
  const px = typeof r.price === 'string' && r.price.length > 0 ? +r.price : NaN;
  if (!(px > 0 && px < 1)) return fail(`price out of (0,1): price=${String(r.price)}`);
  const size = typeof r.size === 'string' && r.size.length > 0 ? +r.size : NaN;
  if (!(size >= 0) || size === Infinity) return fail(`bad size ${String(r.size)}`);
  const sd = r.side === 'BUY' ? 'bid' : r.side === 'SELL' ? 'ask' : fail(`bad side ${String(r.side)}`);
  const bestBid = r.best_bid === undefined ? null : unitBest(r.best_bid);
  const bestAsk = r.best_ask === undefined ? null : unitBest(r.best_ask);
  const change: WsLevelChange = { assetId, side: sd, px, size, hash: typeof r.hash === 'string' ? r.hash : null, bestBid, bestAsk };
  // A malformed best price is optional data: drop both (the check needs the pair), flag it.
  if (Number.isNaN(bestBid) || Number.isNaN(bestAsk)) {
    change.bestBid = change.bestAsk = null;
    change.dropped = true;
  }
  return change;
}

/** A best price in [0, 1], or NaN when malformed. */
function unitBest(v: unknown): number {
  const n = typeof v === 'string' && v.length > 0 ? +v : NaN;
  return n >= 0 && n <= 1 ? n : NaN;
}

function nonNeg(o: { size?: unknown }): number {
  const s = num(o, 'size');
  return s >= 0 ? s : fail('negative size');
}

function one(o: Obj): ClobMessage {
  const type = o.event_type ?? (o.price_changes !== undefined ? 'price_change' : undefined);
  switch (type) {
    case 'price_change':
      return priceChange(o);
    case 'book':
      return book(o as Unchecked<RawBook>);
    case 'tick_size_change': {
      const t = o as Unchecked<RawTickSizeChange>;
      return {
        kind: 'tick_size_change',
        market: str(t, 'market'),
        assetId: str(t, 'asset_id'),
        oldTick: optDecimal(t, 'old_tick_size', isPrice),
        newTick: price(t, 'new_tick_size'),
        tsMs: tsOf(t),
      };
    }
    case 'last_trade_price': {
      const t = o as Unchecked<RawLastTradePrice>;
      return {
        kind: 'last_trade_price',
        market: str(t, 'market'),
        assetId: str(t, 'asset_id'),
        px: price(t, 'price'),
        size: optDecimal(t, 'size', (n) => n >= 0),
        side: side(t) === 'bid' ? 'buy' : 'sell',
        tsMs: tsOf(t),
      };
    }
    case 'best_bid_ask': {
      const t = o as Unchecked<RawBestBidAsk>;
      return {
        kind: 'best_bid_ask',
        market: str(t, 'market'),
        assetId: str(t, 'asset_id'),
        bestBid: optDecimal(t, 'best_bid', inUnit),
        bestAsk: optDecimal(t, 'best_ask', inUnit),
        tsMs: tsOf(t),
      };
    }
    case 'market_resolved': {
      const t = o as Unchecked<RawMarketResolved>;
      return {
        kind: 'market_resolved',
        market: str(t, 'market'),
        assetIds: stringList(t, 'assets_ids'),
        winningAssetId: optStr(t, 'winning_asset_id') || null,
        winningOutcome: optStr(t, 'winning_outcome') ?? '',
        tsMs: tsOf(t),
      };
    }
    case 'new_market': {
      const t = o as Unchecked<RawNewMarket>;
      return { kind: 'new_market', market: str(t, 'market'), assetIds: stringList(t, 'assets_ids'), tsMs: tsOf(t) };
    }
    default:
      return { kind: 'invalid', reason: `unknown event_type ${String(type)}` };
  }
}

function book(b: Unchecked<RawBook>): ClobMessage {
  // An optional tick size that is not a price in (0, 1) is dropped, not the book.
  const tick = b.tick_size === undefined ? null : +String(b.tick_size);
  const tickOk = tick === null || (tick > 0 && tick < 1);
  const msg: ClobMessage = {
    kind: 'book',
    market: str(b, 'market'),
    assetId: str(b, 'asset_id'),
    bids: levels(b.bids, 'bids'),
    asks: levels(b.asks, 'asks'),
    tsMs: tsOf(b),
    hash: optStr(b, 'hash'),
    tickSize: tickOk ? tick : null,
  };
  if (!tickOk) msg.dropped = true;
  return msg;
}

function safeOne(v: unknown): ClobMessage {
  if (!isObj(v)) return { kind: 'invalid', reason: 'not an object' };
  droppedField = false;
  try {
    const m = one(v);
    if (droppedField && m.kind !== 'invalid' && m.kind !== 'text') m.dropped = true;
    return m;
  } catch (err) {
    if (err instanceof Bad) return { kind: 'invalid', reason: err.message };
    throw err;
  }
}

/**
 * Parses one text frame into messages (an array frame gives one message per element).
 * `recvMs` (the caller's receive time) stands in for a message's missing timestamp.
 */
export function parseClobFrame(text: string, recvMs?: number): ClobMessage[] {
  recvFallbackMs = recvMs ?? null;
  const c = text.charCodeAt(0);
  // 0x7b '{', 0x5b '[': anything else is a plain-text frame such as PONG.
  if (c !== 0x7b && c !== 0x5b) {
    const t = text.trim();
    return t.startsWith('{') || t.startsWith('[') ? parseJson(t) : [{ kind: 'text', text: t }];
  }
  return parseJson(text);
}

function parseJson(text: string): ClobMessage[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [{ kind: 'invalid', reason: 'bad JSON' }];
  }
  return Array.isArray(v) ? v.map(safeOne) : [safeOne(v)];
}

// ---------------------------------------------------------------- outbound frames

/** First frame on a connection (docs.polymarket.com/market-data/websocket/overview). */
export function subscribeFrame(assetIds: readonly string[]): string {
  return JSON.stringify({ assets_ids: assetIds, type: 'market', custom_feature_enabled: true });
}

/**
 * Add or drop assets on a live connection (docs.polymarket.com/developers/CLOB/websocket/
 * wss-overview "Subscribe to more assets"; nautilus_trader MarketSubscribeRequest).
 */
export function updateFrame(operation: 'subscribe' | 'unsubscribe', assetIds: readonly string[]): string {
  return operation === 'subscribe'
    ? JSON.stringify({ assets_ids: assetIds, operation, custom_feature_enabled: true })
    : JSON.stringify({ assets_ids: assetIds, operation });
}

/** The market channel's application heartbeat: send `PING` about every 10 s, get `PONG`. */
export const CLOB_PING_FRAME = 'PING';
export const CLOB_PING_INTERVAL_MS = 10_000;
