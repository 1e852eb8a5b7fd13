// Goal: the hand-written fast paths behind the Coinbase/Kraken/Bitstamp mappers (ISO-8601 timestamps, decimal strings) return exactly what the regex + Date.parse / Number() reading they replace returns, for real-looking and malformed input alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalString, isoMs } from '../../src/venues/guards.ts';

// The readings the fast paths replace, kept here as the oracle.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
function referenceIsoMs(v: unknown): number | null {
  if (typeof v !== 'string' || !ISO_UTC.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : null;
}
const DECIMAL = /^\d+(?:\.\d+)?$/;
function referenceDecimal(v: unknown): number | null {
  if (typeof v !== 'string' || !DECIMAL.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const fractionDigits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 10 });

describe('venue timestamp and decimal guards', () => {
  it('reads random RFC 3339 timestamps with 0–10 fraction digits exactly as Date.parse does', () => {
    const date = fc.date({
      min: new Date(Date.UTC(1960, 0, 1)),
      max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(date, fractionDigits, (d, frac) => {
        const text = d.toISOString().slice(0, 19) + (frac === '' ? '' : `.${frac}`) + 'Z';
        expect(isoMs(text), text).toBe(referenceIsoMs(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with Date.parse on every field combination, including out-of-range ones it leaves to the slow path', () => {
    // Fields drawn past their ranges (month 13, day 32, Feb 30, hour 24, second 60, year 1969…).
    const text = fc
      .tuple(
        fc.integer({ min: 1900, max: 2100 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fractionDigits,
      )
      .map(
        ([y, mo, d, h, mi, s, frac]) =>
          `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === '' ? '' : `.${frac}`}Z`,
      );
    fc.assert(
      fc.property(text, (t) => {
        expect(isoMs(t), t).toBe(referenceIsoMs(t));
      }),
      { numRuns: 5000 },
    );
    for (const t of [
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:59:60Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00Z',
      '2024-02-29T12:00:00.5Z',
    ]) {
      expect(isoMs(t), t).toBe(referenceIsoMs(t));
    }
  });

  it('rejects near-miss spellings of a timestamp like the regex did', () => {
    const base = '2026-09-25T17:48:26.844359Z';
    // Every single-character substitution of a real timestamp, from a set of likely typos.
    for (let i = 0; i < base.length; i++) {
      for (const c of ['0', '9', '-', ':', '.', 'T', 'Z', ' ', 'x', '+', '١']) {
        const t = base.slice(0, i) + c + base.slice(i + 1);
        expect(isoMs(t), t).toBe(referenceIsoMs(t));
      }
    }
    for (const v of [
      '',
      base.slice(0, -1),
      `${base} `,
      '2026-09-25 17:48:26Z',
      '2026-09-25T17:48:26+00:00',
      '2026-09-25T17:48:26.Z',
      1_695_628_106,
      null,
      undefined,
    ]) {
      expect(isoMs(v), String(v)).toBe(referenceIsoMs(v));
    }
    expect(isoMs(base)).toBe(Date.parse('2026-09-25T17:48:26.844Z'));
  });

  it('reads decimal strings exactly as the regex + Number() did, and rejects what it rejected', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 18 });
    const decimal = fc.tuple(digits, fc.option(digits, { nil: undefined })).map(([i, f]) => (f === undefined ? i : `${i}.${f}`));
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string({ maxLength: 12 })), (text) => {
        expect(decimalString(text), text).toBe(referenceDecimal(text));
      }),
      { numRuns: 3000 },
    );
    for (const v of ['64001.2', '0.00044780', '-1.5', '1e5', ' 1', '.5', '5.', 'NaN', 64000, null])
      expect(decimalString(v), String(v)).toBe(referenceDecimal(v));
  });
});
