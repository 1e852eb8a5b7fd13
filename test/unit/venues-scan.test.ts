// Goal: the guarded Kraken and Coinbase trade-frame scanners give exactly the result of the JSON.parse reference path for every frame (valid, reordered, padded, escaped, extended, truncated or mutated), and do serve the venues' real trade shape.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCoinbase, parseCoinbaseReference, scanCoinbaseMatch } from '../../src/venues/coinbase.ts';
import { parseKraken, parseKrakenReference, scanKrakenUpdate } from '../../src/venues/kraken.ts';

const fixture = (name: string) => readFileSync(`test/fixtures/venues/${name}`, 'utf8').trim();
const RECV = 1_790_000_000_000;
const KRAKEN_SYMBOL = 'BTC/USD';
const COINBASE_SYMBOL = 'BTC-USD';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Plain JSON number text: 1–12 integer digits (no leading zero), 1–24 fraction digits. */
const plainNumber = fc
  .tuple(
    fc.oneof(
      { weight: 1, arbitrary: fc.constant('0') },
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...'123456789'), digits(0, 11)).map(([a, b]) => a + b) },
    ),
    fc.option(digits(1, 24)),
  )
  .map(([i, f]) => (f === null ? i : `${i}.${f}`));
const oddNumber = fc.constantFrom(
  '-1',
  '1e5',
  '1E-3',
  '2.5e+1',
  '01.5',
  '00',
  '1.',
  '.5',
  '0',
  '0.0',
  '-0',
  '1.5.2',
  '0x10',
  'NaN',
  '9'.repeat(45),
  '1'.repeat(16),
  '9007199254740993',
  'null',
  '"1"',
  'true',
  '[1]',
);
const number = fc.oneof({ weight: 30, arbitrary: plainNumber }, { weight: 1, arbitrary: oddNumber });
const integerText = fc.oneof(
  { weight: 30, arbitrary: fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })).map(String) },
  { weight: 1, arbitrary: oddNumber },
);

/** Coinbase's decimal strings: mostly plain, sometimes with leading zeros, very long or not numbers at all. */
const decimalText = fc.oneof(
  { weight: 20, arbitrary: plainNumber },
  { weight: 2, arbitrary: digits(1, 45) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const isoText = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), digits(0, 10))
      .map(([ms, f]) => new Date(ms).toISOString().slice(0, 19) + (f === '' ? '' : `.${f}`) + 'Z'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2026-02-30T10:00:00Z',
      '2026-09-25T24:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '2026-09-25 17:48:26Z',
      '2026-09-25T17:48:26.844359',
      '2026-09-25T17:48:26.Z',
      '2026-09-25T17:48:26.844359\\u005a',
      '',
    ),
  },
);
/** The contents of a JSON string literal: plain text, escapes, unicode and raw control characters. */
const strText = (...plain: string[]) =>
  fc.oneof(
    { weight: 25, arbitrary: fc.constant(plain[0] as string) },
    { weight: 5, arbitrary: fc.constantFrom(...plain) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('b\\u0075y', 'BTC\\/USD', 'x\\"y', '\\n', 'é€😀', '\u0001', 'sel'), fc.string({ maxLength: 6 })),
    },
  );
const ws = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\t', '\r\n  ') });
/** `arb` in about one case of `n`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const extraMember = fc.constantFrom(
  '"misc":"x"',
  '"misc":{"a":[1,2]}',
  '"misc":null',
  '"misc":[]',
  '"x\\u0079":1',
  '"price":1',
  '"side":"buy"',
  '"trade_id":2',
);

type Member = [key: string, json: string];

/** Joins members into an object, optionally reordered, dropped, padded with whitespace or extended. */
const objectOf = (members: fc.Arbitrary<Member[]>) =>
  fc
    .record({
      members,
      order: rarely(fc.array(fc.double({ noNaN: true }), { minLength: 12, maxLength: 12 }), 4),
      drop: rarely(fc.nat(11), 10),
      extra: rarely(fc.tuple(extraMember, fc.nat(11)), 10),
      gaps: rarely(fc.array(ws, { minLength: 40, maxLength: 40 }), 10),
    })
    .map(({ members, order, drop, extra, gaps }) => {
      let m = members.map(([k, v]) => `"${k}":${v}`);
      if (order)
        m = m
          .map((t, i) => [t, order[i] ?? 0] as const)
          .sort((a, b) => a[1] - b[1])
          .map(([t]) => t);
      if (drop !== null) m.splice(drop % m.length, 1);
      if (extra) m.splice(extra[1] % (m.length + 1), 0, extra[0]);
      let g = 0;
      const gap = () => (gaps === null ? '' : (gaps[g++ % gaps.length] as string));
      return `{${gap()}${m.map((t) => t.replace(':', `:${gap()}`)).join(`,${gap()}`)}${gap()}}`;
    });

