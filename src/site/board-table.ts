import type { BoardRow } from './board.ts';
import { COLUMNS, type Column, cellHtml } from './columns.ts';
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
