// Goal: the real `polylab run` in paper-live, on a day the legacy data socket (RTDS) is gone: with PolyBolt credentials it reads PolyBolt (auth, snapshot, seq, a 4003 drain and reconnect) and never shows or stores the key; without them it keeps quoting and settling on what is left and says RTDS is down in feed health.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../integration/fakes/cli.ts';
import { fakePolyBolt, type FakePolyBolt } from '../integration/fakes/polybolt.ts';
import { digestOf, LabProcess, LabStream, poll, polylab } from './lab.ts';
import { startWorld, wholeSecond, type World, type WorldMarket } from './world/world.ts';

const CREDS = { apiKey: 'e2e-key-5b1c', secret: 'e2e-secret-93aa', passphrase: 'e2e-pass-71d0' };
const TWAP_LEVEL = 64_020.25;
const RESULT_DELAY_MS = 1_500;

function windows(endAfterMs: number) {
  const aEnd = wholeSecond(Date.now()) + endAfterMs;
  return [
    // 5m, current: Gamma's price to beat far below the spot, so Up is worth ~1 at the 0.51 ask.
    { family: '5m' as const, startMs: aEnd - 300_000, priceToBeat: 60_000 },
    // 15m: price to beat far above the spot, so Down is worth ~1.
    { family: '15m' as const, startMs: wholeSecond(Date.now()) - 300_000, priceToBeat: 70_000 },
  ];
}

/** Every file under `dir`, as bytes in one string (journal, WAL, capture). */
function allBytes(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => fs.readFileSync(path.join(d.parentPath, d.name)).toString('latin1'))
    .join('\n');
}

async function settlesOnWhatIsLeft(lab: LabProcess, stream: LabStream, A: WorldMarket, C: WorldMarket): Promise<void> {
  await poll(
    'fills on Up of the 5-minute window and on Down of the 15-minute one',
    () => stream.of('paper_fill').some((f) => f.token_id === A.up) && stream.of('paper_fill').some((f) => f.token_id === C.down),
    Math.max(10_000, A.endMs - Date.now()),
  );
  const settlement = await poll(
    'the settlement of the ended window by its official result',
    () => stream.of('settlement').find((s) => s.market_id === A.conditionId),
    Math.max(0, A.endMs - Date.now()) + 30_000,
  );
  expect(settlement).toMatchObject({ source: 'official', winning_token_id: A.up, winning_outcome: 'Up' });
  expect((await lab.source('polymarket_ws')).state).toBe('live');
}

