/**
 * Window math for Polymarket's recurring BTC "Up or Down" families: where the current
 * window of a family starts, where it ends, and which slugs Polymarket gives it.
 *
 * Slug formats (evidence: test/fixtures/polymarket/SOURCES.md and the listed fixtures;
 * public market pages such as polymarket.com/event/bitcoin-up-or-down-on-may-17 and
 * prescient.markets/markets/bitcoin-up-or-down-april-5-2026-1am-et):
 * - 5m / 15m / 4h: `btc-updown-{5m|15m|4h}-{window start, unix seconds}`.
 * - hourly: `bitcoin-up-or-down-{month}-{day}[-{year}]-{h}{am|pm}-et`, named by the ET
 *   hour the window starts (newer slugs carry the year, older ones do not).
 * - daily: `bitcoin-up-or-down-on-{month}-{day}[-{year}]`, named by the ET date of the
 *   window END; the window runs from noon ET the day before to noon ET that day.
 * 4-hour and daily windows follow US Eastern time, so they drift against the UTC grid
 * when daylight saving changes; 5m/15m/1h windows sit on the UTC grid (ET offsets are
 * whole hours).
 *
 * Pure functions of their inputs: time is always passed in.
 */
import type { MarketFamily } from '../core/events.ts';

export const FAMILY_MS: Readonly<Record<MarketFamily, number>> = Object.freeze({
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
});

const HOUR_MS = 3_600_000;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

// One formatter, built once: Intl formatting is the only DST-aware clock math Node ships.
const ET_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

export interface EtParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
}

export function etParts(tsMs: number): EtParts {
  const parts: Record<string, number> = {};
  for (const p of ET_FORMAT.formatToParts(new Date(tsMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0 };
}

/** ET minus UTC at `tsMs`, in ms (−5 h in winter, −4 h in summer). */
export function etOffsetMs(tsMs: number): number {
  const p = etParts(tsMs);
  const sec = Math.floor(tsMs / 1000) % 60;
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, sec);
  return asUtc - Math.floor(tsMs / 1000) * 1000;
}

/** Floors `tsMs` onto an ET-anchored grid of `stepMs` shifted by `anchorMs` (ET wall time). */
function floorEt(tsMs: number, stepMs: number, anchorMs: number): number {
  const off = etOffsetMs(tsMs);
  const local = tsMs + off - anchorMs;
  const startLocal = Math.floor(local / stepMs) * stepMs + anchorMs;
  // Re-read the offset at the candidate so a window that began before a DST switch
  // is placed with the offset in force when it began.
  const guess = startLocal - off;
  const start = startLocal - etOffsetMs(guess);
  return start > tsMs ? startLocal - off : start;
}

/** Start of the window of `family` that contains `tsMs`. */
export function windowStartMs(family: MarketFamily, tsMs: number): number {
  const len = FAMILY_MS[family];
  if (family === '4h') return floorEt(tsMs, len, 0);
  if (family === '1d') return floorEt(tsMs, len, 12 * HOUR_MS);
  return Math.floor(tsMs / len) * len;
}

/** End of the window that starts at `startMs` (= start of the next one; DST-aware for 4h/1d). */
export function windowEndMs(family: MarketFamily, startMs: number): number {
  const len = FAMILY_MS[family];
  if (family !== '4h' && family !== '1d') return startMs + len;
  // One hour past the nominal end always falls inside the next window, even on a
  // 23- or 25-hour DST day, so flooring it finds the next start.
  return windowStartMs(family, startMs + len + HOUR_MS);
}

/** The current window of `family` at `nowMs` and the one after it. */
export function currentAndNextStarts(family: MarketFamily, nowMs: number): [number, number] {
  const cur = windowStartMs(family, nowMs);
  return [cur, windowEndMs(family, cur)];
}

function monthDay(p: EtParts): string {
  return `${MONTHS[p.month - 1]}-${p.day}`;
}

function hour12(h: number): string {
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}${h < 12 ? 'am' : 'pm'}`;
}

/** Every slug Polymarket has used for the window of `family` starting at `startMs`. */
export function candidateSlugs(family: MarketFamily, startMs: number): string[] {
  if (family === '5m' || family === '15m' || family === '4h') return [`btc-updown-${family}-${Math.round(startMs / 1000)}`];
  if (family === '1h') {
    const p = etParts(startMs);
    return [`bitcoin-up-or-down-${monthDay(p)}-${p.year}-${hour12(p.hour)}-et`, `bitcoin-up-or-down-${monthDay(p)}-${hour12(p.hour)}-et`];
  }
  const end = etParts(windowEndMs(family, startMs));
  return [`bitcoin-up-or-down-on-${monthDay(end)}-${end.year}`, `bitcoin-up-or-down-on-${monthDay(end)}`];
}

const RECURRING = /^btc-updown-(5m|15m|1h|4h|1d)-\d{9,11}$/;
const HOURLY = /^bitcoin-up-or-down-[a-z]+-\d{1,2}(-\d{4})?-\d{1,2}(am|pm)-et$/;
const DAILY = /^bitcoin-up-or-down-on-[a-z]+-\d{1,2}(-\d{4})?$/;

/** The family a slug names, or null when the slug follows none of the known formats. */
export function familyFromSlug(slug: string): MarketFamily | null {
  const m = RECURRING.exec(slug);
  if (m) return m[1] as MarketFamily;
  if (DAILY.test(slug)) return '1d';
  if (HOURLY.test(slug)) return '1h';
  return null;
}

/** Gamma series `recurrence` values seen on BTC up/down series ("5m" in the 5m fixture). */
export function familyFromRecurrence(recurrence: string | null | undefined): MarketFamily | null {
  switch ((recurrence ?? '').toLowerCase()) {
    case '5m':
      return '5m';
    case '15m':
      return '15m';
    case '1h':
    case 'hourly':
      return '1h';
    case '4h':
      return '4h';
    case '1d':
    case 'daily':
      return '1d';
    default:
      return null;
  }
}

/** Whether a window of `durationMs` fits `family` (4h and daily may be ±1 h on DST days). */
export function durationFits(family: MarketFamily, durationMs: number): boolean {
  const slack = family === '4h' || family === '1d' ? HOUR_MS : 0;
  return Math.abs(durationMs - FAMILY_MS[family]) <= slack;
}
