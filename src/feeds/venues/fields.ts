/**
 * Small, allocation-free field guards shared by the OKX, Bybit and Binance mappers.
 *
 * Why hand-written guards instead of zod here: a venue mapper runs once per frame on the
 * hot path (thousands of frames a second per venue), and its budget is a fraction of the
 * JSON.parse it follows (bench/venues.bench.ts, target ≥ 0.8× of plain JSON.parse). A zod
 * object parse allocates a copy plus issue bookkeeping per frame and costs several times
 * JSON.parse; these typeof / char-code checks cost a few percent. They are kept tiny and
 * are exercised by the bad-input tables and the fast-check properties in test/unit/venues-*.
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

/**
 * Venues send prices and sizes as plain decimal strings ("30236", "0.00013669"). Only that
 * shape is accepted: no sign, exponent, hex, whitespace, "NaN" or "Infinity", because
 * `Number()` would silently coerce several of those and no real message shows them.
 * Returns NaN for anything else.
 */
export function parseDecimal(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const n = text.length;
  if (n === 0 || n > MAX_NUMBER_CHARS) return Number.NaN;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (dot !== -1 || i === 0 || i === n - 1) return Number.NaN;
      dot = i;
    } else if (c < 48 || c > 57) {
      return Number.NaN;
    }
  }
  return Number(text);
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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
  }
  const x = Number(text);
  return Number.isSafeInteger(x) ? x : Number.NaN;
}

// One-entry cache: the configured symbol is the same for every frame of a connection, so
// its upper-case form is computed once instead of per trade.
let cachedSymbol = '';
let cachedSymbolUpper = '';

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
  }
  return frameSymbol.length === cachedSymbolUpper.length && frameSymbol.toUpperCase() === cachedSymbolUpper;
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
