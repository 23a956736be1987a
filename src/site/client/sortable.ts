/**
 * Click-to-sort for plain tables marked `.sortable`: buttons in the header cells, aria-sort on the
 * active one. Cells may carry `data-v` (a number) when their text is formatted.
 */
function key(cell: Element | undefined): number | string {
  if (!cell) return '';
  const v = (cell as HTMLElement).dataset['v'];
  if (v !== undefined && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return (cell.textContent ?? '').trim().toLowerCase();
}

/** Wires every `table.sortable` under `root` (the compare page calls it after rendering). */
export function enableSorting(root: ParentNode = document): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table.sortable')) {
    wire(table);
  }
}

function wire(table: HTMLTableElement): void {
  const head = table.tHead?.rows[0];
  const body = table.tBodies[0];
  if (!head || !body || table.dataset['sortable'] === 'on') return;
  table.dataset['sortable'] = 'on';
  [...head.cells].forEach((th, col) => {
    const button = th.querySelector('button');
    button?.addEventListener('click', () => {
      const current = th.getAttribute('aria-sort');
      const rows = [...body.rows];
      const numeric = rows.some((r) => typeof key(r.cells[col]) === 'number');
      // Numbers start high-to-low (best first), text A to Z.
      const asc = current ? current === 'descending' : !numeric;
      rows.sort((a, b) => {
        const x = key(a.cells[col]);
        const y = key(b.cells[col]);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      body.append(...rows);
      for (const other of head.cells) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    });
  });
}

enableSorting();
