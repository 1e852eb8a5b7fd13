// Goal: the HTML report is one self-contained page — nothing fetched, no script — with the equity curve, the fill-model band, markout curves, the reliability diagram and the basis chart drawn from the run's figures, and an honest "no data" where a run has none.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { SIM_START_MS, SimFeed } from '../../src/sim/sim.ts';
import { buildAnalytics, buildEngine } from '../../src/app/engineFactory.ts';
import { renderTrustHtml } from '../../src/analytics/trustHtml.ts';

function simRun(minutes: number) {
  const cfg = loadConfig({ POLYLAB_MODE: 'sim' });
  const engine = buildEngine(cfg, 'sim', 'html', 7);
  const analytics = buildAnalytics(cfg);
  analytics.observeOutputs(engine.start(SIM_START_MS));
  for (const input of new SimFeed({ seed: 7 }).events()) {
    if (input.ts_unix_ms - SIM_START_MS > minutes * 60_000) break;
    analytics.observe(input, engine.step(input));
  }
  return { engine, analytics };
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('HTML trust report', () => {
  it('draws the five charts of a run inline and loads nothing from anywhere', () => {
    const { engine, analytics } = simRun(50);
    const html = renderTrustHtml({
      title: 'run <sim-7> & co',
      report: analytics.report(),
      equity: engine.portfolio.equityCurve,
      range: analytics.rangeSeries,
      summary: 'summary <text>',
    });
    expect(count(html, /<figure>/g)).toBe(5);
    expect(count(html, /<svg /g)).toBe(5);
    expect(html).not.toMatch(/<script|https?:|\bsrc=|\bhref=|@import|url\(/i);
    expect(html).toContain('<title>run &lt;sim-7&gt; &amp; co</title>');
    expect(html).toContain('summary &lt;text&gt;');
    // The band chart has one point per settlement for each of its three lines.
    expect(analytics.rangeSeries.length).toBeGreaterThanOrEqual(2);
    const markoutSeries = analytics.report().markouts.length;
    expect(html).toContain(`${analytics.report().markouts[0]!.strategy} buy`);
    expect(markoutSeries).toBe(2);
  });

  it('says "no data in this run" for a chart with nothing to draw', () => {
    const { analytics } = simRun(0);
    const html = renderTrustHtml({ title: 't', report: analytics.report(), equity: [], range: [], summary: '' });
    expect(count(html, /no data in this run/g)).toBe(5);
    expect(count(html, /<svg /g)).toBe(0);
  });
});
