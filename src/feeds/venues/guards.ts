/**
 * Small hand-written guards shared by the venue mappers. Trade frames arrive hundreds of
 * times a second per venue; after `JSON.parse` we check the handful of fields we use by
 * hand instead of running a zod schema over every frame (a schema allocates an issue list
 * and a copy per parse). The guards are total: they return `null`/`undefined` for anything
 * unexpected and never throw.
 */
import type { ParseResult } from './types.ts';

export type Json = Record<string, unknown>;

/** Parses one frame into a JSON object, or returns the reason (a string) it is not one. */
export function parseObject(frame: string): Json | string {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return 'malformed JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Json;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const invalid = (reason: string): ParseResult => ({ kind: 'invalid', reason });

// Plain decimals only: venues send prices and sizes like "64001.2" or "0.00044780".
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A decimal string (as Coinbase sends prices) → a finite number, else null. */
export function decimalString(v: unknown): number | null {
  if (typeof v !== 'string' || !DECIMAL.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A JSON number that is finite and strictly positive, else null. */
export function positiveNumber(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

// RFC 3339 UTC timestamps as Coinbase and Kraken send them: 2026-09-25T17:48:26.844359Z.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** An RFC 3339 UTC timestamp → integer ms since the epoch (sub-ms digits truncated), else null. */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string' || !ISO_UTC.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : null;
}

/** A non-negative safe integer (trade ids, sequence numbers), else null. */
export function safeInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** Shortens a venue-supplied text before it goes into a reason or a log line. */
export function clip(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
