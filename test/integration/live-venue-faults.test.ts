// Goal: against loopback fakes, a venue refused with HTTP 451 shows `blocked` (status, reason, a retry minutes away, logged once) in /feed/health and the doctor while the other venues still make a median, and a venue that sends heartbeats but no trades shows `stale` and is reconnected until it trades again.
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/venues/venueDoctor.ts';
import { formatDoctorTable } from '../../src/commands/doctor.ts';
import { loadConfig } from '../../src/app/config.ts';
import { closedPortUrl, startFakeVenue, type FakeVenue } from './fakes/venueServers.ts';
import { BINANCE_451_BODY, refusingWsServer } from './fakes/faults.ts';
import { eventually, startLiveLab, type LiveLab } from './liveLab.ts';
import { FAST } from './fakes/kit.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function venues(names: readonly ('coinbase' | 'kraken' | 'bitstamp')[]): Promise<FakeVenue[]> {
  const fakes = await Promise.all(names.map((v) => startFakeVenue(v)));
  cleanups.push(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });
  return fakes;
}

/** Trades on the given fakes every 100 ms. */
function stream(fakes: FakeVenue[]): void {
  let id = 1;
  const t = setInterval(() => {
    for (const f of fakes) f.sendTrade({ px: 64_000 + (id % 5), id: id++ });
  }, 100);
  cleanups.push(async () => clearInterval(t));
}

async function polymarketDown(): Promise<Record<string, string>> {
  const dead = await closedPortUrl();
  return {
    POLYLAB_GAMMA_URL: dead.replace('ws://', 'http://'),
    POLYLAB_CLOB_URL: dead.replace('ws://', 'http://'),
    POLYLAB_CLOB_WS_URL: dead,
    POLYLAB_RTDS_URL: dead,
  };
}

async function lab(env: Record<string, string>, tuning: Parameters<typeof startLiveLab>[1] = {}): Promise<LiveLab> {
  const l = await startLiveLab(env, tuning);
  cleanups.push(() => l.close());
  return l;
}

describe('a venue that refuses our region', () => {
  it('is blocked with its HTTP status and reason, retried in minutes, logged once, while four venues still make a median', async () => {
    const [cb, kr, bs] = await venues(['coinbase', 'kraken', 'bitstamp']);
    stream([cb!, kr!, bs!]);
    const binance = await refusingWsServer(451, BINANCE_451_BODY);
    cleanups.push(binance.close);
    const l = await lab(
      {
        ...(await polymarketDown()),
        POLYLAB_VENUES: 'coinbase,kraken,bitstamp,binance',
        POLYLAB_COINBASE_WS_URL: cb!.url,
        POLYLAB_KRAKEN_WS_URL: kr!.url,
        POLYLAB_BITSTAMP_WS_URL: bs!.url,
        POLYLAB_BINANCE_WS_URL: binance.url,
      },
      { venueTuning: { ...FAST, blockedRetryMs: 240_000 } },
    );

    const blocked = await eventually(async () => {
      const s = await l.source('binance');
      return s?.state === 'blocked' ? s : null;
    });
    expect(blocked.reason).toContain('HTTP 451 on connect');
    expect(blocked.reason).toContain('restricted location');
    // Retried rarely: the next attempt is minutes away (240 s ± 20 % jitter), not seconds.
    expect(blocked.next_retry_ms).toBeGreaterThan(150_000);
    expect(blocked.counts).toMatchObject({ last_refused_status: 451 });

    // The three other venues keep the reference price live.
    const health = await eventually(async () => {
      const h = (await l.get('/feed/health')) as { venues_contributing: number; reference: { live: boolean } };
      return h.reference.live && h.venues_contributing === 3 ? h : null;
    });
    expect(health.venues_contributing).toBe(3);
    await new Promise((r) => setTimeout(r, 600));
    expect(binance.refused).toBe(1);
    expect(l.logs.filter((x) => x.msg.startsWith('binance: blocked'))).toHaveLength(1);
    expect(l.logs.find((x) => x.msg.startsWith('binance: blocked'))!.msg).toContain('POLYLAB_REGION=us');
  });

  it('shows as blocked in the doctor, with what to do', async () => {
    const bybit = await refusingWsServer(403, '<html>403 Forbidden</html>');
    cleanups.push(bybit.close);
    const cfg = loadConfig({ POLYLAB_VENUES: 'bybit', POLYLAB_BYBIT_WS_URL: bybit.url });
    const rows = await runDoctor(cfg.venueEndpoints(), { timeoutMs: 15_000 });
    expect(rows).toEqual([expect.objectContaining({ source: 'bybit', ok: false, blocked: true })]);
    expect(rows[0]!.detail).toMatch(/^blocked: HTTP 403 on connect \(<html>403 Forbidden<\/html>\) — .*POLYLAB_REGION=us.*POLYLAB_VENUES/);
    expect(formatDoctorTable(rows)).toMatch(/^bybit\s+blocked\s/m);
  });
});

describe('a venue that sends heartbeats but no trades', () => {
  it('is stale and reconnected until a trade arrives, then live again', async () => {
    const [cb, kr] = await venues(['coinbase', 'kraken']);
    stream([cb!]); // Kraken only heartbeats (every 100 ms)
    const l = await lab(
      {
        ...(await polymarketDown()),
        POLYLAB_VENUES: 'coinbase,kraken',
        POLYLAB_COINBASE_WS_URL: cb!.url,
        POLYLAB_KRAKEN_WS_URL: kr!.url,
      },
      { venueTuning: { ...FAST, tradeStaleAfterMs: 700 } },
    );

    const stale = await eventually(async () => {
      const s = await l.source('kraken');
      return s?.state === 'stale' && s.reconnects >= 1 ? s : null;
    });
    expect(stale.reason).toBe('no trade for over 1 s (heartbeats only): reconnecting');
    expect(stale.counts!.trade_stalls).toBeGreaterThanOrEqual(1);
    expect(kr!.connections).toBeGreaterThanOrEqual(2);
    // The socket itself stayed healthy: heartbeats kept coming, and coinbase was never stale.
    expect((await l.source('coinbase'))?.state).toBe('live');
    // Still stale after the reconnect, as long as no trade comes.
    await new Promise((r) => setTimeout(r, 300));
    expect((await l.source('kraken'))?.state).toBe('stale');

    const t = setInterval(() => kr!.sendTrade({ px: 64_001, id: Date.now() }), 50);
    cleanups.push(async () => clearInterval(t));
    await eventually(async () => ((await l.source('kraken'))?.state === 'live' ? true : null));
    expect(l.logs.filter((x) => x.msg.startsWith('kraken: stale')).length).toBe(1);
  });
});
