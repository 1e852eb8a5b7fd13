/**
 * `polylab markets`: one-shot discovery — the BTC up/down markets Polymarket lists now.
 */
import type { Command } from 'commander';
import { loadConfig } from '../app/config.ts';
import { discoverOnce } from '../polymarket/discovery.ts';
import type { MarketInfo } from '../core/events.ts';
import { table } from '../views/format.ts';

/** One-shot discovery: the BTC up/down markets Polymarket lists now, one line each. */
async function marketsCommand(): Promise<number> {
  const cfg = loadConfig(process.env);
  const { markets, counters } = await discoverOnce(cfg.gammaUrl, cfg.markets, Date.now, { timeoutMs: 10_000 });
  if (markets.length === 0) {
    const why = counters.last_error ?? 'no BTC up/down market is listed right now';
    process.stderr.write(`polylab markets: none found (${why}). Gamma: ${cfg.gammaUrl}\n`);
    return counters.last_error ? 1 : 0;
  }
  process.stdout.write(`${formatMarkets(markets)}\n`);
  return 0;
}

export function formatMarkets(markets: readonly MarketInfo[]): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const rows = markets.map((m) => [
    m.family,
    m.slug,
    `${iso(m.window_start_ms)} → ${iso(m.window_end_ms)}`,
    String(m.tick_size),
    String(m.min_size),
    m.fee.rate === 0 ? 'free' : `${m.fee.rate}×(p(1-p))^${m.fee.exponent}`,
    `${m.resolution.rule}${m.resolution.lookback_s ? `(${m.resolution.lookback_s}s)` : ''}/${m.resolution.source}`,
    m.price_to_beat === null ? '-' : `${m.price_to_beat}${m.price_to_beat_estimated ? ' (est.)' : ''}`,
  ]);
  const head = ['family', 'slug', 'window (UTC)', 'tick', 'min', 'taker fee', 'resolution', 'price to beat'];
  return table(head, rows).join('\n');
}

export function registerMarkets(program: Command): void {
  program
    .command('markets')
    .description('one-shot discovery: list the BTC up/down markets Polymarket lists now (read-only GETs to Gamma)')
    .action(async () => {
      process.exitCode = await marketsCommand();
    });
}
