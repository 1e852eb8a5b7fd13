// Goal: the one usd formatter and column table (src/views/format.ts) print what the terminal and the dashboard showed before: signs before the symbol, grouping only when asked, columns padded two apart.
import { describe, expect, it } from 'vitest';
import { pct, table, usd, usdPerShare } from '../../src/views/format.ts';

describe('usd', () => {
  it('puts the sign before the symbol and rounds to cents', () => {
    expect(usd(12.345)).toBe('$12.35');
    expect(usd(-69.333)).toBe('-$69.33');
    expect(usd(9930.67)).toBe('$9930.67');
  });
  it('prints no minus sign on an amount that rounds to zero', () => {
    expect(usd(-0.004)).toBe('$0.00');
  });
  it('groups thousands and signs a change when asked, as the dashboard showed them', () => {
    expect(usd(64001.856, { grouped: true })).toBe('$64,001.86');
    expect(usd(-1234567.5, { grouped: true })).toBe('-$1,234,567.50');
    expect(usd(2, { signed: true })).toBe('+$2.00');
    expect(usd(-2, { signed: true })).toBe('-$2.00');
  });
  it('prints the dash for a missing or non-finite amount', () => {
    expect(usd(null)).toBe('-');
    expect(usd(undefined, { dash: '—' })).toBe('—');
    expect(usd(Number.NaN)).toBe('-');
  });
});

describe('per share and percent', () => {
  it('prints four decimals per share and one decimal of a percent', () => {
    expect(usdPerShare(0.02874)).toBe('$0.0287');
    expect(usdPerShare(-0.0012)).toBe('-$0.0012');
    expect(pct(0.3623)).toBe('36.2 %');
    expect(pct(null)).toBe('-');
  });
});

describe('table', () => {
  it('pads each column to its widest cell, two spaces apart, trailing spaces trimmed', () => {
    expect(
      table(
        ['run', 'fills'],
        [
          ['sim-7', '131'],
          ['a', ''],
        ],
      ),
    ).toEqual(['run    fills', 'sim-7  131', 'a']);
  });
  it('right-aligns and leaves a free last column as asked, with an indent', () => {
    expect(
      table(
        ['source', 'ms', 'detail'],
        [
          ['okx', '5 ms', 'ok'],
          ['kraken', '120 ms', 'slow answer'],
        ],
        { indent: '  ', align: ['left', 'right', 'free'] },
      ),
    ).toEqual(['  source      ms  detail', '  okx       5 ms  ok', '  kraken  120 ms  slow answer']);
  });
  it('draws a rule of dashes under the header when asked', () => {
    expect(table(['rank', 'pnl'], [['1', '$2.00']], { rule: true })).toEqual(['rank  pnl', '----  -----', '1     $2.00']);
  });
});
