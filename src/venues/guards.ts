/**
 * Small hand-written guards shared by the venue mappers. Trade frames arrive hundreds of
 * times a second per venue; after `JSON.parse` we check the handful of fields we use by
 * hand instead of running a zod schema over every frame (a schema allocates an issue list
 * and a copy per parse). The guards are total: they return `null`/`undefined` for anything
 * unexpected and never throw.
 */
import { invalid, isRecord, parseDecimal, parseJson } from './fields.ts';

export type Json = Record<string, unknown>;
// The object check and the invalid result are fields.ts's, under the names these mappers use.
export { invalid, isRecord as isObject };

/** Parses one frame into a JSON object, or returns the reason (a string) it is not one. */
export function parseObject(frame: string): Json | string {
  const value = parseJson(frame);
  if (value === undefined) return 'malformed JSON';
  if (!isRecord(value)) return 'not a JSON object';
  return value;
}

/**
 * A decimal string (as Coinbase sends prices) → a finite number, else null. Plain decimals
 * only ("64001.2", "0.00044780"): the shared scanner in fields.ts checks the shape and builds
 * the value in one pass, the same double `Number()` gives, without a regex.
 */
export function decimalString(v: unknown): number | null {
  const n = parseDecimal(v);
  return Number.isFinite(n) ? n : null;
}

/** A JSON number that is finite and strictly positive, else null. */
export function positiveNumber(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

// RFC 3339 UTC timestamps as Coinbase and Kraken send them: 2026-09-25T17:48:26.844359Z.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** An RFC 3339 UTC timestamp → integer ms since the epoch (sub-ms digits truncated), else null. */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = fastIsoMsAt(v, 0, v.length);
  return ms >= 0 ? ms : slowIsoMs(v);
}

/** The general path: the strict shape check, then the engine's own ISO-8601 reading. */
function slowIsoMs(v: string): number | null {
  if (!ISO_UTC.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : null;
}

const MS_PER_DAY = 86_400_000;

/** Two ASCII digits at `i` as a number, or a negative number if either is not a digit. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The fixed shape every real Coinbase `time` and Kraken `timestamp` has,
 * `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` with year ≥ 1970 and every field in its everyday range,
 * read by hand into epoch ms: `Date.parse` plus the shape regex cost about as much as the
 * whole JSON.parse budget of a mapper (bench/venues.bench.ts). Returns -1 for anything else
 * (24:00, a day past 31, a short fraction of another shape…), which then takes the slow path,
 * so the two paths can only ever agree; test/unit/venues-guards.test.ts checks the fast path
 * against `Date.parse` over random timestamps. It reads `s[start, end)` in place so the
 * trade-frame scanners (scan.ts) can read a timestamp without cutting it out of the frame.
 */
export function fastIsoMsAt(s: string, start: number, end: number): number {
  const n = end - start;
  if (n < 20 || n > 30 || s.charCodeAt(end - 1) !== 90 /* Z */) return -1;
  const a = start;
  if (
    s.charCodeAt(a + 4) !== 45 ||
    s.charCodeAt(a + 7) !== 45 ||
    s.charCodeAt(a + 10) !== 84 ||
    s.charCodeAt(a + 13) !== 58 ||
    s.charCodeAt(a + 16) !== 58
  )
    return -1;
  const century = digits2(s, a);
  const yy = digits2(s, a + 2);
  const month = digits2(s, a + 5);
  const day = digits2(s, a + 8);
  const hour = digits2(s, a + 11);
  const minute = digits2(s, a + 14);
  const second = digits2(s, a + 17);
  if (century < 19 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31) return -1;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  const year = century * 100 + yy;
  if (year < 1970) return -1;
  const ms = fractionMs(s, a, n);
  if (ms < 0) return -1;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The milliseconds of `.f{1,9}` before the final `Z` (sub-ms digits truncated, as Date.parse does), 0 if absent, -1 if malformed. */
function fractionMs(s: string, a: number, n: number): number {
  if (n === 20) return 0;
  // A fraction needs the dot and 1..9 digits: n is 22..30.
  if (n < 22 || s.charCodeAt(a + 19) !== 46 /* . */) return -1;
  let ms = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = s.charCodeAt(a + i) - 48;
    if (d < 0 || d > 9) return -1;
    if (i < 23) ms = ms * 10 + d;
  }
  // ".1" is 100 ms and ".12" 120 ms.
  for (let i = n - 1; i < 23; i++) ms *= 10;
  return ms;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms", days_from_civil). It is linear in `day`, so Feb 30 lands on
 * Mar 1/2 exactly as `Date.parse` rolls it over.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** A non-negative safe integer (trade ids, sequence numbers), else null. */
export function safeInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** Shortens a venue-supplied text before it goes into a reason or a log line. */
export function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
