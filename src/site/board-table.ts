import { type AwaitingRow, STATUS_LABELS } from './awaiting.ts';
import type { BoardRow } from './board.ts';
import { COLUMNS, type Column, cellHtml } from './columns.ts';
import { DASH, gflops, params } from './format.ts';
import { type Html, html, raw } from './html.ts';

/**
 * The leaderboard table as markup, sorted by rank: what readers without JavaScript get. Cells
 * are in COLUMNS order (the script maps cell index to column); the model name is the row header.
 */
function cellClass(c: Column): string {
  return `col-${c.id}${c.numeric ? ' num' : ''}`;
}

export function boardTableHead(sortedBy = 'AP'): Html {
  return html`<tr>${COLUMNS.map(
    (c) =>
      html`<th scope="col" class="${cellClass(c)}" data-col="${c.id}"${c.id === sortedBy ? html` aria-sort="descending"` : ''}${
        c.visible ? '' : html` hidden`
      }><button type="button" class="sort" title="${c.description}">${c.label}</button></th>`,
  )}</tr>`;
}

export function boardTableBody(rows: readonly BoardRow[]): Html {
  return html`${rows.map(
    (r) =>
      html`<tr data-key="${r.key}">${COLUMNS.map((c) => {
        const tag = c.id === 'name' ? 'th' : 'td';
        return html`${raw(`<${tag}`)}${c.id === 'name' ? html` scope="row"` : ''} class="${cellClass(c)}"${
          c.visible ? '' : html` hidden`
        }>${cellHtml(c, r)}${raw(`</${tag}>`)}`;
      })}</tr>`,
  )}`;
}

/**
 * The unranked rows under the ranked ones, in the same columns: no rank and no measurement (a
 * dash), the status beside the name, and the authors' number in the AP and Reported columns,
 * labelled "reported" (never a measured number). A header row names the group, so the table reads without colour.
 */
export function awaitingTableBody(rows: readonly AwaitingRow[]): Html {
  const cell = (c: Column, r: AwaitingRow): Html => {
    switch (c.id) {
      case 'rank':
        return html`<span title="Not ranked: no result on this dataset yet">${DASH}</span>`;
      case 'name':
        return html`${r.href ? html`<a href="${r.href}">${r.name}</a>` : r.name} <span class="badge status-${r.status}">${STATUS_LABELS[r.status].toLowerCase()}</span>`;
      case 'family':
        return html`${r.family}`;
      case 'license':
        return html`${r.license}`;
      case 'params':
        return html`${params(r.params)}`;
      case 'gflops':
        return html`${gflops(r.gflops)}`;
      case 'AP':
      case 'reported':
        return r.reported === null
          ? html`${DASH}`
          : html`<span class="reported-only" title="${`Published by the authors${r.source ? `: ${r.source}` : ''}; not measured here yet`}">${r.reported.toFixed(1)} <small>reported</small></span>`;
      default:
        return html`${DASH}`;
    }
  };
  return html`<tr class="group-head"><th scope="rowgroup" colspan="${COLUMNS.length}">Not ranked yet: ${rows.length} model${rows.length === 1 ? '' : 's'} awaiting a benchmark or an export, with the AP their authors report</th></tr>${rows.map(
    (r) =>
      html`<tr data-key="${r.key}" data-status="${r.status}" class="awaiting">${COLUMNS.map((c) => {
        const tag = c.id === 'name' ? 'th' : 'td';
        return html`${raw(`<${tag}`)}${c.id === 'name' ? html` scope="row"` : ''} class="${cellClass(c)}"${
          c.visible ? '' : html` hidden`
        }>${cell(c, r)}${raw(`</${tag}>`)}`;
      })}</tr>`,
  )}`;
}
