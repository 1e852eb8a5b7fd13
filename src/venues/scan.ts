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
 * or -1 when the text is not what it accepts. Numbers are left in `FrameScanner.num`.
 */
import { fastIsoMsAt } from './guards.ts';

/** Exact powers of ten: every 10^k with k ≤ 22 is representable, so m / 10^k rounds once. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Largest mantissa that can take one more digit without leaving the exact-integer range. */
const MANTISSA_LIMIT = (Number.MAX_SAFE_INTEGER - 9) / 10;

function digitsEnd(s: string, i: number): number {
  let k = i;
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) break;
  }
  return k;
}

/**
 * The scan steps, as methods of one long-lived object per venue: the number a step reads is
 * left in `num`, a plain field: read from another module, an exported `let` showed up in
 * the bench's CPU profile as a getter call per access (tsx's module transform).
 */
export class FrameScanner {
  /** The value of the last number a scan step read. */
  num = 0;

  /**
   * A JSON string without escapes at `i` (the opening quote): returns the index past the
   * closing quote, -1 on a backslash (the text would differ from the value), a raw control
   * character (JSON.parse rejects those) or no closing quote.
   */
  stringEnd(s: string, i: number): number {
    if (s.charCodeAt(i) !== 34 /* " */) return -1;
    for (let k = i + 1; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 34) return k + 1;
      if (c === 92 /* \ */ || c < 32) return -1;
    }
    return -1;
  }

  /**
   * An RFC 3339 UTC timestamp string at `i` (its opening quote) in the shape
   * `fastIsoMsAt` reads: returns the index past the closing quote and leaves the epoch ms in
   * `num`, or -1. Only the tail is searched for the quote; `fastIsoMsAt` then checks every
   * character before it (digits and `-T:.Z` only, so no quote, backslash or control).
   */
  isoStringEnd(s: string, i: number): number {
    if (s.charCodeAt(i) !== 34) return -1;
    // The shortest shape has 20 characters, the longest 30.
    for (let k = i + 21; k <= i + 31; k++) {
      if (s.charCodeAt(k) !== 34) continue;
      const ms = fastIsoMsAt(s, i + 1, k);
      if (ms < 0) return -1;
      this.num = ms;
      return k + 1;
    }
    return -1;
  }

  /** Whether `s[start, end)` is exactly `text`. */
  regionIs(s: string, start: number, end: number, text: string): boolean {
    if (end - start !== text.length) return false;
    for (let k = 0; k < text.length; k++) if (s.charCodeAt(start + k) !== text.charCodeAt(k)) return false;
    return true;
  }

  /** Whether `text` (a key with its quotes and colon, `"price":`) starts at `i`. */
  keyAt(s: string, i: number, text: string): boolean {
    return this.regionIs(s, i, i + text.length, text);
  }

  /**
   * A non-negative JSON number without exponent, `(0|[1-9][0-9]*)(.[0-9]+)?`, at `i`, read in
   * one pass. With all its digits as an integer mantissa below 2^53 and at most 22 fraction
   * digits, `mantissa / 10^k` is one correctly rounded division of two exact doubles, i.e.
   * the correctly rounded value of the decimal, which JSON.parse returns too (the same fast
   * path as fields.ts `decimalAt`; test/unit/venues-scan.test.ts compares with JSON.parse).
   * Longer numbers are refused, for the reference path to read.
   */
  plainNumberEnd(s: string, i: number): number {
    let k = i;
    let mantissa = 0;
    let c = s.charCodeAt(k);
    if (c === 48 /* 0 */) {
      c = s.charCodeAt(++k);
      if (c >= 48 && c <= 57) return -1; // JSON allows no leading zero
    } else {
      if (!(c >= 49 && c <= 57)) return -1;
      do {
        if (mantissa > MANTISSA_LIMIT) return -1;
        mantissa = mantissa * 10 + (c - 48);
        c = s.charCodeAt(++k);
      } while (c >= 48 && c <= 57);
    }
    let fractionDigits = 0;
    if (c === 46 /* . */) {
      c = s.charCodeAt(++k);
      if (!(c >= 48 && c <= 57)) return -1;
      do {
        if (mantissa > MANTISSA_LIMIT || ++fractionDigits > 22) return -1;
        mantissa = mantissa * 10 + (c - 48);
        c = s.charCodeAt(++k);
      } while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69 /* e E */) return -1;
    this.num = mantissa / (POW10[fractionDigits] as number);
    return k;
  }

  /**
   * Whether `"text"` (with its quotes) starts at `i`. `text` must be plain (see `isPlain`),
   * else a frame could match it through an unescaped quote JSON.parse would refuse.
   */
  quotedAt(s: string, i: number, text: string): boolean {
    const n = text.length;
    if (s.charCodeAt(i) !== 34 || s.charCodeAt(i + n + 1) !== 34) return false;
    for (let k = 0; k < n; k++) if (s.charCodeAt(i + 1 + k) !== text.charCodeAt(k)) return false;
    return true;
  }

  private plainText = '';

  /** Whether `text` has no quote, backslash or control character (cached for the last text asked). */
  isPlain(text: string): boolean {
    if (text === this.plainText) return true;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 34 || c === 92 || c < 32) return false;
    }
    this.plainText = text;
    return true;
  }

  /** A JSON integer `0|[1-9][0-9]*` at `i` that is a safe integer (ids, sequence numbers). */
  integerEnd(s: string, i: number): number {
    const end = digitsEnd(s, i);
    const n = end - i;
    if (n === 0 || n > 16 || (n > 1 && s.charCodeAt(i) === 48)) return -1;
    const c = s.charCodeAt(end);
    if (c === 46 || c === 101 || c === 69 /* . e E */) return -1;
    let x = 0;
    for (let k = i; k < end; k++) x = x * 10 + (s.charCodeAt(k) - 48);
    // Past 2^53 the sum may round, but it then stays ≥ 2^53 and is refused here.
    if (!Number.isSafeInteger(x)) return -1;
    this.num = x;
    return end;
  }
}
