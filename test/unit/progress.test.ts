// Goal: off a terminal, long work reports plain progress lines (events, percent, events/s, ETA) at most every few seconds, and a last line when it ends.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/app/progress.ts';

describe('plain progress lines', () => {
  it('writes a line per interval with events, percent, rate and ETA, and one at the end', () => {
    let now = 0;
    const lines: string[] = [];
    const p = createProgress('replay', 1_000, { tty: false, write: (l) => lines.push(l), nowMs: () => now, everyMs: 5_000 });
    now = 1_000;
    p.update(100, 50_000);
    expect(lines).toEqual([]);
    now = 5_000;
    p.update(250, 250_000);
    now = 6_000;
    p.update(300, 300_000);
    p.stop();
    expect(lines).toEqual(['replay: 250000 events, 25%, 50000 ev/s ETA 15 s', 'replay: 300000 events, 30%, 50000 ev/s ETA 14 s']);
  });
});
