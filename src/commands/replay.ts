/**
 * `polylab replay DIR|FILE`: feeds a capture through the engine — its normalized inputs,
 * or with `--raw` its raw frames re-parsed by the venue and Polymarket parsers — with the
 * capture's own settings unless the environment or flags say otherwise, journals it as a
 * run of mode `replay`, and prints the run summary with its output digest.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import type { ConfigKey } from '../app/config.ts';
import type { OutputEvent } from '../core/outputs.ts';
import { OutputDigest } from '../app/digest.ts';
import { CaptureError, openCapture } from '../capture/reader.ts';
import { createReparser } from '../capture/reparse.ts';
import { replayConfig, replayInto, type ReplayResult } from '../app/replaySource.ts';
import { buildEngine } from '../app/engineFactory.ts';
import { formatSummary, SummarySink } from '../app/runSummary.ts';
import { openSession } from '../app/session.ts';
import { createProgress } from '../app/progress.ts';

interface ReplayFlags {
  speed?: string;
  strategy?: string;
  raw?: boolean;
  strict?: boolean;
}

/** Bad lines printed one by one before only their count is kept. */
const BAD_LINES_SHOWN = 20;

export async function replayCommand(target: string, flags: ReplayFlags): Promise<number> {
  const capture = await openCapture(target);
  const h = capture.header;
  const flagSettings: Partial<Record<ConfigKey, unknown>> = { speed: flags.speed, strategy: flags.strategy };
  const cfg = replayConfig(h.settings, process.env, flagSettings);
  const log = pino({ level: cfg.logLevel, base: { app: 'polylab' } }, pino.destination(2));
  const session = await openSession({
    cfg,
    mode: 'replay',
    baseRunId: `replay-${h.run_id}`,
    seed: h.seed,
    strategy: cfg.strategy,
    startMs: h.start_ms,
    restore: h.restore,
    replayOf: h.run_id,
    sources: h.sources,
    onJournalError: (message) => log.error({ error: message }, `journal write failed: ${message}`),
  });
  const engine = buildEngine(cfg, 'replay', session.runId, h.seed, h.restore);
  const summary = new SummarySink();
  const digest = new OutputDigest();
  const sink = (e: OutputEvent) => {
    session.sink(e);
    summary.sink(e);
    digest.sink(e);
  };
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  process.stderr.write(
    `replay ${h.run_id} (${h.mode}, ${capture.files.length} file(s), ${h.code_version}) as run ${session.runId}${flags.raw ? ', re-parsing raw frames' : ''}\n`,
  );
  let bad = 0;
  const onBad = (where: string, reason: string) => {
    bad += 1;
    if (bad <= BAD_LINES_SHOWN) process.stderr.write(`polylab replay: ${where}: ${reason}; skipped\n`);
  };
  const reparser = flags.raw ? createReparser(h, (v) => cfg.venueSymbol(v)) : null;
  const progress = createProgress('replay', capture.bytes, { tty: process.stderr.isTTY === true });
  for (const e of engine.start(h.start_ms)) sink(e);
  let result: ReplayResult | null = null;
  let failure: string | null = null;
  try {
    result = await replayInto(capture, engine, sink, {
      raw: reparser,
      strict: flags.strict === true,
      speed: cfg.speed === 'auto' ? 'max' : cfg.speed,
      signal: abort.signal,
      onBad,
      onProgress: (bytes, inputs) => progress.update(bytes, inputs),
      backpressure: session.backpressure,
    });
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    failure = err.message;
  } finally {
    progress.stop();
  }
  const lastTs = result?.end?.ts_unix_ms ?? result?.lastTsMs ?? h.start_ms;
  for (const e of engine.stop(Math.max(lastTs, h.start_ms))) sink(e);
  const ended = await session.close(lastTs);
  if (bad > BAD_LINES_SHOWN) process.stderr.write(`polylab replay: ${bad} bad lines in all (the first ${BAD_LINES_SHOWN} shown)\n`);
  if (failure) process.stderr.write(`polylab replay: ${failure}\n`);
  process.stdout.write(`${formatSummary({ ...summary.summary(engine.counters.inputs), digest: digest.hex() })}\n`);
  if (bad > 0) process.stdout.write(`  bad lines     ${bad} (skipped)\n`);
  if (result?.aborted) process.stdout.write(`  stopped early by a signal after ${result.inputs} inputs\n`);
  if (reparser) {
    const c = reparser.counts;
    process.stdout.write(
      `  raw frames    ${c.frames} re-parsed (${c.invalid} invalid, ${c.unparsed} of sources taken from normalized lines)\n`,
    );
  }
  // The journal holds less than the replay did (disk full): said, and exit 3 as for `polylab run`.
  const end = ended.end;
  if (end?.status === 'incomplete') {
    process.stderr.write(
      `polylab replay: run ${end.runId} is INCOMPLETE: ${end.notJournaled} events were not journaled (${end.reason}); the summary above counts more than the journal holds\n`,
    );
    return 3;
  }
  return failure ? 1 : 0;
}

export function registerReplay(program: Command): void {
  program
    .command('replay <capture>')
    .description("feed a capture (a file, or a directory of one run's files) through the engine and journal it as a run of mode replay")
    .option('--speed <s>', 'max | 1x | 10x (POLYLAB_SPEED; default max)')
    .option('--strategy <name>', "strategy to replay with (POLYLAB_STRATEGY; default: the capture's)")
    .option('--raw', 're-parse the raw frames through the venue and Polymarket parsers instead of the normalized inputs')
    .option('--strict', 'stop at the first bad line instead of skipping it')
    .action(async (target: string, flags: ReplayFlags) => {
      process.exitCode = await replayCommand(target, flags);
    });
}
