/**
 * The capture format (docs/capture-format.md): gzip-compressed JSON Lines, one file per
 * hour of record time. Line 1 of every file is a header; then, in arrival order, one line
 * per normalized input event (the InputEvent itself, `event_type` first) or per raw
 * frame / HTTP body (`{"raw": source, "ts": receive ms, "data": text, ...}`); the last
 * file of a run that stopped cleanly ends with `{"end": {...}}`.
 */
import { z } from 'zod';
import { OutcomeSchema, SideSchema } from '../core/events.ts';
import { TifSchema } from '../core/outputs.ts';

/** The format this build writes and the newest it reads. */
export const CAPTURE_FORMAT = 1;

const num = z.number().finite();

/** The account a run continued from a crashed run (src/paper/restore.ts RestoredAccount). */
export const RestoredAccountSchema = z.object({
  from_run_id: z.string(),
  last_ts_ms: z.number().int().nonnegative(),
  cash: num,
  realized: num,
  fees: num,
  holdings: z.array(z.object({ market_id: z.string(), token_id: z.string(), outcome: OutcomeSchema, qty: num, avg_cost: num })),
  day: z.object({ day_start_ms: z.number().int(), start_equity_usd: num, halted_at_ms: z.number().int().nullable() }).nullable(),
  cancelled_orders: z.array(
    z.object({
      intent_id: z.string(),
      market_id: z.string(),
      token_id: z.string(),
      side: SideSchema,
      tif: TifSchema,
      filled_qty: num,
      remaining_qty: num,
    }),
  ),
});

export const CaptureHeaderSchema = z.object({
  polylab_capture: z.number().int().positive(),
  run_id: z.string().min(1),
  mode: z.enum(['paper-live', 'sim', 'replay', 'backtest']),
  code_version: z.string(),
  created_wall_ms: z.number().int().nonnegative(),
  /** Every source whose inputs or raw frames the capture may hold. */
  sources: z.array(z.string()),
  /** The run's settings by config key (README names), as the run used them. */
  settings: z.record(z.string(), z.unknown()),
  /** Input time the engine started at (its `run_started`). */
  start_ms: z.number().int().nonnegative(),
  seed: z.number().int().nullable(),
  /** The account the run continued from a crashed run (null when it started fresh). */
  restore: RestoredAccountSchema.nullable(),
  /** 0 for the run's first file, then 1, 2, … */
  file_index: z.number().int().nonnegative(),
  /** Start of the hour (record time, UTC) this file holds. */
  hour_start_ms: z.number().int().nonnegative(),
});
export type CaptureHeader = z.infer<typeof CaptureHeaderSchema>;

export const RawRecordSchema = z.object({
  raw: z.string().min(1),
  ts: z.number().int().nonnegative(),
  data: z.string(),
  /** HTTP bodies: the request path and query, and the status. */
  url: z.string().optional(),
  status: z.number().int().optional(),
});
export type RawRecord = z.infer<typeof RawRecordSchema>;

export const EndRecordSchema = z.object({
  end: z.object({
    ts_unix_ms: z.number().int().nonnegative(),
    inputs: z.number().int().nonnegative(),
    raw: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
  }),
});
export type EndRecord = z.infer<typeof EndRecordSchema>['end'];

export const HOUR_MS = 3_600_000;

/** `<run id>.<YYYYMMDD>T<HH>Z.jsonl.gz`: sorts by run, then by hour. */
export function captureFileName(runId: string, hourStartMs: number): string {
  const iso = new Date(hourStartMs).toISOString();
  return `${runId.replace(/[^\w.-]/g, '_')}.${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 13)}Z.jsonl.gz`;
}

export const CAPTURE_SUFFIX = '.jsonl.gz';

export type { RawTap } from '../net/tap.ts';
