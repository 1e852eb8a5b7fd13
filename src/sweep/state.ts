/**
 * What a sweep has finished, kept as it goes so Ctrl-C or a killed pod loses at most the
 * jobs running at that moment: one JSON line per result in `DIR/state/shard=i-of-n.jsonl`.
 * A re-run reads every state file in DIR (any shard layout) and skips the jobs whose key
 * has a result with status ok; failed jobs run again. A torn last line is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JobResult } from './runJob.ts';
import type { Shard } from './jobs.ts';

export function stateFile(dir: string, shard: Shard): string {
  return path.join(dir, 'state', `shard=${shard.index}-of-${shard.count}.jsonl`);
}

/** Every result recorded under `dir`, the last one of each key winning. */
export function loadResults(dir: string): Map<string, JobResult> {
  const out = new Map<string, JobResult>();
  const stateDir = path.join(dir, 'state');
  if (!fs.existsSync(stateDir)) return out;
  for (const f of fs
    .readdirSync(stateDir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()) {
    for (const line of fs.readFileSync(path.join(stateDir, f), 'utf8').split('\n')) {
      if (line.length === 0) continue;
      try {
        const r = JSON.parse(line) as JobResult;
        if (typeof r.key === 'string' && r.figures) out.set(r.key, r);
      } catch {
        // The line a killed run was writing: that job simply runs again.
      }
    }
  }
  return out;
}

/** Appends results synchronously (a Ctrl-C between two jobs loses nothing written). */
export class StateWriter {
  private readonly fd: number;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }

  write(r: JobResult): void {
    fs.writeSync(this.fd, `${JSON.stringify(r)}\n`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
