// Goal: a burst of WebSocket clients dropped by the lab (here: over POLYLAB_WS_MAX_CLIENTS) is logged
// once, not once per client (BurstLog: a summary with the count follows once its interval has passed).
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { startApiFor } from '../../src/api/start.ts';
import { tempDataDir } from './fakes/cli.ts';

describe('client drops in the log', () => {
  it('logs a burst of 30 refused clients as one line', async () => {
    const lines: Array<{ level: number; msg: string; suppressed?: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
        done();
      },
    });
    const log = pino({ level: 'info' }, sink);
    const api = await startApiFor(
      {
        mode: 'sim',
        host: '127.0.0.1',
        port: 0,
        wsMaxRateHz: 4,
        wsMaxBufferBytes: 1 << 20,
        wsFlushMs: 100,
        wsMaxClients: 1,
        wsClientMsgsPerS: 20,
        wsAllowedOrigins: [],
        dataDir: tempDataDir(),
      },
      log,
    );
    const wsUrl = `${api.url.replace('http', 'ws')}/ws`;
    const open = () =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(wsUrl);
        ws.on('open', () => resolve(ws));
      });
    const keeper = await open();
    const refused = await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          new Promise<number>((resolve) => {
            const ws = new WebSocket(wsUrl);
            ws.on('close', (code) => resolve(code));
            ws.on('error', () => {});
          }),
      ),
    );
    expect(refused.every((c) => c === 1013)).toBe(true);
    keeper.close();
    await api.close();
    const dropLines = lines.filter((l) => l.msg.startsWith('ws client disconnected'));
    // The first drop, then nothing more inside the interval (the summary waits for it to pass).
    expect(dropLines).toHaveLength(1);
    expect(dropLines[0]!.msg).toBe('ws client disconnected: too many clients');
    expect(lines.filter((l) => /disconnected/.test(l.msg))).toHaveLength(1);
  }, 30_000);
});
