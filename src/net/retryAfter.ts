/**
 * The one reader of the `Retry-After` response header (RFC 9110 §10.2.3, read 2026-12-06 at
 * rfc-editor.org/rfc/rfc9110#section-10.2.3 and §5.6.7):
 *
 *     Retry-After   = HTTP-date / delay-seconds
 *     delay-seconds = 1*DIGIT
 *     HTTP-date     = IMF-fixdate / obs-date   ; obs-date = rfc850-date / asctime-date
 *
 * A recipient must accept all three date forms; all are GMT (asctime carries no zone and is
 * read as GMT too). Anything else — a sign, a fraction, a unit, a date with a wrong weekday
 * or month name — is garbage and yields null, so the caller falls back to its own backoff.
 * A date already past is no wait (0). Every answer is capped: a server (or a broken proxy)
 * saying "come back in a year" must not park a feed for a year.
 */

/** Longest wait honoured by default (10 min): longer answers are cut to this. */
export const RETRY_AFTER_MAX_MS = 600_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (day padded with a space) */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Milliseconds to wait as `header` says, at most `maxMs`; null when the header is absent
 * or unreadable. `nowMs` is when the response arrived (for the date form).
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number, maxMs = RETRY_AFTER_MAX_MS): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(maxMs, Number(text) * 1_000);
  const atMs = parseHttpDateMs(text, nowMs);
  if (atMs === null) return null;
  return Math.min(maxMs, Math.max(0, atMs - nowMs));
}

/** The instant an HTTP-date names (any of the three forms), or null. */
export function parseHttpDateMs(text: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(m[1]!, Number(m[4]), m[3]!, Number(m[2]), m.slice(5, 8));
  m = RFC850.exec(text);
  if (m) return utc(m[1]!.slice(0, 3), fullYear(Number(m[4]), nowMs), m[3]!, Number(m[2]), m.slice(5, 8));
  m = ASCTIME.exec(text);
  if (m) return utc(m[1]!, Number(m[7]), m[2]!, Number(m[3]!.trim()), m.slice(4, 7));
  return null;
}

/**
 * A two-digit rfc850 year: RFC 9110 §5.6.7 says one that looks more than 50 years in the
 * future is the most recent past year with those digits.
 */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

/** The instant, or null when the fields do not name a real moment (31 Feb, 25:00, wrong weekday). */
function utc(weekday: string, year: number, month: string, day: number, hms: string[]): number | null {
  const [h, min, s] = hms.map(Number) as [number, number, number];
  const monthIndex = MONTHS.indexOf(month);
  if (h > 23 || min > 59 || s > 60) return null;
  const ms = Date.UTC(year, monthIndex, day, h, min, Math.min(s, 59));
  const d = new Date(ms);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== monthIndex) return null;
  if (['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] !== weekday) return null;
  return ms;
}
