// Goal: a strategies file is validated like the environment (errors name the strategy and the setting), and each configuration runs beside the main run on the same inputs — a lane with the main run's settings reproduces its figures exactly, a different strategy does not.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../../src/app/engineFactory.ts';
import { SummarySink } from '../../src/app/runSummary.ts';
import { compareRow, formatCompare, Lane, laneRow, parseStrategiesFile } from '../../src/app/lanes.ts';

const file = (strategies: unknown) => JSON.stringify({ strategies });

describe('strategies file', () => {
  it('builds one validated config per strategy on top of the environment', () => {
    const lanes = parseStrategiesFile(
      file([
        { name: 'fv', settings: { POLYLAB_STRATEGY: 'fair-value', POLYLAB_EDGE_MIN: 0.04 } },
        { name: 'div', settings: {} },
      ]),
      { POLYLAB_MODE: 'sim', POLYLAB_ORDER_QTY: '7' },
    );
    expect(lanes.map((l) => [l.name, l.cfg.strategy, l.cfg.edgeMin, l.cfg.orderQtyShares])).toEqual([
      ['fv', 'fair-value', 0.04, 7],
      ['div', 'divergence', 0.03, 7],
    ]);
  });

  it('names the strategy and the setting of a bad value, and refuses bad files', () => {
    expect(() => parseStrategiesFile(file([{ name: 'x', settings: { POLYLAB_EDGE_MIN: 5 } }]), {})).toThrow(
      /strategy "x": Invalid POLYLAB_EDGE_MIN=/,
    );
    expect(() => parseStrategiesFile(file([{ name: 'x', settings: { EDGE: 1 } }]), {})).toThrow(
      /strategies\.0\.settings\.EDGE: .*POLYLAB_\* setting/,
    );
    expect(() =>
      parseStrategiesFile(
        file([
          { name: 'a', settings: {} },
          { name: 'a', settings: {} },
        ]),
        {},
      ),
    ).toThrow(/"a" is used twice/);
    expect(() => parseStrategiesFile(file([]), {})).toThrow(/strategies/);
    expect(() => parseStrategiesFile('{', {})).toThrow(/not JSON/);
  });
});

describe('lanes side by side', () => {
  it('runs each configuration on the same inputs: the main settings reproduce the main run, another strategy differs', () => {
    const cfg = loadConfig({ POLYLAB_MODE: 'sim' });
    const engine = buildEngine(cfg, 'sim', 'cmp', 7);
    const analytics = buildAnalytics(cfg);
    const summary = new SummarySink();
    const specs = parseStrategiesFile(
      file([
        { name: 'same', settings: {} },
        { name: 'fv', settings: { POLYLAB_STRATEGY: 'fair-value' } },
      ]),
      { POLYLAB_MODE: 'sim' },
    );
    const lanes = specs.map((s) => new Lane(s.name, s.cfg, 'sim', 'cmp', 7));
    const start = engine.start(SIM_START_MS);
    analytics.observeOutputs(start);
    start.forEach(summary.sink);
    let last = SIM_START_MS;
    for (const input of new SimFeed({ seed: 7 }).events()) {
      if (input.ts_unix_ms - SIM_START_MS > 30 * 60_000) break;
      last = input.ts_unix_ms;
      const outs = engine.step(input);
      analytics.observe(input, outs);
      outs.forEach(summary.sink);
      for (const l of lanes) l.step(input);
    }
    engine.stop(last).forEach(summary.sink);
    lanes.forEach((l) => l.stop());
    const main = compareRow('main', cfg.strategy, summary.summary(engine.counters.inputs), analytics.report());
    const [same, fv] = lanes.map(laneRow);
    expect(main.fills).toBeGreaterThan(0);
    expect({ ...same!, name: 'main' }).toEqual(main);
    expect(fv!.strategy).toBe('fair-value');
    expect(fv!.fills).not.toBe(main.fills);
    const table = formatCompare([main, same!, fv!]);
    expect(table.split('\n')).toHaveLength(5);
    expect(table).toMatch(/fv +fair-value +\d+/);
  });
});
