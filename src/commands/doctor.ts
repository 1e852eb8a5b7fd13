/**
 * `polylab doctor`: connect to every configured source once and print a table; exit 1 if any failed.
 */
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../app/config.ts';
import { runDoctor } from '../venues/venueDoctor.ts';
import { checkPolymarket } from '../polymarket/polymarketDoctor.ts';
import { formatRuleSources, ruleSources } from '../polymarket/ruleSources.ts';
import type { DoctorRow } from '../net/refusal.ts';
import { table } from '../views/format.ts';

/** A fixed-width table for the terminal. */
export function formatDoctorTable(rows: readonly DoctorRow[]): string {
  const header = ['source', 'status', 'latency', 'detail'];
  const cells = rows.map((r) => [
    r.source,
    r.ok ? 'ok' : r.blocked ? 'blocked' : 'error',
    r.latency_ms === null ? '-' : `${r.latency_ms} ms`,
    r.detail,
  ]);
  const okCount = rows.filter((r) => r.ok).length;
  return [...table(header, cells, { align: ['left', 'left', 'right', 'free'] }), `${okCount}/${rows.length} sources ok`].join('\n');
}

/** Connects to every configured source once and prints a table; exit 1 if any failed. */
async function doctorCommand(flags: { timeout?: string }): Promise<number> {
  const cfg = loadConfig(process.env);
  const timeoutMs = flags.timeout ? Number(flags.timeout) : 8_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new ConfigError(
      '--timeout',
      `Invalid --timeout=${JSON.stringify(flags.timeout)}: accepted values are a positive integer of milliseconds`,
    );
  const socket = cfg.polyboltCredentials ? 'polybolt' : 'rtds';
  const [venues, poly] = await Promise.all([
    runDoctor(cfg.venueEndpoints(), { timeoutMs }),
    checkPolymarket({ ...cfg, polyboltUrl: socket === 'polybolt' ? cfg.polyboltUrl : null }, timeoutMs),
  ]);
  const rows = [...venues, ...poly];
  process.stdout.write(`${formatDoctorTable(rows)}\n${formatRuleSources(socket, ruleSources(socket, cfg.markets))}\n`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'connect to every configured source once (venues, Gamma, CLOB REST and socket, data socket) and print ok / error, reason, latency',
    )
    .option('--timeout <ms>', 'per-source timeout in milliseconds', '8000')
    .action(async (flags: { timeout?: string }) => {
      process.exitCode = await doctorCommand(flags);
    });
}
