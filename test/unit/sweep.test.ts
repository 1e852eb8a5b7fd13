// Goal: a sweep's grid expands and validates exactly as documented (precedence, names, refusals by setting), its job list and shards are deterministic and partition the jobs, and its statistics (seeded bootstrap, walk-forward, warnings) follow the data.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError } from '../../src/app/config.ts';
import { parseGrid } from '../../src/sweep/grid.ts';
import { buildJobs, resolveShard, shardJobs } from '../../src/sweep/jobs.ts';
import { bootstrapCi, sweepStats, type JobPoint } from '../../src/sweep/stats.ts';

const grid = (g: unknown, env: Record<string, string> = {}) => parseGrid(JSON.stringify(g), env);

function refusal(g: unknown): ConfigError {
  try {
    grid(g);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('sweep grid', () => {
  it('is the product of its lists crossed with the strategies, last key fastest', () => {
    const g = grid({
      grid: { POLYLAB_EDGE_MIN: [0.01, 0.02], POLYLAB_LATENCY_MS: [100, 200, 300] },
      strategies: [
        { name: 'a', settings: {} },
        { name: 'b', settings: { POLYLAB_STRATEGY: 'fair-value' } },
      ],
    });
    expect(g.configs).toHaveLength(12);
    expect(g.configs.slice(0, 3).map((c) => c.name)).toEqual([
      'a POLYLAB_EDGE_MIN=0.01 POLYLAB_LATENCY_MS=100',
      'a POLYLAB_EDGE_MIN=0.01 POLYLAB_LATENCY_MS=200',
      'a POLYLAB_EDGE_MIN=0.01 POLYLAB_LATENCY_MS=300',
    ]);
    expect(new Set(g.configs.map((c) => c.hash)).size).toBe(12);
    expect(g.columns).toEqual(['POLYLAB_EDGE_MIN', 'POLYLAB_LATENCY_MS', 'POLYLAB_STRATEGY']);
    expect(g.configs[0]!.values).toEqual({ POLYLAB_EDGE_MIN: 0.01, POLYLAB_LATENCY_MS: 100, POLYLAB_STRATEGY: null });
  });

  it('applies environment < base < strategy < grid point, and leaves machine settings of the environment out', () => {
    const g = grid(
      {
        base: { POLYLAB_EDGE_MIN: 0.1, POLYLAB_LATENCY_MS: 50 },
        grid: { POLYLAB_LATENCY_MS: [70] },
        strategies: [{ name: 's', settings: { POLYLAB_EDGE_MIN: 0.2, POLYLAB_ORDER_QTY: 5 } }],
      },
      { POLYLAB_ORDER_QTY: '9', POLYLAB_SLIPPAGE_BPS: '3', POLYLAB_PORT: '9999', POLYLAB_DATA_DIR: '/x', HOME: '/root' },
    );
    expect(g.configs[0]!.settings).toEqual({
      POLYLAB_SLIPPAGE_BPS: '3',
      POLYLAB_ORDER_QTY: '5',
      POLYLAB_EDGE_MIN: '0.2',
      POLYLAB_LATENCY_MS: '70',
    });
  });

  it('hashes a configuration by its settings, whatever their order in the file', () => {
    const a = grid({ base: { POLYLAB_EDGE_MIN: 0.1, POLYLAB_LATENCY_MS: 50 } }).configs[0]!;
    const b = grid({ base: { POLYLAB_LATENCY_MS: 50, POLYLAB_EDGE_MIN: 0.1 } }).configs[0]!;
    const c = grid({ base: { POLYLAB_LATENCY_MS: 51, POLYLAB_EDGE_MIN: 0.1 } }).configs[0]!;
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(a.name).toBe('base');
  });

  it('refuses, naming the setting: unknown settings, machine settings, out-of-range values, bad files', () => {
    expect(refusal({ grid: { POLYLAB_NOPE: [1] } })).toMatchObject({ setting: 'POLYLAB_NOPE' });
    expect(refusal({ base: { POLYLAB_PORT: 1 } }).message).toContain('POLYLAB_PORT describes the machine');
    const range = refusal({ grid: { POLYLAB_EDGE_MIN: [0.5, 2] } });
    expect(range.setting).toBe('POLYLAB_EDGE_MIN');
    expect(range.message).toContain('configuration "POLYLAB_EDGE_MIN=2"');
    expect(refusal({ strategies: [{ name: 'x', settings: { POLYLAB_STRATEGY: 'nope' } }] }).setting).toBe('POLYLAB_STRATEGY');
    expect(refusal({ grid: { POLYLAB_EDGE_MIN: [] } }).message).toContain('grid.POLYLAB_EDGE_MIN');
    expect(refusal({ grids: {} }).setting).toBe('--grid');
    expect(() => parseGrid('{', {})).toThrow(/not JSON/);
    const twice = { name: 'x', settings: {} };
    expect(refusal({ strategies: [twice, twice] }).message).toContain('"x" is used twice');
  });
});

describe('sweep jobs and shards', () => {
  const configs = grid({ grid: { POLYLAB_EDGE_MIN: [0.01, 0.02, 0.03] } }).configs;
  const caps = ['a', 'b', 'c', 'd'].map((x) => ({ path: `/cap/${x}`, hash: x.repeat(64) }));

  it('pairs every capture with every configuration, sorted by key, one capture given twice counting once', () => {
    const jobs = buildJobs([...caps, caps[0]!], configs, 'v1');
    expect(jobs).toHaveLength(12);
    expect(jobs.map((j) => j.key)).toEqual([...jobs.map((j) => j.key)].sort());
    expect(buildJobs([...caps].reverse(), configs, 'v1').map((j) => j.key)).toEqual(jobs.map((j) => j.key));
    expect(buildJobs(caps, configs, 'v2')[0]!.key).not.toBe(jobs[0]!.key);
  });

  it('cuts the list into n disjoint shards whose union is the list', () => {
    const jobs = buildJobs(caps, configs, 'v1');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), (n) => {
        const parts = Array.from({ length: n }, (_, index) => shardJobs(jobs, { index, count: n }));
        const keys = parts.flat().map((j) => j.key);
        expect(keys.sort()).toEqual(jobs.map((j) => j.key).sort());
        expect(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('takes the shard from --shard, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX', () => {
    expect(resolveShard(undefined, undefined, {})).toEqual({ index: 0, count: 1 });
    expect(resolveShard('2/5', undefined, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 2, count: 5 });
    expect(resolveShard(undefined, '4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(resolveShard(undefined, '4', { AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toEqual({ index: 1, count: 4 });
    expect(() => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '1' })).toThrow(/--shard-count/);
    expect(() => resolveShard('4/4', undefined, {})).toThrow(/does not exist/);
    expect(() => resolveShard('1-4', undefined, {})).toThrow(/expected i\/n/);
    expect(() => resolveShard(undefined, '4', { AWS_BATCH_JOB_ARRAY_INDEX: 'x' })).toThrow(/AWS_BATCH_JOB_ARRAY_INDEX/);
  });
});

describe('sweep statistics', () => {
  it('bootstraps a seeded interval around the mean', () => {
    const xs = [1, 2, 3, 4, 10, -3, 5];
    const [lo, hi] = bootstrapCi(xs, 7);
    expect(bootstrapCi(xs, 7)).toEqual([lo, hi]);
    expect(bootstrapCi(xs, 8)).not.toEqual([lo, hi]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(lo).toBeLessThan(mean);
    expect(hi).toBeGreaterThan(mean);
    expect(bootstrapCi([2, 2, 2], 1)).toEqual([2, 2]);
  });

  const point = (config: string, day: number, pnl: number): JobPoint => ({
    config,
    capture: `/c/${day}`,
    captureHash: String(day).repeat(64),
    day: `2026-01-0${day}`,
    startMs: Date.UTC(2026, 0, day),
    pnl,
    pessimistic: pnl - 1,
  });

  it('ranks per capture-day and walks forward, warning when the in-sample winner falls', () => {
    // "lucky" wins the first two days and loses after; "steady" earns a little every day.
    const pts = [1, 2, 3, 4].flatMap((d) => [point('lucky', d, d <= 2 ? 50 : -45), point('steady', d, 5), point('flat', d, 0)]);
    const s = sweepStats(pts, 7);
    expect(s.unit).toBe('capture-day');
    expect(s.periods).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(s.ranking.map((r) => r.config)).toEqual(['steady', 'lucky', 'flat']);
    expect(s.ranking[0]).toMatchObject({ periods: 4, meanPnl: 5, meanPessimistic: 4 });
    expect(s.folds.map((f) => [f.winner, f.outOfSampleRank])).toEqual([
      ['lucky', 1],
      ['lucky', 3],
      ['lucky', 3],
    ]);
    expect(s.walkForwardMean).toBeCloseTo((50 - 45 - 45) / 3, 9);
    expect(s.warnings.some((w) => w.includes('in-sample winner lucky') && w.includes('ranks 3 of 3 on 2026-01-03'))).toBe(true);
    expect(s.warnings.some((w) => w.includes('3 configurations were tried'))).toBe(true);
  });

  it('takes each capture as a period when all start on one day', () => {
    const pts = [1, 2].map((d) => ({ ...point('x', d, d), day: '2026-01-01' }));
    const s = sweepStats(pts, 7);
    expect(s.unit).toBe('capture');
    expect(s.periods).toEqual(['1', '2']);
    expect(s.folds).toHaveLength(1);
  });
});
