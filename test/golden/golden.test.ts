// Goal: prove that a change which claims "no behaviour change" changes nothing a sim run shows.
// The digests below were taken from main before the issue-11 restructure; a documented
// behaviour change updates them in the same commit and says why in its message.
import { describe, expect, it } from 'vitest';
import { simDigest } from './simRun.ts';

const TWO_HOURS_MS = 2 * 60 * 60_000;

describe('sim runs are pinned byte for byte', () => {
  it.each([
    [1, '98cc6ea03854e3c06dfef252026450a160e4fdad5907c398d18b8ff972be3c8e'],
    [7, '41878a93e6c871fc46f5369356dd5c5cef5ddb26dcea8ca9f2bbb595ae9f352a'],
    [42, '47f1e6f7c736e9ef7e331b1a9d66037e2c312a5585d453ec45714dd1a74e540f'],
  ])('seed %i over 2 h prints the pinned summary', async (seed, sha) => {
    const d = await simDigest(seed, TWO_HOURS_MS);
    expect(d.summary).toContain(`Polylab run sim-${seed}`);
    expect(d.summarySha, d.summary).toBe(sha);
  });

  it('seed 7 over 30 min emits the pinned output event stream', async () => {
    const d = await simDigest(7, 30 * 60_000);
    expect(d.events).toBe(6223);
    expect(d.eventsSha).toBe('76c49abd471cabb8a1986ff70e2aeb0eb90c5fa8681983981e7e037c832e74ae');
  });
});