describe('paper-live with PolyBolt and without RTDS', () => {
  let world: World;
  let fake: FakePolyBolt;
  let lab: LabProcess;
  let stream: LabStream;
  let pump: NodeJS.Timeout;
  const data = tempDataDir('polylab-e2e-pb-data-');
  const capture = tempDataDir('polylab-e2e-pb-capture-');
  const credsFile = path.join(tempDataDir('polylab-e2e-pb-creds-'), 'polybolt.json');

  beforeAll(async () => {
    world = await startWorld(windows(45_000));
    await world.rtds.close(); // RTDS is gone for the whole run.
    const [A] = world.markets as [WorldMarket];
    world.resolveAt(A, 'Up', A.endMs + RESULT_DELAY_MS);
    fake = await fakePolyBolt(CREDS);
    fake.snapshot = [
      { timestamp: wholeSecond(Date.now()) - 2_000, px: TWAP_LEVEL },
      { timestamp: wholeSecond(Date.now()) - 1_000, px: TWAP_LEVEL },
    ];
    // One TWAP a second on every authenticated connection that is still open.
    pump = setInterval(() => {
      for (const i of fake.authed) if (fake.ws.connections[i]?.readyState === 1) fake.twap(i, { timestamp: Date.now(), px: TWAP_LEVEL });
    }, 1_000);
    fs.writeFileSync(credsFile, JSON.stringify(CREDS), { mode: 0o600 });
    lab = new LabProcess(['--capture', capture], {
      ...world.env,
      POLYLAB_DATA_DIR: data,
      POLYLAB_STRATEGY: 'fair-value',
      POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS: '5000',
      // The official result comes 1.5 s after the end; our own reading (now from the venue
      // median when no print covers an edge) waits a minute, so a loaded machine cannot let it settle first.
      POLYLAB_OWN_READING_DELAY_MS: '60000',
      POLYLAB_JOURNAL_COMMIT_MS: '50',
      POLYLAB_POLYBOLT_URL: fake.ws.url,
      POLYLAB_POLYBOLT_CREDENTIALS_FILE: credsFile,
    });
    stream = new LabStream(await lab.api);
    await stream.opened;
  }, 30_000);

  afterAll(async () => {
    clearInterval(pump);
    stream?.close();
    lab?.kill('SIGKILL');
    await lab?.exited;
    await fake?.close();
    await world?.close();
  });

  it('authenticates, is seeded by the snapshot, and shows polybolt (not rtds) live in feed health', async () => {
    const pb = await poll(
      'polybolt live with its snapshots',
      async () => {
        const s = await lab.source('polybolt').catch(() => null);
        return s && s.state === 'live' && (s.counts?.snapshot_prices ?? 0) >= 2 && (s.counts?.twap60_prices ?? 0) > 2 ? s : null;
      },
      20_000,
    );
    expect(pb.counts).toMatchObject({ snapshots: 2 });
    expect((await lab.health()).sources.some((s) => s.source === 'rtds')).toBe(false);
    expect(fake.auths[0]).toEqual({ op: 'auth', rid: 'a1', auth: CREDS });
  }, 30_000);

  it('reconnects after a 4003 drain and counts it', async () => {
    fake.closeWith(0, 4003, 'draining');
    const pb = await poll(
      'polybolt live again after the drain',
      async () => {
        const s = await lab.source('polybolt');
        return fake.authed.has(1) && s.state === 'live' && s.counts?.closed_4003 === 1 ? s : null;
      },
      20_000,
    );
    expect(pb.reconnects).toBeGreaterThanOrEqual(1);
    expect(fake.auths).toHaveLength(2);
  }, 30_000);

  it('keeps quoting and settling, and never shows, logs or stores the credentials', async () => {
    const [A, C] = world.markets as [WorldMarket, WorldMarket];
    await settlesOnWhatIsLeft(lab, stream, A, C);
    const shown = [
      lab.stdout,
      lab.stderr,
      JSON.stringify(await lab.health()),
      JSON.stringify(stream.events),
      allBytes(data),
      allBytes(capture),
    ].join('\n');
    for (const v of Object.values(CREDS)) expect(shown.includes(v), `${v.slice(0, 8)}… found`).toBe(false);
  }, 120_000);

  it('stops cleanly and replays its capture with --raw to the same digest', async () => {
    lab.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
    const digest = digestOf(lab.stdout);
    expect(digest).toBeDefined();
    const raw = await polylab(['replay', '--raw', capture], { POLYLAB_DATA_DIR: data }, 120_000);
    expect(raw.code, raw.stderr).toBe(0);
    expect(digestOf(raw.stdout)).toBe(digest);
  }, 150_000);
});

describe('paper-live on a day RTDS is gone and no PolyBolt key is set', () => {
  let world: World;
  let lab: LabProcess;
  let stream: LabStream;

  beforeAll(async () => {
    world = await startWorld(windows(40_000));
    await world.rtds.close();
    const [A] = world.markets as [WorldMarket];
    world.resolveAt(A, 'Up', A.endMs + RESULT_DELAY_MS);
    lab = new LabProcess([], {
      ...world.env,
      POLYLAB_DATA_DIR: tempDataDir('polylab-e2e-nortds-'),
      POLYLAB_STRATEGY: 'fair-value',
      POLYLAB_RISK_NO_NEW_RISK_BEFORE_END_MS: '5000',
      // The official result comes 1.5 s after the end; our own reading (now from the venue
      // median when no print covers an edge) waits a minute, so a loaded machine cannot let it settle first.
      POLYLAB_OWN_READING_DELAY_MS: '60000',
    });
    stream = new LabStream(await lab.api);
    await stream.opened;
  }, 30_000);

  afterAll(async () => {
    stream?.close();
    lab?.kill('SIGKILL');
    await lab?.exited;
    await world?.close();
  });

  it('says RTDS is down in feed health while it keeps quoting and settling on what is left', async () => {
    const rtds = await poll(
      'rtds reported down',
      async () => {
        const s = await lab.source('rtds');
        return s.state === 'down' && s.reason ? s : null;
      },
      20_000,
    );
    expect(rtds.reason).toMatch(/ECONNREFUSED|closed|refused/);
    const [A, C] = world.markets as [WorldMarket, WorldMarket];
    await settlesOnWhatIsLeft(lab, stream, A, C);
    expect((await lab.source('rtds')).state).not.toBe('live');
  }, 120_000);
});
