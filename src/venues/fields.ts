/**
 * Small, allocation-free field guards shared by the OKX, Bybit and Binance mappers.
 *
 * Why hand-written guards instead of zod here: a venue mapper runs once per frame on the
 * hot path (thousands of frames a second per venue), and its budget is a fraction of the
 * JSON.parse it follows (bench/venues.bench.ts, target ≥ 0.8× of plain JSON.parse). A zod
 * object schema copies the object and tracks issues per frame: measured once on this
 * project's Binance corpus, JSON.parse + a zod schema of the trade event (validation only,
 * no mapping) ran at 0.70× of JSON.parse, while the whole guard-based mapper ran at 0.92×.
 * The guards are kept tiny and are exercised by the bad-input tables and the fast-check
 * properties in test/unit/venues-*.test.ts.
 */
import type { ParseResult } from './types.ts';

/** A JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse that reports failure as `undefined` instead of throwing. */
export function parseJson(frame: string): unknown {
  try {
    return JSON.parse(frame) as unknown;
  } catch {
    return undefined;
  }
}

/** A longer number than any real price, size or timestamp is rejected before parsing. */
const MAX_NUMBER_CHARS = 40;

/** Exact powers of ten: every 10^k with k ≤ 22 is representable, so m / 10^k rounds once. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Largest mantissa that can take one more digit without leaving the exact-integer range. */
const MANTISSA_LIMIT = (Number.MAX_SAFE_INTEGER - 9) / 10;

/**
 * Venues send prices and sizes as plain decimal strings ("30236", "0.00013669"). Only that
 * shape is accepted: no sign, exponent, hex, whitespace, "NaN" or "Infinity", because
 * `Number()` would silently coerce several of those and no real message shows them.
 * Returns NaN for anything else.
 *
 * The value is built in the same pass as the check: with an integer mantissa below 2^53 and
 * at most 22 fraction digits, `mantissa / 10^k` is a single correctly rounded IEEE division
 * of two exact operands, i.e. the same double `Number(text)` returns (Clinger's fast path),
 * at a fraction of its cost. Longer inputs fall back to `Number(text)`.
 */
export function parseDecimal(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  return decimalAt(text, 0, text.length);
}

/**
 * `parseDecimal` of `s[start, end)` read in place, so the trade-frame scanners (scan.ts) get
 * exactly the double the JSON.parse path gets without cutting the digits out of the frame.
 */
export function decimalAt(s: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > MAX_NUMBER_CHARS) return Number.NaN;
  let dot = -1;
  let mantissa = 0;
  let exact = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (dot !== -1 || i === start || i === end - 1) return Number.NaN;
      dot = i;
    } else if (c < 48 || c > 57) {
      return Number.NaN;
    } else if (exact) {
      if (mantissa > MANTISSA_LIMIT) exact = false;
      else mantissa = mantissa * 10 + (c - 48);
    }
  }
  const fractionDigits = dot === -1 ? 0 : end - dot - 1;
  if (!exact || fractionDigits > 22) return Number(s.slice(start, end));
  return mantissa / (POW10[fractionDigits] as number);
}

/** Finite and > 0 (NaN fails both comparisons). */
export function isPositive(x: number): boolean {
  return x > 0 && x < Number.POSITIVE_INFINITY;
}

/** A millisecond timestamp or id sent as a JSON number: a non-negative safe integer. */
export function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A millisecond timestamp sent as a digit string (OKX "1652459224818"); NaN otherwise. */
export function parseCountString(text: unknown): number {
  if (typeof text !== 'string' || text.length === 0 || text.length > 16) return Number.NaN;
  let x = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    x = x * 10 + (c - 48);
  }
  // Past 2^53 the sum may round, but it then stays ≥ 2^53 and is rejected here.
  return Number.isSafeInteger(x) ? x : Number.NaN;
}

/**
 * Decimal text of a non-negative safe integer (a JSON-number trade id), equal to String(n).
 * Ids past 2^31 are doubles to V8, and String() takes its slow shortest-double path for
 * them (about 4× the cost of this in bench runs); two small-integer conversions do not.
 */
export function integerString(n: number): string {
  if (n < 2_147_483_648) return String(n);
  const high = Math.floor(n / 1e8);
  // `low + 1e8` has exactly nine digits; dropping the leading 1 zero-pads `low` to eight.
  return String(high) + String(n - high * 1e8 + 1e8).slice(1);
}

// One-entry caches: the configured symbol and the symbol the venue spells it with are the
// same for every frame of a connection, so the case-folding is done once, not per trade.
let cachedSymbol = '';
let cachedSymbolUpper = '';
let lastMatchedFrameSymbol = '';

/**
 * Whether a frame's symbol is the configured pair, ignoring case (Binance streams are
 * named in lower case but the events carry `BTCUSDT`). A trade for any other pair must not
 * reach the median, so mappers reject it.
 */
export function symbolMatches(frameSymbol: string, configured: string): boolean {
  if (frameSymbol === configured) return true;
  if (configured !== cachedSymbol) {
    cachedSymbol = configured;
    cachedSymbolUpper = configured.toUpperCase();
    lastMatchedFrameSymbol = '';
  }
  if (frameSymbol === lastMatchedFrameSymbol) return true;
  const match = frameSymbol.length === cachedSymbolUpper.length && frameSymbol.toUpperCase() === cachedSymbolUpper;
  if (match) lastMatchedFrameSymbol = frameSymbol;
  return match;
}

/** A short printable rendering of a bad field for an `invalid` reason. */
export function show(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return JSON.stringify(v.length > 32 ? `${v.slice(0, 32)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

export function invalid(reason: string): ParseResult {
  return { kind: 'invalid', reason };
}

export const PONG: ParseResult = Object.freeze({ kind: 'pong' });
export const NOT_JSON: ParseResult = Object.freeze({ kind: 'invalid', reason: 'frame is not valid JSON' });
