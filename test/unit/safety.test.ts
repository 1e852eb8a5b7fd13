// Goal: prove the program is read-only — no signing libraries, no keys, no order endpoints, no POST anywhere.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const SIGNING = [
  /^ethers$/,
  /^@ethersproject\//,
  /^viem$/,
  /^web3/,
  /^@polymarket\//,
  /clob-client/,
  /secp256k1/,
  /^elliptic$/,
  /tweetnacl/,
  /^@noble\/(curves|secp256k1)/,
  /bip39/,
  /^ccxt$/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs|tsx|html)$/.test(p) ? [p] : [];
  });
}

describe('safety: read-only by construction', () => {
  it('depends on no signing, wallet or order-routing library', () => {
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
    expect(deps.length).toBeGreaterThan(3);
    for (const d of deps) for (const re of SIGNING) expect(re.test(d), `${d} looks like a signing/trading library`).toBe(false);
  });

  const sources = [...files('src'), ...files('bin'), ...files('web/src'), 'web/index.html'].map((f) => ({
    f,
    text: readFileSync(f, 'utf8'),
  }));

  it('sends no POST/PUT/DELETE request from any source file', () => {
    expect(sources.length).toBeGreaterThan(10);
    for (const { f, text } of sources) {
      // The API serves GET only; any outbound request is a plain GET of public data.
      expect(text.match(/method\s*:\s*['"](POST|PUT|DELETE|PATCH)['"]/gi), f).toBeNull();
      expect(text.match(/\.(post|put|patch)\s*\(/g), f).toBeNull(); // Map.delete is fine; DELETE requests are caught above.
    }
  });

  // PolyBolt's data-only credentials: read by one config file, put into one frame by one
  // wire file (the lint allows that frame there only), and named nowhere else.
  const CREDENTIAL_FILES = ['src/app/polyboltCredentials.ts', 'src/polymarket/wire/polyboltAuth.ts'];

  it('names no order-placement endpoint and reads no private key', () => {
    for (const { f, text } of sources) {
      expect(text.match(/['"`][^'"`]*\/(order|orders|cancel|cancel-all|auth\/api-key)['"`?]/g), f).toBeNull();
      expect(text.match(/PRIVATE_KEY|privateKey|signTypedData/gi), f).toBeNull();
      if (!CREDENTIAL_FILES.includes(f)) expect(text.match(/api[_-]?secret|passphrase/gi), f).toBeNull();
    }
  });

  it('keeps the PolyBolt credentials to their two files, in private fields, redacted everywhere else', async () => {
    const named = sources.filter(({ text }) => /passphrase/i.test(text)).map(({ f }) => f);
    expect(named.sort()).toEqual([...CREDENTIAL_FILES].sort());
    const { loadConfig } = await import('../../src/app/config.ts');
    const { inspect } = await import('node:util');
    const secret = 'S3CRET-value-9f2';
    const cfg = loadConfig({ POLYLAB_POLYBOLT_API_KEY: 'key-1', POLYLAB_POLYBOLT_SECRET: secret, POLYLAB_POLYBOLT_PASSPHRASE: 'pass-7' });
    for (const shown of [JSON.stringify(cfg), inspect(cfg, { depth: 9 }), String(cfg.polyboltCredentials), `${cfg.polyboltCredentials}`])
      for (const v of [secret, 'key-1', 'pass-7']) expect(shown).not.toContain(v);
    // The auth frame is the one place the values appear.
    expect(JSON.parse(cfg.polyboltCredentials!.authFrame())).toEqual({
      op: 'auth',
      rid: 'a1',
      auth: { apiKey: 'key-1', secret, passphrase: 'pass-7' },
    });
  });

  it("gives the dashboard no control, no message but a ping, and no request but the Trust panel's two GETs", () => {
    const web = sources.filter(({ f }) => f.startsWith('web'));
    expect(web.length).toBeGreaterThan(5);
    for (const { f, text } of web) {
      expect(
        text.match(
          /<(button|form|input|select|textarea)\b|createElement\(['"](button|form|input|select|textarea)['"]\)|el\(['"](button|form|input|select|textarea)['"]/g,
        ),
        f,
      ).toBeNull();
      const requests = text.match(/\bfetch\(|XMLHttpRequest|sendBeacon/g);
      if (f.endsWith('web/src/trustPoll.ts')) {
        // The Trust panel's one request: a plain GET (no method, no body) of the two read-only report routes.
        expect(requests, f).toEqual(['fetch(']);
        expect(text, f).not.toMatch(/\bmethod\s*:|\bbody\s*:/);
        expect([...text.matchAll(/getJson\('([^']*)'\)/g)].map((m) => m[1]).sort(), f).toEqual(['/strategies', '/trust']);
      } else expect(requests, f).toBeNull();
      // The socket's only outbound message is the keep-alive ping the server accepts.
      for (const send of text.match(/\.send\([^)]*\)/g) ?? []) expect(send, f).toBe(`.send('{"op":"ping"}')`);
    }
  });

  it('reads the Tardis key in one place and sends it only as the Tardis request header, never logs or keeps it', () => {
    const readers = sources.filter(({ text }) => /POLYLAB_TARDIS_API_KEY/.test(text) && /env\./.test(text)).map(({ f }) => f);
    expect(readers).toEqual([join('src', 'history', 'fetch.ts')]);
    const fetchTs = sources.find(({ f }) => f === join('src', 'history', 'fetch.ts'))!.text;
    // The key's only uses: read from env, kept in endpoints, put in the Authorization header of the Tardis URL.
    const uses = fetchTs.match(/tardisKey/g) ?? [];
    expect(uses.length).toBeGreaterThan(0);
    expect(fetchTs).toMatch(/authorization: `Bearer \$\{o\.endpoints\.tardisKey\}`/);
    expect(fetchTs).toMatch(/download\(\{ url, headers, signal: o\.signal, onPlan: o\.onPlan \}, path\.join\(o\.dir, 'tardis', name\)/);
    for (const { f, text } of sources) {
      if (f === join('src', 'history', 'fetch.ts')) continue;
      expect(text.match(/tardisKey|TARDIS_API_KEY/g), f).toBeNull();
    }
    // Not a config setting: it never reaches settingsOf() (the runs table, capture headers).
    expect(sources.find(({ f }) => f === join('src', 'app', 'config.ts'))!.text).not.toMatch(/TARDIS/);
  });
});
