/**
 * Reads an HTTP response body as a stream with a byte cap. `Response.text()` / `.json()`
 * buffer whatever the server sends: a 400 MB or endless body grows the process without
 * bound. Here chunks are counted as they arrive and the stream is cancelled the moment the
 * cap is passed, so memory never holds more than the cap (plus one chunk).
 */

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
