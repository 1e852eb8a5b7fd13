// Goal: the dashboard in real headless Chromium takes a stream of the engine's own event mix at the API bench's rate (5,000 events/s) and, once the stream ends, shows every fill sent and the last PnL, with no bad frame or page error and frames still drawn during the stream. How fast it draws is the dashboard bench's figure (bench/dashboard.bench.ts), not this test's.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputEvent, OutputOf } from '../../src/core/outputs.ts';
import { clock, px, usd } from '../../web/src/format.ts';
import { LIMITS } from '../../web/src/model.ts';
import { EVENTS_PER_S, engineMix, measureFrames, openLivePage, startStreamLab, streamEvents, type StreamLab } from './streamLab.ts';

/** The head of the sim hour's mix: 4 s at the stream's rate, and few enough fills (25) that the fills table holds them all. */
const STREAM_EVENTS = 20_000;
/** Generous: on a busy 2-core machine the page may take a while to catch up after the last event. */
const CATCH_UP_MS = 30_000;

let lab: StreamLab;
let sent: OutputEvent[];

beforeAll(async () => {
  sent = engineMix().slice(0, STREAM_EVENTS);
  lab = await startStreamLab();
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

/** The fills table as the page shows it, newest first: time, side and outcome, price, fee. */
function fillRows(page: Page): Promise<string[][]> {
  return page.$$eval('[data-panel="fills"] tbody tr', (trs) =>
    (trs as HTMLTableRowElement[]).filter((tr) => tr.cells.length > 1).map((tr) => [0, 2, 4, 5].map((i) => tr.cells[i]?.textContent ?? '')),
  );
}

/** The Positions & PnL panel's figures by label. */
function pnlStats(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-panel="pnl"] .stat', (boxes) =>
    Object.fromEntries(boxes.map((b) => [b.querySelector('.k')?.textContent ?? '', b.querySelector('.v')?.textContent ?? ''])),
  );
}

describe('dashboard under the event stream', () => {
  it(`shows every fill and the last PnL after ${STREAM_EVENTS} events at ${EVENTS_PER_S}/s, with no page error`, async () => {
    const fills = sent.filter((e): e is OutputOf<'paper_fill'> => e.event_type === 'paper_fill');
    const lastPnl = sent.findLast((e): e is OutputOf<'pnl'> => e.event_type === 'pnl');
    // The check below is only exact while every fill sent fits in the table.
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.length).toBeLessThanOrEqual(LIMITS.fills);
    expect(lastPnl).toBeDefined();

    const { page, errors } = await openLivePage(lab);
    const stream = streamEvents(lab.sink, sent.values(), EVENTS_PER_S, STREAM_EVENTS);
    // Liveness, not speed: the page draws a second frame within a window shorter than the stream.
    const during = await measureFrames(page, 2_000);
    const totals = await stream.done;
    expect(totals.sent).toBe(STREAM_EVENTS);
    expect(during.frames).toBeGreaterThan(1);
    expect(during.fps).toBeGreaterThan(0);

    // Fills are never coalesced: each one sent is a row, newest first, with its own time, side, price and fee.
    const expected = fills.toReversed().map((f) => [clock(f.ts_unix_ms), `${f.side} ${f.outcome}`, px(f.fill_px), usd(f.fee)]);
    await expect.poll(() => fillRows(page), { timeout: CATCH_UP_MS }).toEqual(expected);
    await expect
      .poll(() => pnlStats(page), { timeout: CATCH_UP_MS })
      .toMatchObject({ equity: usd(lastPnl!.equity), fees: usd(lastPnl!.fees) });
    // Every frame the page got passed its schema (a failure is counted in the header, redrawn with each fill).
    expect(await page.locator('#run').textContent()).not.toContain('bad frames');
    expect(await page.locator('#conn').textContent()).toBe('live');
    expect(errors).toEqual([]);
    console.log(
      `dashboard: ${totals.sent} events in ${totals.seconds.toFixed(1)} s, ${fills.length} fills on screen; ${during.frames} frames during the stream`,
    );
    await page.close();
  }, 90_000);
});
