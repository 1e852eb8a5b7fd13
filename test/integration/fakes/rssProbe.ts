/**
 * Run as `node --expose-gc --import tsx rssProbe.ts <baseUrl> <capBytes> <reads>`: reads
 * Gamma `/events` from `baseUrl` `reads` times with a byte cap, sampling the process's RSS
 * every 2 ms (collecting garbage between reads), and prints one JSON line: the RSS growth
 * over the GC'd baseline at its peak, and each read's outcome. A separate process, so the test runner's own heap is not measured.
 */
import { GammaClient } from '../../../src/polymarket/gamma.ts';

const [baseUrl, capText, readsText] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
// Warm up: the first fetch loads and compiles the HTTP client, a fixed cost not the body's.
await new GammaClient({ baseUrl: baseUrl!, nowMs: Date.now, bodyMaxBytes: 1_024 }).events({ slug: 'warm-up' });
gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 2);
const client = new GammaClient({ baseUrl: baseUrl!, nowMs: Date.now, timeoutMs: 30_000, bodyMaxBytes: Number(capText) });
const kinds: string[] = [];
for (let i = 0; i < Number(readsText); i++) {
  const r = await client.events({ slug: 'x' });
  kinds.push(r.ok ? 'ok' : r.kind);
  peak = Math.max(peak, process.memoryUsage().rss);
  // What one read leaves behind is garbage: collected here as the runtime would under pressure.
  gc?.();
}
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ gc: gc !== undefined, peakGrowthBytes: peak - baseline, kinds })}\n`);
