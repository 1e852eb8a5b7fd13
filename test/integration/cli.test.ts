// Goal: the real `polylab` binary runs the sim end to end, handles signals, and explains bad config.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli as run, tempDataDir } from './fakes/cli.ts';
import { allEndpointsAt, tripwire } from './fakes/readOnly.ts';

describe('polylab CLI', () => {
  it('runs a seeded sim at max speed and prints a summary with fills and PnL', async () => {
    const r = await run(['run', '--mode', 'sim', '--seed', '7', '--duration', '16m', '--speed', 'max']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fills\s+[1-9]\d*/);
    expect(r.stdout).toMatch(/settlements\s+1/);
    expect(r.stdout).toMatch(/realized PnL\s+-?\$\d+\.\d\d/);
    expect(r.stdout).toMatch(/sim market\s+efficient: /);
  });

  it("keeps the banner's promise in sim: with every venue and Polymarket endpoint pointed at a tripwire, nothing reaches it", async () => {
    const wire = await tripwire();
    try {
      const r = await run(['run', '--mode', 'sim', '--seed', '7', '--duration', '16m'], allEndpointsAt(wire));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/fills\s+[1-9]\d*/);
      expect(r.stdout).toContain('paper trading only: no order was sent anywhere.');
      expect(wire.hits).toEqual([]);
      // The same tripwire does see a paper-live run, so the empty list above means something.
      const live = await run(['run', '--mode', 'paper-live', '--duration', '2s'], allEndpointsAt(wire));
      expect(live.code).toBe(0);
      expect(wire.hits.length).toBeGreaterThan(0);
    } finally {
      await wire.close();
    }
  });

  it('runs the noisy sim market with --sim-market and says so in the summary', async () => {
    const r = await run(['run', '--mode', 'sim', '--seed', '7', '--duration', '3m', '--sim-market', 'noisy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sim market\s+noisy: /);
  });

  it('prints the same summary numbers for the same seed', async () => {
    const a = await run(['run', '--mode', 'sim', '--seed', '3', '--duration', '3m']);
    const b = await run(['run', '--mode', 'sim', '--seed', '3', '--duration', '3m']);
    // The whole summary, run id included, is a function of the seed.
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('Polylab run sim-3');
  });

  it('exits cleanly on SIGINT while running at 1x', async () => {
    // Signal only once the run has announced itself, so the handler is surely installed.
    const r = await run(['run', '--mode', 'sim', '--speed', '1x'], { POLYLAB_LOG_LEVEL: 'info' }, (p) => {
      let sent = false;
      p.stderr?.on('data', (d: Buffer) => {
        if (!sent && d.toString().includes('started')) {
          sent = true;
          setTimeout(() => p.kill('SIGINT'), 300);
        }
      });
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('summary');
  });

  it('fails on POLYLAB_MODE=bogus with a message naming the variable', async () => {
    const r = await run(['run'], { POLYLAB_MODE: 'bogus' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('POLYLAB_MODE');
    expect(r.stderr).toContain('paper-live, sim');
  });

  it('fails at start on a POLYLAB_DATA_DIR that cannot hold a journal, naming the variable', async () => {
    const file = path.join(tempDataDir(), 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const r = await run(['run', '--mode', 'sim', '--duration', '1m'], { POLYLAB_DATA_DIR: file });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`POLYLAB_DATA_DIR=${file}`);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory');
  });
});
