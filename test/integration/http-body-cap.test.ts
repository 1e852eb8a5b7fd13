// Goal: every HTTP body we read (Gamma, CLOB REST, doctor) is streamed with a byte cap: against a loopback server whose body never ends, each read stops at the cap, the connection is dropped, and the process does not grow past the cap.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GammaClient } from '../../src/polymarket/gamma.ts';
import { ClobRest } from '../../src/polymarket/clobRest.ts';
import { checkHttp } from '../../src/polymarket/polymarketDoctor.ts';
import { CLOB_BODY_MAX_BYTES, GAMMA_BODY_MAX_BYTES, readBodyCapped } from '../../src/net/httpBody.ts';
import { endlessBodyServer, type EndlessServer } from './fakes/faults.ts';
import { until } from './fakes/kit.ts';

const PROBE = new URL('./fakes/rssProbe.ts', import.meta.url).pathname;

/** Runs the RSS probe in its own Node process (with --expose-gc) against `url`. */
function probe(url: string, capBytes: number, reads: number): Promise<{ gc: boolean; peakGrowthBytes: number; kinds: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', PROBE, url, String(capBytes), String(reads)],
      { timeout: 50_000 },
      (err, stdout) => {
        if (err) return reject(err);
        resolve(JSON.parse(stdout) as { gc: boolean; peakGrowthBytes: number; kinds: string[] });
      },
    );
  });
}

const MiB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function endless(): Promise<EndlessServer> {
  const s = await endlessBodyServer();
  cleanups.push(s.close);
  return s;
}

describe('bodies read with a byte cap', () => {
  it('Gamma: an endless body is cut at the cap, ten times over, the connection dropped and counted', async () => {
    const srv = await endless();
    const client = new GammaClient({ baseUrl: srv.url, nowMs: Date.now, timeoutMs: 20_000, bodyMaxBytes: 4 * MiB });
    for (let i = 0; i < 10; i++) expect(await client.events({ slug: 'x' })).toMatchObject({ ok: false, kind: 'too_large' });
    expect(client.counters).toMatchObject({ too_large: 10, errors: 10 });
    expect(client.counters.last_error).toMatch(/^too_large: body passed the 4194304-byte cap/);
    await until(() => srv.abandoned() === 10);
    // What the server pushed before we hung up: the caps plus socket buffers, not more.
    expect(srv.sent() / MiB).toBeLessThan(10 * 4 + 64);
  });

  it('Gamma: the process grows by a small multiple of the cap per read, not with the body, and stays flat over reads (RSS, in a child process)', async () => {
    const srv = await endless();
    // One read, 16 MiB cap: the bytes, the HTTP client's stream queue and garbage not yet
    // collected — measured 37–58 MiB. Uncapped, the same body grew RSS by 318 MiB in 2 s.
    const one = await probe(srv.url, 16 * MiB, 1);
    expect(one.kinds).toEqual(['too_large']);
    expect(one.peakGrowthBytes / MiB).toBeLessThan(4 * 16 + 16);
    // Twenty reads, 4 MiB cap: the peak stays flat (measured 37–44 MiB).
    const many = await probe(srv.url, 4 * MiB, 20);
    expect(many.kinds).toEqual(Array(20).fill('too_large'));
    expect(many.peakGrowthBytes / MiB).toBeLessThan(80);
  }, 60_000);

  it('CLOB REST: an endless /book is a bad body naming the cap, never a crash or a hang', async () => {
    const srv = await endless();
    const rest = new ClobRest({ baseUrl: srv.url, timeoutMs: 20_000, bodyMaxBytes: 1 * MiB });
    const t0 = Date.now();
    const r = await rest.book('123');
    expect(r).toMatchObject({ ok: false, status: 200 });
    expect(!r.ok && r.error).toMatch(/^body passed the 1048576-byte cap/);
    expect(rest.stats).toMatchObject({ requests: 1, badBodies: 1 });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('doctor: an endless answer is reported, not read to the end', async () => {
    const srv = await endless();
    const row = await checkHttp('gamma', `${srv.url}/events`, 20_000);
    expect(row).toMatchObject({ source: 'gamma', ok: false });
    expect(row.detail).toMatch(/byte cap/);
  });

  it('reads a body within the cap whole, and refuses a declared length over it before reading', async () => {
    const ok = await readBodyCapped(new Response('[1,2,3]'), 16);
    expect(ok).toEqual({ ok: true, text: '[1,2,3]', bytes: 7 });
    const declared = await readBodyCapped(new Response('x'.repeat(64), { headers: { 'content-length': '64' } }), 16);
    expect(declared).toMatchObject({ ok: false, kind: 'too_large', bytes: 0 });
    // Multi-byte characters split across chunks decode correctly.
    const euro = new TextEncoder().encode('€€');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(euro.slice(0, 2));
        c.enqueue(euro.slice(2));
        c.close();
      },
    });
    expect(await readBodyCapped(new Response(stream), 16)).toEqual({ ok: true, text: '€€', bytes: 6 });
  });
});

