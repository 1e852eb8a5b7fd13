/**
 * The job list of a sweep: every (capture × configuration) pair, keyed by the capture's
 * content hash and the configuration's hash (plus the code version, so a new build never
 * reuses an old build's figures), sorted by key so every machine derives the same list,
 * and cut into deterministic shards with no coordinator.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../app/config.ts';
import { CAPTURE_SUFFIX } from '../capture/format.ts';
import type { SweepConfig } from './grid.ts';

export interface SweepCapture {
  /** The path as given on the command line. */
  path: string;
  /** SHA-256 over the bytes of the capture's files, in name order. */
  hash: string;
}

export interface Job {
  key: string;
  capture: SweepCapture;
  config: SweepConfig;
}

export interface Shard {
  index: number;
  count: number;
}

/** The files of a capture: the file itself, or a directory's capture files in name order. */
function captureFiles(target: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new ConfigError('--captures', `${target}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .filter((f) => f.endsWith(CAPTURE_SUFFIX))
    .sort()
    .map((f) => path.join(target, f));
}

/** Hashes a capture's bytes (streamed: a capture may be gigabytes). */
export async function hashCapture(target: string): Promise<SweepCapture> {
  const files = captureFiles(target);
  if (files.length === 0) throw new ConfigError('--captures', `${target}: no capture files (*${CAPTURE_SUFFIX}) in this directory`);
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${path.basename(f)}\n`);
    for await (const chunk of fs.createReadStream(f)) h.update(chunk as Buffer);
  }
  return { path: target, hash: h.digest('hex') };
}

export function jobKey(captureHash: string, configHash: string, codeVersion: string): string {
  const version = createHash('sha256').update(codeVersion).digest('hex');
  return `${captureHash.slice(0, 16)}-${configHash.slice(0, 16)}-${version.slice(0, 8)}`;
}

/** Every pair, sorted by key; the same capture given twice is one capture. */
export function buildJobs(captures: readonly SweepCapture[], configs: readonly SweepConfig[], codeVersion: string): Job[] {
  const byHash = new Map(captures.map((c) => [c.hash, c]));
  const jobs: Job[] = [];
  for (const capture of byHash.values())
    for (const config of configs) jobs.push({ key: jobKey(capture.hash, config.hash, codeVersion), capture, config });
  return jobs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The i-th of n slices: every n-th job from the i-th (round robin spreads long captures). */
export function shardJobs(jobs: readonly Job[], shard: Shard): Job[] {
  return jobs.filter((_, i) => i % shard.count === shard.index);
}

/**
 * `--shard i/n`; else the index from `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs) or
 * `AWS_BATCH_JOB_ARRAY_INDEX` (AWS Batch array jobs) with n from `--shard-count`;
 * else the whole list as shard 0/1. Both are 0-based: the Kubernetes Job controller sets
 * JOB_COMPLETION_INDEX in `completionMode: Indexed` (kubernetes.io/docs/tasks/job/
 * indexed-parallel-processing-static, stable since v1.24) and AWS Batch sets
 * AWS_BATCH_JOB_ARRAY_INDEX in each child of an array job of size 2-10,000
 * (docs.aws.amazon.com/batch/latest/userguide/array_jobs.html); both read 2026-12-06.
 */
export function resolveShard(flag: string | undefined, countFlag: string | undefined, env: Record<string, string | undefined>): Shard {
  const int = (text: string, what: string): number => {
    if (!/^\d+$/.test(text.trim())) throw new ConfigError(what, `${what}=${JSON.stringify(text)}: expected a whole number`);
    return Number(text.trim());
  };
  let index: number;
  let count: number;
  let origin: string;
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag.trim());
    if (!m) throw new ConfigError('--shard', `--shard ${JSON.stringify(flag)}: expected i/n, e.g. 0/4`);
    [index, count, origin] = [Number(m[1]), Number(m[2]), '--shard'];
  } else {
    const fromEnv = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'].find((k) => (env[k] ?? '') !== '');
    if (fromEnv === undefined) {
      if (countFlag !== undefined)
        throw new ConfigError('--shard-count', '--shard-count needs --shard i/n or JOB_COMPLETION_INDEX / AWS_BATCH_JOB_ARRAY_INDEX');
      return { index: 0, count: 1 };
    }
    if (countFlag === undefined)
      throw new ConfigError('--shard-count', `${fromEnv} is set: give the number of shards with --shard-count N`);
    [index, count, origin] = [int(env[fromEnv]!, fromEnv), int(countFlag, '--shard-count'), fromEnv];
  }
  if (count < 1 || index >= count) throw new ConfigError(origin, `${origin}: shard ${index} of ${count} does not exist (0 ≤ i < n, n ≥ 1)`);
  return { index, count };
}
