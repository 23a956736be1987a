import type { AwaitingRow, RowStatus } from './awaiting.ts';
import type { BoardRow } from './board.ts';
import { COLUMN_BY_ID, COLUMNS } from './columns.ts';

/**
 * A view of the board (sort, filters, search, visible columns) and its query string, so any view
 * can be linked. Pure: the browser script and the tests share it.
 */
export interface BoardView {
  sort: string;
  dir: 'asc' | 'desc';
  q: string;
  family: string[];
  license: string[];
  device: string[];
  /** Row status: measured, awaiting-benchmark, awaiting-export (empty: all). */
  status: string[];
  /** Parameter range in millions; null is open-ended. */
  pmin: number | null;
  pmax: number | null;
  /** Visible column ids, in COLUMNS order. */
  cols: string[];
}

export const DEFAULT_COLS: readonly string[] = COLUMNS.filter((c) => c.visible).map((c) => c.id);

export function defaultView(): BoardView {
  return {
    sort: 'AP',
    dir: 'desc',
    q: '',
    family: [],
    license: [],
    device: [],
    status: [],
    pmin: null,
    pmax: null,
    cols: [...DEFAULT_COLS],
  };
}

const list = (v: string | null) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

const num = (v: string | null) => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
};

/** Reads a view from a query string; unknown or malformed values fall back to the defaults. */
export function parseView(search: string | URLSearchParams): BoardView {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const view = defaultView();
  const sort = p.get('sort');
  if (sort && COLUMN_BY_ID.has(sort)) {
    view.sort = sort;
    view.dir = defaultDir(sort);
  }
  const dir = p.get('dir');
  if (dir === 'asc' || dir === 'desc') view.dir = dir;
  view.q = (p.get('q') ?? '').slice(0, 100);
  view.family = list(p.get('family'));
  view.license = list(p.get('license'));
  view.device = list(p.get('device'));
  view.status = list(p.get('status'));
  view.pmin = num(p.get('pmin'));
  view.pmax = num(p.get('pmax'));
  const cols = list(p.get('cols')).filter((c) => COLUMN_BY_ID.has(c));
  if (cols.length) view.cols = COLUMNS.map((c) => c.id).filter((id) => cols.includes(id));
  return view;
}

/** The query string for a view, leaving out defaults so plain links stay plain. */
export function serializeView(view: BoardView): string {
  const p = new URLSearchParams();
  const d = defaultView();
  if (view.sort !== d.sort || view.dir !== d.dir) {
    p.set('sort', view.sort);
    if (view.dir !== defaultDir(view.sort)) p.set('dir', view.dir);
  }
  if (view.q) p.set('q', view.q);
  if (view.family.length) p.set('family', view.family.join(','));
  if (view.license.length) p.set('license', view.license.join(','));
  if (view.device.length) p.set('device', view.device.join(','));
  if (view.status.length) p.set('status', view.status.join(','));
  if (view.pmin !== null) p.set('pmin', String(view.pmin));
  if (view.pmax !== null) p.set('pmax', String(view.pmax));
  if (view.cols.join(',') !== DEFAULT_COLS.join(',')) p.set('cols', view.cols.join(','));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** First-click direction: best first for metrics, A→Z for text. */
export function defaultDir(columnId: string): 'asc' | 'desc' {
  const col = COLUMN_BY_ID.get(columnId);
  return col?.better === 'higher' ? 'desc' : 'asc';
}

/** Filters that apply to every row, ranked or awaiting: search, family, licence, parameters, status. */
function matchesCommon(
  row: { key: string; name: string; family: string; license: string; params: number | null },
  status: RowStatus,
  view: BoardView,
): boolean {
  if (view.status.length && !view.status.includes(status)) return false;
  if (view.q) {
    const q = view.q.toLowerCase();
    if (!row.name.toLowerCase().includes(q) && !row.key.includes(q)) return false;
  }
  if (view.family.length && !view.family.includes(row.family)) return false;
  if (view.license.length && !view.license.includes(row.license)) return false;
  if (view.pmin !== null && (row.params === null || row.params < view.pmin * 1e6)) return false;
  if (view.pmax !== null && (row.params === null || row.params > view.pmax * 1e6)) return false;
  return true;
}

/**
 * An unranked row: the common filters, and none when a device is asked for (it has no
 * measurement on any device).
 */
export function matchesAwaiting(row: AwaitingRow, view: BoardView): boolean {
  return view.device.length === 0 && matchesCommon(row, row.status, view);
}

export function matches(row: BoardRow, view: BoardView): boolean {
  if (view.device.length && !view.device.includes(row.device)) return false;
  return matchesCommon(row, 'measured', view);
}

/** Filtered rows in the view's order; missing values sort last in either direction; ties keep rank order. */
export function applyView(rows: readonly BoardRow[], view: BoardView): BoardRow[] {
  const col = COLUMN_BY_ID.get(view.sort) ?? COLUMN_BY_ID.get('AP')!;
  const sign = view.dir === 'asc' ? 1 : -1;
  return rows
    .filter((r) => matches(r, view))
    .map((r) => ({ r, v: col.value(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) {
        return a.v === b.v ? a.r.rank - b.r.rank : a.v === null ? 1 : -1;
      }
      const c =
        typeof a.v === 'number' && typeof b.v === 'number'
          ? a.v - b.v
          : String(a.v).localeCompare(String(b.v));
      return c * sign || a.r.rank - b.r.rank;
    })
    .map((x) => x.r);
}
