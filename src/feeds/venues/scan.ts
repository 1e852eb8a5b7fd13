/**
 * Primitives for the guarded trade-frame scanners of Kraken and Coinbase (kraken.ts,
 * coinbase.ts).
 *
 * Why: bench/venues.bench.ts asks every mapper to run at ≥ 0.8× of plain JSON.parse. For
 * these two venues JSON.parse alone is most of that budget, so building the JSON tree and
 * then reading it cannot fit. Their one hot frame shape (a trade) is instead read once,
 * left to right, with charCodeAt, straight into the normalized trade.
 *
 * The JSON.parse path stays the reference: a scanner only ever answers for a frame it read
 * completely in the strict subset of JSON below and whose fields were all valid; on any
 * deviation (whitespace, an escape, a control character, an unknown or repeated key, a
 * number outside the plain shape, trailing text…) it gives up and the adapter runs the
 * reference path, so both can only agree. test/unit/venues-scan.test.ts checks that
 * equivalence over random and mutated frames.
 *
 * Every step takes the index where its token starts and returns the index just past it,
 * or -1 when the text is not what it accepts. Numbers are left in `scannedNumber`.
 */
import { decimalAt } from './fields.ts';

/** The value of the last number a scan step read. */
export let scannedNumber = 0;

/**
 * A JSON string without escapes at `i` (the opening quote): returns the index past the
 * closing quote, -1 on a backslash (the text would differ from the value), a raw control
 * character (JSON.parse rejects those) or no closing quote.
 */
export function stringEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34 /* " */) return -1;
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 34) return k + 1;
    if (c === 92 /* \ */ || c < 32) return -1;
  }
  return -1;
}

/** Whether `s[start, end)` is exactly `text`. */
export function regionIs(s: string, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (s.charCodeAt(start + k) !== text.charCodeAt(k)) return false;
  return true;
}

/** Whether `text` (a key with its quotes and colon, `"price":`) starts at `i`. */
export function keyAt(s: string, i: number, text: string): boolean {
  return regionIs(s, i, i + text.length, text);
}

function digitsEnd(s: string, i: number): number {
  let k = i;
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) break;
  }
  return k;
}

/**
 * A non-negative JSON number without exponent, `(0|[1-9][0-9]*)(.[0-9]+)?`, at `i`. Its
 * value is `decimalAt` of its text: the correctly rounded double of the decimal, which is
 * what JSON.parse gives too (test/unit/venues-fields.test.ts pins `parseDecimal` to
 * `Number()`). A longer number than `decimalAt` takes is refused here.
 */
export function plainNumberEnd(s: string, i: number): number {
  const intEnd = digitsEnd(s, i);
  if (intEnd === i || (s.charCodeAt(i) === 48 && intEnd > i + 1)) return -1;
  let end = intEnd;
  if (s.charCodeAt(intEnd) === 46 /* . */) {
    end = digitsEnd(s, intEnd + 1);
    if (end === intEnd + 1) return -1;
  }
  const c = s.charCodeAt(end);
  if (c === 101 || c === 69 /* e E */) return -1;
  const v = decimalAt(s, i, end);
  if (!Number.isFinite(v)) return -1;
  scannedNumber = v;
  return end;
}

/** A JSON integer `0|[1-9][0-9]*` at `i` that is a safe integer (ids, sequence numbers). */
export function integerEnd(s: string, i: number): number {
  const end = digitsEnd(s, i);
  const n = end - i;
  if (n === 0 || n > 16 || (n > 1 && s.charCodeAt(i) === 48)) return -1;
  const c = s.charCodeAt(end);
  if (c === 46 || c === 101 || c === 69 /* . e E */) return -1;
  let x = 0;
  for (let k = i; k < end; k++) x = x * 10 + (s.charCodeAt(k) - 48);
  // Past 2^53 the sum may round, but it then stays ≥ 2^53 and is refused here.
  if (!Number.isSafeInteger(x)) return -1;
  scannedNumber = x;
  return end;
}
