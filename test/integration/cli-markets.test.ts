// Goal: `polylab markets` lists the BTC up/down windows a (loopback) Gamma serves, and explains failure.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentAndNextStarts } from '../../src/polymarket/windows.ts';
import { FakeGamma, fixture, gammaEvent } from './gammaFake.ts';
import { runCli as run } from './fakes/cli.ts';

let gamma: FakeGamma;
beforeEach(async () => {
  gamma = new FakeGamma();
  await gamma.start();
});
afterEach(() => gamma.close());

describe('polylab markets', () => {
  it('prints one line per current and next window with its rule, tick and fee', async () => {
    const [cur, next] = currentAndNextStarts('15m', Date.now());
    // The current window: a finer tick and fees off; the next: the fee schedule of the captured twap market.
    const twap = fixture('gamma_market_btc_updown_5m_twap_feeSchedule.json').feeSchedule as { rate: number; exponent: number };
    gamma.listed.push(
      gammaEvent('15m', cur!, { market: { orderPriceMinTickSize: 0.001, orderMinSize: 15, feesEnabled: false } }),
      gammaEvent('15m', next!, { market: { feeSchedule: fixture('gamma_market_btc_updown_5m_twap_feeSchedule.json').feeSchedule } }),
    );
    const r = await run(['markets'], { POLYLAB_GAMMA_URL: gamma.url, POLYLAB_MARKETS: '15m' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const head = lines[0]!.split(/\s{2,}/);
    expect(head).toEqual(['family', 'slug', 'window (UTC)', 'tick', 'min', 'taker fee', 'resolution', 'price to beat']);
    expect(lines).toHaveLength(3);
    const cols = (line: string) => Object.fromEntries(line.split(/\s{2,}/).map((c, i) => [head[i]!, c]));
    expect(cols(lines[1]!)).toMatchObject({
      family: '15m',
      slug: `btc-updown-15m-${cur! / 1000}`,
      tick: '0.001',
      min: '15',
      'taker fee': 'free',
      resolution: 'end_gte_start/chainlink',
    });
    expect(cols(lines[2]!)).toMatchObject({
      family: '15m',
      slug: `btc-updown-15m-${next! / 1000}`,
      tick: '0.01',
      min: '5',
      'taker fee': `${twap.rate}×(p(1-p))^${twap.exponent}`,
      resolution: 'end_gte_start/chainlink',
    });
    expect(gamma.requests.length).toBeGreaterThan(0);
    expect(gamma.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('says why nothing was found when Gamma fails', async () => {
    gamma.failAll = '500';
    const r = await run(['markets'], { POLYLAB_GAMMA_URL: gamma.url, POLYLAB_MARKETS: '15m' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/none found \(.*500/);
  });
});
