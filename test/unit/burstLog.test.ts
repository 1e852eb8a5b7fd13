// Goal: bad-input logging at the edges is throttled per burst: the first line, then one summary per interval.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { BurstLog } from '../../src/net/burstLog.ts';

describe('BurstLog', () => {
  it('logs the first bad frame, then one summary per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const b = new BurstLog(pino({}, { write: (s: string) => void lines.push(s) }), 'kraken: bad frame', 10_000, () => now);
    b.note('malformed JSON');
    for (let i = 0; i < 50; i++) b.note('malformed JSON');
    b.flush();
    expect(lines).toHaveLength(1);
    now = 10_000;
    b.flush();
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      suppressed: 50,
      msg: 'kraken: bad frame: 50 more in the last 10 s (latest: malformed JSON)',
    });
    now = 25_000;
    b.note('bad price');
    expect(JSON.parse(lines[2]!)).toMatchObject({ suppressed: 0, msg: 'kraken: bad frame: bad price' });
  });
});