/**
 * A loopback server answering every GET with `json` padded by trailing spaces (still valid
 * JSON) to exactly `bytes()` bytes, in 64 KiB chunks, with or without a Content-Length.
 */
async function sizedBodyServer(json: string, bytes: () => number, declare: () => boolean) {
  const http = createServer((_req, res) => {
    const body = Buffer.alloc(bytes(), ' ');
    body.write(json);
    res.writeHead(200, { 'content-type': 'application/json', ...(declare() ? { 'content-length': String(body.length) } : {}) });
    for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.subarray(at, at + 64 * 1024));
    res.end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    http.closeAllConnections();
    return new Promise<void>((r) => http.close(() => r()));
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

// Each cap through its default (no cap passed in): a body of exactly the cap is read whole,
// one byte more is refused — streamed, and declared up front. A cap raised or lowered by
// any amount fails one side. The numbers are the documented caps (src/net/httpBody.ts,
// polymarketDoctor.ts): Gamma 8 MiB, CLOB REST 2 MiB, doctor 1 MiB.
describe('each body cap at its default', () => {
  const book = fs.readFileSync(new URL('../fixtures/polymarket/clob_book_live_shape_btc_updown.json', import.meta.url), 'utf8');
  const sized = async (json: string) => {
    const st = { bytes: 0, declare: false };
    const url = await sizedBodyServer(
      json,
      () => st.bytes,
      () => st.declare,
    );
    return { url, set: (bytes: number, declare = false) => Object.assign(st, { bytes, declare }) };
  };

  it('CLOB REST: a /book of exactly 2 MiB is taken, one byte more is a bad body', async () => {
    expect(CLOB_BODY_MAX_BYTES).toBe(2 * MiB);
    const srv = await sized(book);
    const rest = new ClobRest({ baseUrl: srv.url, timeoutMs: 20_000 });
    srv.set(2 * MiB);
    expect(await rest.book('115358912384014')).toMatchObject({
      ok: true,
      value: { assetId: '115358912384014', market: '0xabc', tsMs: 1789485400000 },
    });
    srv.set(2 * MiB + 1);
    expect(await rest.book('115358912384014')).toMatchObject({ ok: false, status: 200 });
    srv.set(2 * MiB + 1, true);
    expect(await rest.book('115358912384014')).toMatchObject({ ok: false, status: 200 });
    expect(rest.stats).toMatchObject({ requests: 3, badBodies: 2 });
  });

  it('Gamma: an events page of exactly 8 MiB is taken, one byte more is too large', async () => {
    expect(GAMMA_BODY_MAX_BYTES).toBe(8 * MiB);
    const srv = await sized('[{"id":"1","slug":"btc-updown-5m-1"}]');
    const client = new GammaClient({ baseUrl: srv.url, nowMs: Date.now, timeoutMs: 20_000 });
    srv.set(8 * MiB);
    expect(await client.events({ slug: 'x' })).toEqual({ ok: true, data: [{ id: '1', slug: 'btc-updown-5m-1' }] });
    srv.set(8 * MiB + 1);
    expect(await client.events({ slug: 'x' })).toMatchObject({ ok: false, kind: 'too_large' });
    srv.set(8 * MiB + 1, true);
    expect(await client.events({ slug: 'x' })).toMatchObject({ ok: false, kind: 'too_large' });
    // The first call asks /events/keyset, gets the legacy array shape and falls back to /events
    // (one extra request, counted); the two oversized answers are both refused.
    expect(client.counters).toMatchObject({ requests: 4, too_large: 2, errors: 2, keyset_fallbacks: 1 });
  });

  it('doctor: an answer of exactly 1 MiB is checked, one byte more is reported, not read', async () => {
    const srv = await sized('{"ok":true}');
    srv.set(MiB);
    expect(await checkHttp('clob', `${srv.url}/time`, 20_000)).toMatchObject({ ok: true, detail: `HTTP 200, ${MiB} bytes` });
    srv.set(MiB + 1);
    expect(await checkHttp('clob', `${srv.url}/time`, 20_000)).toMatchObject({ ok: false });
    srv.set(MiB + 1, true);
    expect(await checkHttp('clob', `${srv.url}/time`, 20_000)).toMatchObject({ ok: false });
  });
});
