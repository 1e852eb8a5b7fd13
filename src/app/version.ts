/**
 * The code version written into journals and captures: the package version plus the git
 * commit of the checkout when there is one (read from .git, no git binary needed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// src/app/version.ts → the checkout root (two floors up since the sources moved into src/app).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: string | null = null;

export function codeVersion(): string {
  if (cached !== null) return cached;
  let version = 'unknown';
  try {
    version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // A packaged copy without package.json next to it: the commit alone must do.
  }
  const commit = gitCommit(ROOT);
  cached = `polylab ${version}${commit ? ` (${commit.slice(0, 12)})` : ''}`;
  return cached;
}

function gitCommit(root: string): string | null {
  try {
    let gitDir = path.join(root, '.git');
    // A worktree or submodule: `.git` is a file naming the real git directory.
    if (fs.statSync(gitDir).isFile())
      gitDir = path.resolve(
        root,
        fs
          .readFileSync(gitDir, 'utf8')
          .replace(/^gitdir:\s*/, '')
          .trim(),
      );
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return head;
    const ref = head.slice(4).trim();
    const common = fs.existsSync(path.join(gitDir, 'commondir'))
      ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of [gitDir, common]) {
      const file = path.join(dir, ref);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    }
    const packed = fs
      .readFileSync(path.join(common, 'packed-refs'), 'utf8')
      .split('\n')
      .find((l) => l.endsWith(` ${ref}`));
    return packed ? packed.split(' ')[0]! : null;
  } catch {
    return null;
  }
}
