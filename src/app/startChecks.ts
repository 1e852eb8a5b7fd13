/**
 * Checks of a run's outputs made before the journal opens, so a start that cannot work
 * fails at once with one line naming the flag or setting, and leaves no run behind: the
 * capture directory must be a directory we can create files in, and an output file
 * (`--html`, `--csv`) must be a file we can write. Each check really tries (creates and
 * removes a probe) rather than trusting permission bits, which say nothing for root or for
 * a read-only mount.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

const why = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Creates `dir` if missing and proves a file can be created in it. */
export function checkCaptureDir(dir: string): void {
  const name = `--capture/POLYLAB_CAPTURE=${dir}`;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ConfigError('POLYLAB_CAPTURE', `${name}: cannot create the capture directory (${why(err)})`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new ConfigError('POLYLAB_CAPTURE', `${name}: not a directory`);
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(dir, '.polylab-probe-')));
  } catch (err) {
    throw new ConfigError('POLYLAB_CAPTURE', `${name}: cannot write in the capture directory (${why(err)})`);
  }
}

/** Proves `file` can be written (created or appended to) without changing it; `flag` names the option. */
export function checkOutputFile(file: string, flag: string): void {
  const existed = fs.existsSync(file);
  if (existed && fs.statSync(file).isDirectory()) throw new ConfigError(flag, `${flag} ${file}: is a directory, not a file`);
  try {
    fs.closeSync(fs.openSync(file, 'a'));
    if (!existed) fs.unlinkSync(file);
  } catch (err) {
    throw new ConfigError(flag, `${flag} ${file}: cannot write this file (${why(err)})`);
  }
}
