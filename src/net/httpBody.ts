/**
 * The one HTTP GET of the edges (Gamma, CLOB REST, the doctor's probes): `httpGet` with a
 * deadline, the owner's stop signal, a byte cap on the body and `Retry-After` read once.
 *
 * Reads an HTTP response body as a stream with a byte cap. `Response.text()` / `.json()`
 * buffer whatever the server sends: a 400 MB or endless body grows the process without
 * bound. Here chunks are counted as they arrive and the stream is cancelled the moment the
 * cap is passed, so memory never holds more than the cap (plus one chunk).
 */
import { describeError } from './errors.ts';
import { parseRetryAfterMs } from './retryAfter.ts';

export type CappedBody = { ok: true; text: string; bytes: number } | { ok: false; kind: 'too_large'; bytes: number; message: string };

/** Default caps: Gamma event pages and CLOB /book or /markets answers are far below these. */
export const GAMMA_BODY_MAX_BYTES = 8 * 1024 * 1024;
export const CLOB_BODY_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The body of `res` as UTF-8 text if it is at most `maxBytes`; otherwise the stream is
 * cancelled and `too_large` returned. Errors of the stream itself (abort, timeout, reset)
 * are thrown as they would be by `res.text()`.
 */
export async function readBodyCapped(res: Response, maxBytes: number): Promise<CappedBody> {
  const body = res.body;
  if (!body) return { ok: true, text: '', bytes: 0 };
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body.cancel().catch(() => undefined);
    return { ok: false, kind: 'too_large', bytes: 0, message: `body of ${declared} bytes is over the ${maxBytes}-byte cap` };
  }
  const reader = body.getReader();
  // Raw chunks until the end: decoding as we go would hold the bytes and their text at once.
  const chunks: (Uint8Array | undefined)[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => undefined);
      return { ok: false, kind: 'too_large', bytes, message: `body passed the ${maxBytes}-byte cap (cut at ${bytes} bytes)` };
    }
    chunks.push(value);
  }
  return { ok: true, text: decodeAll(chunks), bytes };
}

/** UTF-8 text of the chunks in order, letting go of each chunk once decoded. */
function decodeAll(chunks: (Uint8Array | undefined)[]): string {
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  for (let i = 0; i < chunks.length; i++) {
    parts.push(decoder.decode(chunks[i], { stream: true }));
    chunks[i] = undefined;
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** Why a GET failed: the answer's status was not 2xx, its body passed the cap, or no answer came. */
export type HttpGetFailure = 'http' | 'too_large' | 'timeout' | 'aborted' | 'network';

export type HttpGetResult =
  | { ok: true; status: number; text: string; bytes: number }
  | {
      ok: false;
      kind: HttpGetFailure;
      /** The answer's status, null when none came. */
      status: number | null;
      /** `timed out after N ms`, `HTTP 503`, the cap message, or `CODE: message` of a network error. */
      message: string;
      /** What the answer's `Retry-After` asked for (non-2xx answers only), capped; null if absent or unreadable. */
      retryAfterMs: number | null;
    };

export interface HttpGetOptions {
  /** Largest body read; a bigger (or endless) one is cut here (`too_large`). */
  maxBytes: number;
  /** Deadline of the whole request, body included. */
  timeoutMs: number;
  /** The owner's stop signal: aborts the request in flight (`aborted`). */
  signal?: AbortSignal;
  /** When the answer arrived, for an HTTP-date `Retry-After`. */
  nowMs?: () => number;
}

/** GET `url` (JSON accepted) with a deadline and a body cap. Never throws. */
export async function httpGet(url: string, o: HttpGetOptions): Promise<HttpGetResult> {
  // One controller per request, linked to the deadline and to the owner's stop signal by
  // listeners removed in `finally`: AbortSignal.any() on a long-lived stop signal
  // accumulates dependents in Node 20, which a days-long poll loop must not do.
  const ctl = new AbortController();
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const abort = () => ctl.abort();
  timeout.addEventListener('abort', abort);
  o.signal?.addEventListener('abort', abort);
  if (o.signal?.aborted) ctl.abort();
  const failed = (kind: HttpGetFailure, message: string, status: number | null = null, retryAfterMs: number | null = null) =>
    ({ ok: false, kind, status, message, retryAfterMs }) as const;
  try {
    const res = await fetch(url, { signal: ctl.signal, headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel();
      const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), (o.nowMs ?? Date.now)());
      return failed('http', `HTTP ${res.status}`, res.status, retryAfterMs);
    }
    // Streamed with a byte cap: an endless body must not grow the process.
    const body = await readBodyCapped(res, o.maxBytes);
    if (!body.ok) return failed('too_large', body.message, res.status);
    return { ok: true, status: res.status, text: body.text, bytes: body.bytes };
  } catch (err) {
    if (o.signal?.aborted) return failed('aborted', 'stopped');
    if (timeout.aborted) return failed('timeout', `timed out after ${o.timeoutMs} ms`);
    return failed('network', describeError(err));
  } finally {
    timeout.removeEventListener('abort', abort);
    o.signal?.removeEventListener('abort', abort);
  }
}
