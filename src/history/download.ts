/**
 * The download primitives of `history fetch`: plain GETs (with a `Range` header where a
 * part is wanted), resumable, written to `<file>.part` and renamed when complete, so a
 * finished file is never fetched twice and a partial one continues where it stopped.
 * HTTP 429, 403 and 404 are told apart in the message. Headers are never logged: the one
 * that may carry a key (Tardis's `Authorization`) is passed only by the caller that needs it.
 */
import fs from 'node:fs';

export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A status → the sentence a user can act on (the URL has no key in it: keys go in a header). */
export function describeStatus(status: number, url: string, retryAfter: string | null): string {
  const where = url.replace(/\?.*$/, '');
  if (status === 429) return `${where}: rate limited (HTTP 429)${retryAfter ? `, retry after ${retryAfter} s` : ''}; run fetch again later`;
  if (status === 403) return `${where}: refused (HTTP 403): not allowed from here, or the key does not cover it`;
  if (status === 404) return `${where}: not published (HTTP 404)`;
  return `${where}: HTTP ${status}`;
}

export interface Get {
  url: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Told the bytes a response is about to deliver, when it says (progress ETA). */
  onPlan?: (bytes: number) => void;
}

/** GET `url` (optionally one byte range); a non-2xx status throws HttpRefusal. */
export async function get(g: Get, range?: string): Promise<Response> {
  const res = await fetch(g.url, { headers: { ...g.headers, ...(range ? { range } : {}) }, signal: g.signal, redirect: 'follow' });
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel().catch(() => undefined);
    throw new HttpRefusal(res.status, describeStatus(res.status, g.url, res.headers.get('retry-after')));
  }
  return res;
}

/** Streams a response body to `fd` at `position`, counting bytes. */
export async function writeBody(res: Response, fd: number, position: number, onBytes: (n: number) => void): Promise<number> {
  let at = position;
  if (!res.body) return 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    let off = 0;
    while (off < chunk.byteLength) off += fs.writeSync(fd, chunk, off, chunk.byteLength - off, at + off);
    at += chunk.byteLength;
    onBytes(chunk.byteLength);
  }
  return at - position;
}

/**
 * Downloads `g.url` to `dest`. Already there: nothing fetched. A `<dest>.part` left by an
 * interrupted run continues with `Range: bytes=<size>-` (a server that answers 200 instead
 * of 206 sends the whole file again, and it is written from the start).
 */
export async function download(g: Get, dest: string, onBytes: (n: number) => void): Promise<'present' | 'fetched'> {
  if (fs.existsSync(dest)) return 'present';
  const part = `${dest}.part`;
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  const res = await get(g, have > 0 ? `bytes=${have}-` : undefined);
  const resumed = have > 0 && res.status === 206;
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > 0) g.onPlan?.(declared);
  const fd = fs.openSync(part, resumed ? 'r+' : 'w');
  try {
    await writeBody(res, fd, resumed ? have : 0, onBytes);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(part, dest);
  return 'fetched';
}
