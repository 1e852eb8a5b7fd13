/**
 * Small DOM helpers. Text only ever goes in through `textContent` (market names and
 * reasons come from outside), and table rows are reused so a redraw touches only the
 * cells whose text changed.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface Cell {
  text: string;
  cls?: string;
}
export type Row = Array<string | Cell>;

/** A table with a fixed header whose body is redrawn from rows (at most `maxRows`). */
export class Table {
  readonly root: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: string;

  constructor(
    headers: string[],
    readonly maxRows: number,
    empty = 'nothing yet',
    cls = '',
  ) {
    this.root = el('table', { class: `tbl ${cls}`.trim() });
    const head = el('thead');
    const tr = el('tr');
    for (const h of headers) tr.append(el('th', {}, h));
    head.append(tr);
    this.body = el('tbody');
    this.root.append(head, this.body);
    this.empty = empty;
  }

  render(rows: Row[]): void {
    const shown = rows.length === 0 ? [[{ text: this.empty, cls: 'muted' }]] : rows.slice(0, this.maxRows);
    const trs = this.body.rows;
    while (trs.length > shown.length) this.body.deleteRow(-1);
    for (let i = 0; i < shown.length; i++) {
      const tr = trs[i] ?? this.body.insertRow();
      const cells = shown[i]!;
      while (tr.cells.length > cells.length) tr.deleteCell(-1);
      for (let j = 0; j < cells.length; j++) {
        const td = tr.cells[j] ?? tr.insertCell();
        const c = cells[j]!;
        const text = typeof c === 'string' ? c : c.text;
        const cls = typeof c === 'string' ? '' : (c.cls ?? '');
        if (td.textContent !== text) td.textContent = text;
        if (td.className !== cls) td.className = cls;
        // The "nothing yet" row spans the table; a real row must not inherit that span.
        const span = rows.length === 0 ? this.root.tHead!.rows[0]!.cells.length : 1;
        if (td.colSpan !== span) td.colSpan = span;
      }
    }
  }
}

/** A row of labelled figures ("equity $10,012.00"), updated in place. */
export class Stats {
  readonly root: HTMLDivElement;
  private readonly values = new Map<string, HTMLElement>();

  constructor(labels: string[]) {
    this.root = el('div', { class: 'stats' });
    for (const l of labels) {
      const box = el('div', { class: 'stat' });
      const v = el('span', { class: 'v' }, '—');
      box.append(el('span', { class: 'k' }, l), v);
      this.values.set(l, v);
      this.root.append(box);
    }
  }

  set(label: string, text: string, cls = ''): void {
    const v = this.values.get(label);
    if (!v) return;
    if (v.textContent !== text) v.textContent = text;
    const c = `v ${cls}`.trim();
    if (v.className !== c) v.className = c;
  }
}
