// Goal: `polylab run --mode sim` with no duration runs on at 10x until Ctrl-C, and Ctrl-C prints the summary and exits within 2 s even with a client stuck half-way through a request, after WebSocket clients got the run's end.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SIM_START_MS } from '../../src/sim/sim.ts';
import { runCli } from './fakes/cli.ts';
import { Recorder } from './apiHarness.ts';

describe('polylab run --mode sim until Ctrl-C', () => {
  it('runs at a watchable pace, then exits within 2 s of SIGINT despite a half-sent request, flushing run_stopped and pnl to clients', async () => {
    let sigintAt = 0;
    let url = '';
    let ws: Recorder | null = null;
    const checks: Record<string, unknown> = {};
    let spawnedAt = 0;
    let dashboardAfterMs = 0;
    const result = runCli(['run', '--mode', 'sim'], {}, (p) => {
      spawnedAt = Date.now();
      let err = '';
      p.stderr!.on('data', async (d: Buffer) => {
        err += d;
        const m = /Dashboard on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(err);
        if (!m || url) return;
        dashboardAfterMs = Date.now() - spawnedAt;
        url = m[1]!;
        ws = await Recorder.open(`${url.replace('http', 'ws')}/ws`);
        // A client that sends half a request and then nothing.
        const stuck = connect(Number(m[2]), '127.0.0.1', () => stuck.write('GET /feed/health HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
        stuck.on('error', () => undefined);
        // Wait for the state (ten sim seconds played), not for a guessed wall time.
        const simSeconds = async () => {
          const health = (await (await fetch(`${url}/feed/health`)).json()) as { ts_unix_ms: number };
          return (health.ts_unix_ms - SIM_START_MS) / 1000;
        };
        let played = await simSeconds();
        while (played <= 10) {
          await new Promise((r) => setTimeout(r, 100));
          played = await simSeconds();
        }
        checks.simSeconds = played;
        // At 10x the sim can never be ahead of ten times the wall time since the process began.
        checks.simCeiling = (10 * (Date.now() - spawnedAt)) / 1000;
        checks.fills = ((await (await fetch(`${url}/fills`)).json()) as { total: number }).total;
        checks.alive = p.exitCode === null;
        sigintAt = Date.now();
        p.kill('SIGINT');
      });
    });
    const r = await result;
    const exitMs = Date.now() - sigintAt;
    expect(checks.alive).toBe(true);
    // Paced at 10x, not run flat out: more than ten sim seconds, never more than 10 × the wall time.
    expect(checks.simSeconds).toBeGreaterThan(10);
    expect(checks.simSeconds).toBeLessThanOrEqual(checks.simCeiling as number);
    expect(checks.fills).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('summary');
    // Within 2 s on an idle machine; on a busy one, no slower than twice this process's own
    // start-up (a connection holding the server open would hold it for minutes).
    expect(exitMs).toBeLessThan(Math.max(2_000, 2 * dashboardAfterMs));
    const c = ws as Recorder | null;
    expect(c).not.toBeNull();
    await c!.until(() => c!.closed !== null);
    expect(c!.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(c!.of('run_stopped')).toMatchObject([{ run_id: 'sim-7' }]);
    expect(c!.of('pnl').length).toBeGreaterThan(0);
  }, 30_000);

  it('stays a batch run with --speed max and a duration: summary, then exit', async () => {
    const r = await runCli(['run', '--mode', 'sim', '--speed', 'max', '--duration', '5m']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('summary');
    expect(r.stderr).toContain('Dashboard on http://127.0.0.1:');
    expect(r.stderr).not.toContain('until Ctrl-C');
  });
});
