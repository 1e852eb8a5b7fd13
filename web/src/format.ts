/** Number and time formatting for the panels (fixed widths read better in tables). */
import { usd as formatUsd } from '../../src/views/format.ts';

export const dash = '—';

/** Dollars with thousands grouped (BTC prices), the one formatter of src/views; a dash when missing. */
export function usd(x: number | null | undefined): string {
  return formatUsd(x, { dash, grouped: true });
}

/** A change in dollars: a plus sign when positive. */
export function signedUsd(x: number | null | undefined): string {
  return formatUsd(x, { dash, grouped: true, signed: true });
}

export function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? dash : x.toFixed(digits);
}

/** A token price (probability) as cents-like decimals: 0.532. */
export function px(x: number | null | undefined): string {
  return num(x, 3);
}

/** Shares: whole numbers when whole. */
export function qty(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return dash;
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** HH:MM:SS UTC of an input time. */
export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return dash;
  return new Date(ms).toISOString().slice(11, 19);
}

/** A duration as 1h02m, 4m05s, 12s, 850ms. */
export function span(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return dash;
  const neg = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1_000) return `${neg}${Math.round(a)}ms`;
  const s = Math.floor(a / 1000);
  if (s < 60) return `${neg}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${neg}${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${neg}${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function rate(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return dash;
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}
