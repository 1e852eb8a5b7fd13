// Goal: `polylab markets` lists the BTC up/down windows a (loopback) Gamma serves, and explains failure.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentAndNextStarts } from '../../src/feeds/polymarket/windows.ts';
import { FakeGamma, gammaEvent } from './gammaFake.ts';
import { runCli as run } from './fakes/cli.ts';

let gamma: FakeGamma;
beforeEach(async () => {
  gamma = new FakeGamma();
  await gamma.start();
});
afterEach(() => gamma.close());

describe('polylab markets', () => {
  it('prints one line per current and next window with its rule, tick and fee', async () => {
    const now = Date.now();
    for (const start of currentAndNextStarts('15m', now)) gamma.listed.push(gammaEvent('15m', start));
    const r = await run(['markets'], { POLYLAB_GAMMA_URL: gamma.url, POLYLAB_MARKETS: '15m' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^family\s+slug\s+window/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^15m\s+btc-updown-15m-\d+\s/);
    expect(lines[1]).toContain('end_gte_start/chainlink');
    expect(gamma.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('says why nothing was found when Gamma fails', async () => {
    gamma.failAll = '500';
    const r = await run(['markets'], { POLYLAB_GAMMA_URL: gamma.url, POLYLAB_MARKETS: '15m' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/none found \(.*500/);
  });
});
