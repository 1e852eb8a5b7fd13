/**
 * Progress of long work (replay, export): a bar with events, events/s and ETA on a TTY
 * (cli-progress), a plain line every few seconds otherwise (logs, CI, pipes).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` and `total` in the unit of the work (compressed bytes for a replay). */
  update(done: number, events: number): void;
  stop(): void;
}

export function createProgress(
  label: string,
  total: number,
  opts: { tty: boolean; write?: (line: string) => void; nowMs?: () => number; everyMs?: number },
): Progress {
  const now = opts.nowMs ?? Date.now;
  const started = now();
  const rate = (events: number) => Math.round(events / Math.max(0.001, (now() - started) / 1000));
  /** Seconds left at the average pace so far (the work's own unit, not events: their total is unknown). */
  const etaS = (done: number): number | null =>
    done > 0 && done < total ? Math.round(((now() - started) / 1000) * ((total - done) / done)) : null;
  if (opts.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {percentage}% | {events} events | {rate} ev/s | ETA {left}`,
        hideCursor: true,
        stream: process.stderr,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, total), 0, { events: 0, rate: 0, left: '-' });
    return {
      update: (done, events) => {
        const left = etaS(done);
        bar.update(Math.min(done, total), { events, rate: rate(events), left: left === null ? '-' : `${left} s` });
      },
      stop: () => bar.stop(),
    };
  }
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const everyMs = opts.everyMs ?? 5_000;
  let lastMs = started;
  let last = { done: 0, events: 0 };
  const line = () => {
    const pct = total > 0 ? Math.min(100, (100 * last.done) / total) : 100;
    const left = etaS(last.done);
    const eta = left === null ? '' : ` ETA ${left} s`;
    return `${label}: ${last.events} events, ${pct.toFixed(0)}%, ${rate(last.events)} ev/s${eta}`;
  };
  return {
    update: (done, events) => {
      last = { done, events };
      if (now() - lastMs < everyMs) return;
      lastMs = now();
      write(line());
    },
    stop: () => write(line()),
  };
}