const krakenItem = objectOf(
  fc
    .tuple(
      strText(KRAKEN_SYMBOL, 'ETH/USD', 'BTC/US', 'BTC/USDT'),
      strText('buy', 'sell', 'Buy'),
      number,
      number,
      strText('limit', 'market'),
      integerText,
      isoText,
    )
    .map(([sym, side, price, qty, ord, id, ts]): Member[] => [
      ['symbol', `"${sym}"`],
      ['side', `"${side}"`],
      ['price', price],
      ['qty', qty],
      ['ord_type', `"${ord}"`],
      ['trade_id', id],
      ['timestamp', `"${ts}"`],
    ]),
);
const krakenFrame = fc
  .tuple(
    fc.array(krakenItem, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('update', 'update', 'update', 'update', 'update', 'snapshot'),
    ws,
    fc.constantFrom('', '', '', '', '', '', '', '', ',"extra":1', ' '),
  )
  .map(([items, type, pad, tail]) => `{"channel":"trade","type":"${type}","data":[${items.join(`,${pad}`)}]${tail}}`);

const coinbaseMatch = objectOf(
  fc
    .tuple(
      integerText,
      strText('cac01d6d-8009-4c33-8e0d-f7f853d7c1bc'),
      strText('3dec64e4-f6ad-4ca8-ad3f-e5b1a0eb0d06'),
      strText('buy', 'sell', 'Sell'),
      decimalText,
      decimalText,
      strText(COINBASE_SYMBOL, 'ETH-USD', 'BTC-US'),
      integerText,
      isoText,
    )
    .map(([id, maker, taker, side, size, price, product, seq, time]): Member[] => [
      ['type', '"match"'],
      ['trade_id', id],
      ['maker_order_id', `"${maker}"`],
      ['taker_order_id', `"${taker}"`],
      ['side', `"${side}"`],
      ['size', `"${size}"`],
      ['price', `"${price}"`],
      ['product_id', `"${product}"`],
      ['sequence', seq],
      ['time', `"${time}"`],
    ]),
);
const coinbaseFrame = fc.tuple(coinbaseMatch, fc.constantFrom('', '', '', '', '', '', '', '\n', 'x', '}')).map(([m, tail]) => m + tail);

/** A frame with one character replaced, inserted or deleted at a random place. */
const MUTATION_CHARS = [...'0159."\\ ,:{}[]e-+aZT\u0000é'];

/** Every single-character mutation of `frame`: each position replaced by, or preceded by, each of MUTATION_CHARS, or deleted. */
function* allMutations(frame: string): Generator<{ frame: string; at: number; how: 'replace' | 'insert' | 'delete'; c: string }> {
  for (let at = 0; at <= frame.length; at++) {
    for (const c of MUTATION_CHARS) {
      yield { frame: frame.slice(0, at) + c + frame.slice(at), at, how: 'insert', c };
      if (at < frame.length && frame[at] !== c) yield { frame: frame.slice(0, at) + c + frame.slice(at + 1), at, how: 'replace', c };
    }
    if (at < frame.length) yield { frame: frame.slice(0, at) + frame.slice(at + 1), at, how: 'delete', c: '' };
  }
}

/** Positions of the fraction digits of the frame's price and size numbers (quoted or not). */
function fractionDigits(frame: string): Set<number> {
  const at = new Set<number>();
  for (const m of frame.matchAll(/"(?:price|qty|size)":"?\d+\.(\d+)/g)) {
    const start = m.index + m[0].length - m[1]!.length;
    for (let i = start; i < m.index + m[0].length; i++) at.add(i);
  }
  return at;
}

/**
 * Runs every single-character mutation of a real frame through the parser and the
 * reference (they must agree on each) and counts what the fast path served: in all, and
 * among the mutations that only swap one fraction digit of a price or size for another
 * digit — still a plain number in a clean frame, which the scanner must serve itself.
 */
function mutationsAgree(
  frame: string,
  parse: (f: string) => unknown,
  reference: (f: string) => unknown,
  scan: (f: string) => unknown,
): { mutations: number; served: number; digitSwaps: number; digitSwapsServed: number } {
  const digits = fractionDigits(frame);
  const r = { mutations: 0, served: 0, digitSwaps: 0, digitSwapsServed: 0 };
  for (const m of allMutations(frame)) {
    r.mutations++;
    expect(parse(m.frame), m.frame).toStrictEqual(reference(m.frame));
    const served = scan(m.frame) !== null;
    if (served) r.served++;
    if (m.how === 'replace' && digits.has(m.at) && /\d/.test(m.c)) {
      r.digitSwaps++;
      if (served) r.digitSwapsServed++;
    }
  }
  return r;
}

const krakenFixtures = [
  fixture('kraken_v2_trade.json'),
  JSON.stringify({ ...(JSON.parse(fixture('kraken_v2_trade_snapshot_documented.json')) as object), type: 'update' }).replaceAll(
    'MATIC/USD',
    KRAKEN_SYMBOL,
  ),
];
const coinbaseFixtures = [
  fixture('coinbase_match.json').replace('SKL-USD', COINBASE_SYMBOL),
  fixture('coinbase_exchange_last_match.json').replace('BAND-GBP', COINBASE_SYMBOL),
];

/** Runs a property and counts the frames the scanner served itself, so a vacuous pass shows. */
function equivalent(
  arb: fc.Arbitrary<string>,
  parse: (f: string) => unknown,
  reference: (f: string) => unknown,
  scan: (f: string) => unknown,
  numRuns: number,
): number {
  let served = 0;
  fc.assert(
    fc.property(arb, (frame) => {
      expect(parse(frame), frame).toStrictEqual(reference(frame));
      if (scan(frame) !== null) served++;
    }),
    { numRuns },
  );
  return served;
}

const kParse = (f: string) => parseKraken(f, RECV, KRAKEN_SYMBOL);
const kRef = (f: string) => parseKrakenReference(f, RECV, KRAKEN_SYMBOL);
const kScan = (f: string) => scanKrakenUpdate(f, RECV, KRAKEN_SYMBOL);
const cParse = (f: string) => parseCoinbase(f, RECV, COINBASE_SYMBOL);
const cRef = (f: string) => parseCoinbaseReference(f, RECV, COINBASE_SYMBOL);
const cScan = (f: string) => scanCoinbaseMatch(f, RECV, COINBASE_SYMBOL);

describe('kraken trade scanner', () => {
  it('serves the real trade frames itself, with the reference result', () => {
    for (const frame of krakenFixtures) {
      expect(kScan(frame), frame).not.toBeNull();
      expect(kScan(frame)).toStrictEqual(kRef(frame));
    }
  });

  it('agrees with the reference on random frames (reordered, padded, escaped, extended, multi-trade)', () => {
    // About one frame in fourteen is clean and short-numbered enough for the scanner to serve (the rest test the fallback).
    const served = equivalent(krakenFrame, kParse, kRef, kScan, 4000);
    expect(served).toBeGreaterThan(200);
  });

  it('agrees with the reference on every truncation of real and random frames', () => {
    for (const frame of krakenFixtures)
      for (let n = 0; n <= frame.length; n++) expect(kParse(frame.slice(0, n))).toStrictEqual(kRef(frame.slice(0, n)));
    fc.assert(
      fc.property(krakenFrame, fc.nat(), (frame, n) => {
        const cut = frame.slice(0, n % (frame.length + 1));
        expect(kParse(cut), cut).toStrictEqual(kRef(cut));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the reference on every single-character mutation of the real frames, and serves each fraction-digit swap itself', () => {
    for (const frame of krakenFixtures) {
      expect(kScan(frame)).not.toBeNull();
      const r = mutationsAgree(frame, kParse, kRef, kScan);
      expect(r.digitSwaps).toBeGreaterThan(0);
      expect(r.digitSwapsServed).toBe(r.digitSwaps);
      expect(r.served).toBeGreaterThanOrEqual(r.digitSwaps);
    }
  });

  it('reads prices and sizes to the same double JSON.parse gives', () => {
    let served = 0;
    fc.assert(
      fc.property(plainNumber, plainNumber, (price, qty) => {
        const frame = `{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":${price},"qty":${qty},"ord_type":"limit","trade_id":1,"timestamp":"2026-09-25T17:48:26.844359Z"}]}`;
        const r = kScan(frame);
        if (r === null || r.kind !== 'trades') return;
        served++;
        expect(Object.is(r.trades[0]?.px, JSON.parse(price)), price).toBe(true);
        expect(Object.is(r.trades[0]?.qty, JSON.parse(qty)), qty).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(served).toBeGreaterThan(1500);
  });
});

describe('coinbase match scanner', () => {
  it('serves the real match frame itself, with the reference result', () => {
    const frame = coinbaseFixtures[0] as string;
    expect(cScan(frame)).not.toBeNull();
    expect(cScan(frame)).toStrictEqual(cRef(frame));
  });

  it('agrees with the reference on random frames (reordered, padded, escaped, extended, missing fields)', () => {
    // About one frame in five is clean enough for the scanner to serve (the rest test the fallback).
    const served = equivalent(coinbaseFrame, cParse, cRef, cScan, 4000);
    expect(served).toBeGreaterThan(600);
  });

  it('agrees with the reference on every truncation of real and random frames', () => {
    for (const frame of coinbaseFixtures)
      for (let n = 0; n <= frame.length; n++) expect(cParse(frame.slice(0, n))).toStrictEqual(cRef(frame.slice(0, n)));
    fc.assert(
      fc.property(coinbaseFrame, fc.nat(), (frame, n) => {
        const cut = frame.slice(0, n % (frame.length + 1));
        expect(cParse(cut), cut).toStrictEqual(cRef(cut));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the reference on every single-character mutation of the real frames, and serves each fraction-digit swap itself', () => {
    for (const frame of coinbaseFixtures) {
      const r = mutationsAgree(frame, cParse, cRef, cScan);
      expect(r.digitSwaps).toBeGreaterThan(0);
      // A frame the scanner leaves to the reference (the fixture's last_match) serves no mutation either.
      if (cScan(frame) === null) expect(r.served).toBe(0);
      else {
        expect(r.digitSwapsServed).toBe(r.digitSwaps);
        expect(r.served).toBeGreaterThanOrEqual(r.digitSwaps);
      }
    }
  });

  it('reads decimal-string prices and sizes to the same double Number() gives', () => {
    let served = 0;
    fc.assert(
      fc.property(fc.oneof(plainNumber, digits(1, 45)), plainNumber, (price, size) => {
        const frame = `{"type":"match","trade_id":1,"maker_order_id":"a","taker_order_id":"b","side":"sell","size":"${size}","price":"${price}","product_id":"BTC-USD","sequence":2,"time":"2026-09-25T17:48:26.844359Z"}`;
        const r = cScan(frame);
        if (r === null || r.kind !== 'trades') return;
        served++;
        expect(Object.is(r.trades[0]?.px, Number(price)), price).toBe(true);
        expect(Object.is(r.trades[0]?.qty, Number(size)), size).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(served).toBeGreaterThan(1500);
  });
});
