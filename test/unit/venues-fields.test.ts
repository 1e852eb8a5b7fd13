// Goal: the shared field guards behind the OKX/Bybit/Binance mappers return exactly what Number()/String() would for valid input and reject every other spelling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerString, parseCountString, parseDecimal, symbolMatches } from '../../src/venues/fields.ts';

describe('venue field guards', () => {
  it('parses plain decimals to the same double as Number(), including past the exact fast path', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 });
    const decimal = fc.tuple(digits, fc.option(digits, { nil: undefined })).map(([i, f]) => (f === undefined ? i : `${i}.${f}`));
    fc.assert(
      fc.property(decimal, (text) => Object.is(parseDecimal(text), Number(text))),
      { numRuns: 2000 },
    );
    for (const text of ['107407.88000000', '0.00024000', '9007199254740993', '0.1', '30236']) expect(parseDecimal(text)).toBe(Number(text));
  });

  it('rejects every spelling Number() would coerce but no venue sends', () => {
    for (const text of ['', ' 1', '1 ', '+1', '-1', '.5', '5.', '1.2.3', '1e5', '0x10', '0b1', 'NaN', 'Infinity', '1_000', '١٢']) {
      expect(parseDecimal(text), text).toBeNaN();
    }
    for (const v of [1, null, undefined, true, {}, []]) expect(parseDecimal(v)).toBeNaN();
  });

  it('parses digit-string timestamps and rejects anything past 2^53 or not all digits', () => {
    expect(parseCountString('1652459224818')).toBe(1652459224818);
    expect(parseCountString('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const text of ['9007199254740993', '12345678901234567', '', '-1', '1.5', '1e12', ' 1'])
      expect(parseCountString(text), text).toBeNaN();
  });

  it('writes integer trade ids exactly as String() does, on both sides of 2^31', () => {
    for (const n of [0, 7, 2_147_483_647, 2_147_483_648, 5_052_328_858, 100_000_000_000, Number.MAX_SAFE_INTEGER])
      expect(integerString(n)).toBe(String(n));
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => integerString(n) === String(n)),
      { numRuns: 2000 },
    );
  });

  it('matches symbols case-insensitively and keeps no stale match when the configured symbol changes', () => {
    expect(symbolMatches('BTCUSDT', 'btcusdt')).toBe(true);
    expect(symbolMatches('BTCUSDT', 'btcusdt')).toBe(true);
    expect(symbolMatches('BTCUSDT', 'ethusdt')).toBe(false);
    expect(symbolMatches('BTCUSDT', 'btcusdc')).toBe(false);
    expect(symbolMatches('BTC-USDT', 'BTC-USDT')).toBe(true);
    expect(symbolMatches('BTCUSDTX', 'btcusdt')).toBe(false);
  });
});
