import type { AwaitingRow } from '../awaiting.ts';
import type { BoardRow } from '../board.ts';
import {
  applyView,
  type BoardView,
  defaultDir,
  defaultView,
  matchesAwaiting,
  parseView,
  serializeView,
} from '../board-view.ts';
import { COLUMN_BY_ID, COLUMNS } from '../columns.ts';
import { toCsv, toJson, toLatex } from '../export.ts';
import { download } from './download.ts';

/**
 * Leaderboard interactions: sort, filter, search, columns, downloads. The table is already in the
 * page, ranked by AP; this only reorders and hides rows, and keeps the view in the query string.
 */
const table = document.getElementById('board-table') as HTMLTableElement | null;
const form = document.getElementById('board-controls') as HTMLFormElement | null;
const status = document.getElementById('board-status');
const data = document.getElementById('board-rows');

if (table && form && data) {
  const rows = JSON.parse(data.textContent ?? '[]') as BoardRow[];
  const waiting = JSON.parse(
    document.getElementById('board-awaiting-rows')?.textContent ?? '[]',
  ) as AwaitingRow[];
  const tbody = table.tBodies[0]!;
  // Unranked rows keep their own group and order (reported AP); they are only filtered.
  const awaitingBody = document.getElementById('board-awaiting') as HTMLTableSectionElement | null;
  const awaitingTr = new Map<string, HTMLTableRowElement>();
  for (const tr of awaitingBody?.rows ?? []) if (tr.dataset['key']) awaitingTr.set(tr.dataset['key'], tr);
  const trByKey = new Map<string, HTMLTableRowElement>();
  for (const tr of tbody.rows) trByKey.set(tr.dataset['key']!, tr);
  const headers = [...table.tHead!.rows[0]!.cells];
  const dataset = table.dataset['dataset'] ?? 'board';
  const datasetName = table.dataset['name'] ?? dataset;
  const chartKeys = document.querySelectorAll<SVGElement>('.board-page svg [data-key]');
  let view: BoardView = parseView(location.search);
  let shown: BoardRow[] = rows;

  const inputs = <T extends HTMLInputElement>(name: string) =>
    [...form.querySelectorAll<T>(`input[name="${name}"]`)] as T[];

  function syncForm(): void {
    (form!.elements.namedItem('q') as HTMLInputElement).value = view.q;
    for (const key of ['family', 'license', 'device', 'status'] as const) {
      for (const box of inputs(key)) box.checked = view[key].includes(box.value);
    }
    (form!.elements.namedItem('pmin') as HTMLInputElement).value =
      view.pmin === null ? '' : String(view.pmin);
    (form!.elements.namedItem('pmax') as HTMLInputElement).value =
      view.pmax === null ? '' : String(view.pmax);
    for (const box of inputs('cols')) box.checked = view.cols.includes(box.value);
  }

  function readForm(): void {
    const num = (name: string) => {
      const v = (form!.elements.namedItem(name) as HTMLInputElement).value.trim();
      const n = Number(v);
      return v === '' || !Number.isFinite(n) || n < 0 ? null : n;
    };
    const checked = (name: string) =>
      inputs(name)
        .filter((b) => b.checked)
        .map((b) => b.value);
    view = {
      ...view,
      q: (form!.elements.namedItem('q') as HTMLInputElement).value.trim(),
      family: checked('family'),
      license: checked('license'),
      device: checked('device'),
      status: checked('status'),
      pmin: num('pmin'),
      pmax: num('pmax'),
      cols: COLUMNS.map((c) => c.id).filter((id) => id === 'name' || checked('cols').includes(id)),
    };
  }

  function render(): void {
    shown = applyView(rows, view);
    const visible = new Set(shown.map((r) => r.key));
    for (const [key, tr] of trByKey) tr.hidden = !visible.has(key);
    tbody.append(...shown.map((r) => trByKey.get(r.key)!));
    const colVisible = COLUMNS.map((c) => view.cols.includes(c.id));
    headers.forEach((th, i) => {
      th.hidden = !colVisible[i];
      const col = COLUMNS[i]!;
      if (col.id === view.sort) th.setAttribute('aria-sort', view.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
    for (const tr of [...tbody.rows, ...awaitingTr.values()]) {
      const cells = tr.cells;
      for (let i = 0; i < cells.length; i++) cells[i]!.hidden = !colVisible[i];
    }
    const waitingShown = waiting.filter((r) => matchesAwaiting(r, view));
    const waitingKeys = new Set(waitingShown.map((r) => r.key));
    for (const [key, tr] of awaitingTr) tr.hidden = !waitingKeys.has(key);
    const head = awaitingBody?.querySelector<HTMLTableRowElement>('tr.group-head');
    if (head) head.hidden = waitingShown.length === 0;
    for (const el of chartKeys) el.classList.toggle('dimmed', !visible.has(el.dataset['key'] ?? ''));
    const sortLabel = COLUMN_BY_ID.get(view.sort)?.label ?? view.sort;
    const unranked =
      waiting.length > 0 ? `, and ${waitingShown.length} of ${waiting.length} not ranked yet` : '';
    status!.textContent = `Showing ${shown.length} of ${rows.length} models${unranked}, sorted by ${sortLabel} (${view.dir === 'asc' ? 'ascending' : 'descending'}).`;
    const query = serializeView(view);
    if (query !== location.search)
      history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
  }

  headers.forEach((th, i) => {
    th.querySelector('button')?.addEventListener('click', () => {
      const id = COLUMNS[i]!.id;
      view = {
        ...view,
        dir: view.sort === id ? (view.dir === 'asc' ? 'desc' : 'asc') : defaultDir(id),
        sort: id,
      };
      render();
    });
  });

  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('input', () => {
    readForm();
    render();
  });
  form.querySelector('[data-action="reset"]')?.addEventListener('click', () => {
    view = defaultView();
    syncForm();
    render();
  });

  const visibleColumns = () => COLUMNS.filter((c) => view.cols.includes(c.id));
  const stamp = () => `${dataset}-leaderboard`;
  form.querySelectorAll<HTMLButtonElement>('[data-download]').forEach((b) => {
    b.addEventListener('click', () => {
      const kind = b.dataset['download'];
      if (kind === 'csv') download(`${stamp()}.csv`, 'text/csv', toCsv(shown, visibleColumns()));
      if (kind === 'json')
        download(
          `${stamp()}.json`,
          'application/json',
          toJson(shown, visibleColumns(), {
            dataset,
            view: serializeView(view) || '?',
            source: location.href,
          }),
        );
      if (kind === 'tex')
        download(
          `${stamp()}.tex`,
          'application/x-tex',
          toLatex(shown, visibleColumns(), `Object detection on ${datasetName} (Podium)`),
        );
    });
  });

  syncForm();
  render();
}
