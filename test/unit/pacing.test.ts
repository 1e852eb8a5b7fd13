// Goal: the one pacing loop (app/pacing.ts) steps every input once in order across batches, stops at its duration, and a paced wait ends the moment the run is aborted (node:timers/promises with a signal), leaving the rest unstepped.
import { describe, expect, it } from 'vitest';
import { drive, Pacer } from '../../src/app/pacing.ts';
import type { InputEvent } from '../../src/core/events.ts';
import type { OutputEvent } from '../../src/core/outputs.ts';
import type { Engine } from '../../src/engine/engine.ts';

const closed = (tsMs: number): InputEvent => ({ event_type: 'market_closed', market_id: `m${tsMs}`, ts_unix_ms: tsMs });

/** An engine that answers each input with one recognisable output, and records what it saw. */
function echoEngine(): { engine: Engine; seen: number[] } {
  const seen: number[] = [];
  const step = (input: InputEvent): OutputEvent[] => {
    seen.push(input.ts_unix_ms);
    return [{ event_type: 'market_closed', market_id: String(input.ts_unix_ms), ts_unix_ms: input.ts_unix_ms } as unknown as OutputEvent];
  };
  return { engine: { step } as unknown as Engine, seen };
}

describe('the pacing loop', () => {
  it('steps batches in order at full speed, each input once, with onInput before the engine and observe after the sink', async () => {
    const { engine, seen } = echoEngine();
    const order: string[] = [];
    const pacer = new Pacer(engine, (e) => order.push(`sink ${e.ts_unix_ms}`), {
      durationMs: null,
      speed: 'max',
      onInput: (i) => order.push(`in ${i.ts_unix_ms}`),
      observe: (i, outs) => order.push(`obs ${i.ts_unix_ms} ${outs.length}`),
    });
    expect(await pacer.feed([closed(1), closed(2)])).toBe(true);
    expect(await pacer.feed([closed(3)])).toBe(true);
    expect(seen).toEqual([1, 2, 3]);
    expect(pacer).toMatchObject({ inputs: 3, lastTsMs: 3 });
    expect(order.slice(0, 3)).toEqual(['in 1', 'sink 1', 'obs 1 1']);
  });

  it('stops once input time passes start + duration, counting from the first batch', async () => {
    const { engine, seen } = echoEngine();
    const pacer = new Pacer(engine, () => undefined, { durationMs: 1_000, speed: 'max' });
    expect(await pacer.feed([closed(5_000), closed(6_000)])).toBe(true);
    expect(await pacer.feed([closed(6_001), closed(7_000)])).toBe(false);
    expect(seen).toEqual([5_000, 6_000]);
  });

  it('a paced wait of a minute ends when the run is aborted, and nothing after it is stepped', async () => {
    const { engine, seen } = echoEngine();
    const abort = new AbortController();
    // The first output aborts the run; the second input is due a minute later at 1x.
    const last = await drive(engine, [closed(0), closed(60_000), closed(120_000)], () => abort.abort(), {
      durationMs: null,
      speed: '1x',
      signal: abort.signal,
    });
    expect(last).toBe(0);
    expect(seen).toEqual([0]);
  });

  it('waits for each input moment at 10x against the clock it is given', async () => {
    const { engine, seen } = echoEngine();
    let wallMs = 1_000_000;
    // Inputs 100 ms apart at 10x are due 10 ms apart: the clock says they are already due.
    const last = await drive(engine, [closed(0), closed(100), closed(200)], () => (wallMs += 50), {
      durationMs: null,
      speed: '10x',
      nowMs: () => wallMs,
    });
    expect(last).toBe(200);
    expect(seen).toEqual([0, 100, 200]);
  });
});
