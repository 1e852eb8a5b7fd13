/**
 * Trust: how far to trust the paper PnL (GET /trust, GET /strategies; docs/methodology.md §8):
 * tape confirmation, the fill-model PnL range, markouts per side, calibration with its
 * reliability table, basis per resolution source, and the strategies side by side.
 */
import type { TrustData } from '../trustPoll.ts';
import { el, Stats, Table } from '../dom.ts';
import { clock, dash, num, signedUsd, usd } from '../format.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? dash : `${(100 * x).toFixed(1)}%`);
const cents = (x: number | null | undefined) => (x === null || x === undefined ? dash : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}c`);
const sign = (x: number | null | undefined) => (x === null || x === undefined ? '' : x >= 0 ? 'pos' : 'neg');

function section(body: HTMLElement, id: string, title: string, ...parts: HTMLElement[]): void {
  const box = el('div', { class: 'trust-part', 'data-part': id });
  box.append(el('h3', {}, title), ...parts);
  body.append(box);
}

export class TrustPanel {
  private readonly stats = new Stats(['fills', 'tape confirmed', 'confirmed PnL', 'PnL range', 'basis', 'as of']);
  private readonly markouts = new Table(['strategy', 'side', 'fills', '+1s', '+5s', '+30s', '+60s', 'settle'], 12, 'no fill yet');
  private readonly calibration = new Table(['strategy', 'family', 'n', 'Brier', 'log loss', 'ECE'], 12, 'no settled decision yet');
  private readonly reliability = new Table(['forecast bin', 'n', 'mean forecast', 'observed rate'], 10, 'no settled decision yet', 'small');
  private readonly basis = new Table(
    ['source', 'last bps', 'mean bps', 'max |bps|', 'samples', 'warning'],
    8,
    'no resolution source price yet',
  );
  private readonly strategies = new Table(
    ['name', 'strategy', 'fills', 'rejects', 'realized', 'equity', 'PnL range', 'confirmed', 'markout 5s', 'Brier'],
    9,
    'no strategy yet',
  );
  private readonly note = el('p', { class: 'caption' }, 'waiting for /trust…');
  private readonly relCaption = el('p', { class: 'caption small' }, 'reliability');

  constructor(body: HTMLElement) {
    body.append(this.note, this.stats.root);
    section(body, 'markouts', 'Markouts (mid move per share after the fill, our way positive)', this.markouts.root);
    section(
      body,
      'calibration',
      'Calibration (fair value against the outcome)',
      this.calibration.root,
      this.relCaption,
      this.reliability.root,
    );
    section(body, 'basis', 'Basis (venue median against each resolution source)', this.basis.root);
    section(body, 'strategies', 'Strategies side by side (same inputs)', this.strategies.root);
  }

  error(why: string): void {
    this.note.textContent = `last poll failed: ${why} (figures below are from the last good one)`;
    this.note.className = 'caption warn';
  }

  render(d: TrustData): void {
    const t = d.trust;
    this.note.textContent = t
      ? "From the run's own inputs; docs/methodology.md §8 explains every figure."
      : 'This lab has no trust analytics.';
    this.note.className = 'caption';
    this.stats.set('as of', clock(d.atMs));
    this.strategies.render(
      d.strategies.map((r) => [
        r.name,
        r.strategy,
        { text: String(r.fills), cls: 'r' },
        { text: String(r.rejects), cls: 'r' },
        { text: signedUsd(r.realized_pnl), cls: `r ${sign(r.realized_pnl)}` },
        { text: usd(r.equity), cls: 'r' },
        `${signedUsd(r.pnl_low)} .. ${signedUsd(r.pnl_high)}`,
        { text: pct(r.confirmed_share), cls: 'r' },
        { text: cents(r.markout_5s), cls: `r ${sign(r.markout_5s)}` },
        { text: num(r.brier, 4), cls: 'r' },
      ]),
    );
    if (!t) return;
    this.stats.set('fills', `${t.fills}${t.dropped_fills > 0 ? ` (+${t.dropped_fills} of markets forgotten before settling)` : ''}`);
    this.stats.set('tape confirmed', `${pct(t.tape.confirmed_share)} (${t.tape.confirmed}/${t.tape.unconfirmed}/${t.tape.unknown})`);
    this.stats.set('confirmed PnL', `${signedUsd(t.tape.confirmed_pnl)} of ${signedUsd(t.tape.settled_pnl)}`);
    const fm = t.fill_models.pnl;
    this.stats.set('PnL range', `${signedUsd(fm.pessimistic)} .. ${signedUsd(fm.default)} .. ${signedUsd(fm.optimistic)}`);
    const warned = t.basis.sources.filter((b) => b.warning).map((b) => b.source);
    // Nothing compared yet (no resolution-source print beside a median): say so, not "under".
    const compared = t.basis.sources.some((b) => b.samples > 0);
    this.stats.set(
      'basis',
      warned.length > 0
        ? `above ${t.basis.warn_bps} bps: ${warned.join(', ')}`
        : compared
          ? `under ${t.basis.warn_bps} bps`
          : 'not measured yet',
      warned.length > 0 ? 'bad' : compared ? 'good' : '',
    );
    this.markouts.render(
      t.markouts.map((m) => [
        m.strategy,
        { text: m.side, cls: m.side },
        { text: String(m.fills), cls: 'r' },
        ...m.horizons.map((h) => ({ text: cents(h.mid), cls: `r ${sign(h.mid)}` })),
        { text: cents(m.settlement.avg), cls: `r ${sign(m.settlement.avg)}` },
      ]),
    );
    this.calibration.render(
      t.calibration.map((c) => [
        c.strategy,
        c.family,
        { text: String(c.count), cls: 'r' },
        { text: num(c.brier, 4), cls: 'r' },
        { text: num(c.log_loss, 4), cls: 'r' },
        { text: num(c.ece, 4), cls: 'r' },
      ]),
    );
    // The reliability table of the row with the most decisions: one bin per tenth of probability.
    const top = [...t.calibration].sort((a, b) => b.count - a.count)[0];
    this.relCaption.textContent = top
      ? `reliability of ${top.strategy} ${top.family} (calibrated: observed rate ≈ mean forecast)`
      : 'reliability';
    this.reliability.render(
      (top?.bins ?? [])
        .filter((b) => b.count > 0)
        .map((b) => [
          `${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`,
          { text: String(b.count), cls: 'r' },
          { text: num(b.mean_forecast, 3), cls: 'r' },
          { text: num(b.observed_rate, 3), cls: 'r' },
        ]),
    );
    this.basis.render(
      t.basis.sources.map((b) => [
        b.source,
        { text: num(b.last_bps, 1), cls: 'r' },
        { text: num(b.mean_bps, 1), cls: 'r' },
        { text: num(b.max_abs_bps, 1), cls: 'r' },
        { text: String(b.samples), cls: 'r' },
        { text: b.warning ? `above ${t.basis.warn_bps} bps` : 'no', cls: b.warning ? 'bad' : 'muted' },
      ]),
    );
  }
}
