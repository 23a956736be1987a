import { describe, expect, it } from 'vitest';
import { info, summaryWith } from '../../tests/support/site-fixtures.ts';
import { buildBoard } from './board.ts';
import { COLUMN_BY_ID, COLUMNS } from './columns.ts';
import { latexEscape, toCsv, toJson, toLatex } from './export.ts';

const models = new Map([
  ['evil', info('evil', { name: '=HYPERLINK("http://x","click"), "quoted"' })],
  ['ok', info('ok', { name: 'Det_v2 & co 100%' })],
]);
const rows = buildBoard(
  [summaryWith('evil', { AP: 0.41, reported: 43 }), summaryWith('ok', { AP: 0.45 })],
  models,
  (m) => `/m/${m}/`,
);
const cols = ['rank', 'name', 'AP', 'latency', 'reported'].map((id) => COLUMN_BY_ID.get(id)!);

describe('exports', () => {
  it('writes CSV with a header, quoting, and formulas defused', () => {
    const csv = toCsv(rows, cols);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('#,Model,AP,ms/img,Reported');
    expect(lines[1]).toBe('1,Det_v2 & co 100%,45,10,');
    expect(lines[2]).toBe(`2,"'=HYPERLINK(""http://x"",""click""), ""quoted""",41,10,43`);
    expect(lines).toHaveLength(3);
  });

  it('writes JSON rows keyed by column id, in percent', () => {
    const parsed = JSON.parse(toJson(rows, cols, { dataset: 'd' }));
    expect(parsed.dataset).toBe('d');
    expect(parsed.columns.map((c: { id: string }) => c.id)).toEqual([
      'rank',
      'name',
      'AP',
      'latency',
      'reported',
    ]);
    expect(parsed.rows[0]).toEqual({
      rank: 1,
      name: 'Det_v2 & co 100%',
      AP: 45,
      latency: 10,
      reported: null,
    });
  });

  it('writes a booktabs LaTeX table with escaped names and the best value bold', () => {
    const tex = toLatex(rows, cols, 'Results on D_1');
    expect(tex).toContain('\\caption{Results on D\\_1}');
    expect(tex).toContain('Det\\_v2 \\& co 100\\%');
    expect(tex).toContain('\\textbf{45.0}');
    expect(tex).not.toContain('\\textbf{41.0}');
    expect(tex).toContain('\\begin{tabular}{rlrrr}');
    expect(tex.match(/\\\\$/gm)).toHaveLength(3);
  });

  it('escapes every LaTeX special character', () => {
    expect(latexEscape('a\\b{c}$d&e#f^g_h%i~j')).toBe(
      'a\\textbackslash{}b\\{c\\}\\$d\\&e\\#f\\textasciicircum{}g\\_h\\%i\\textasciitilde{}j',
    );
  });

  it('every column exports something for every row', () => {
    for (const c of COLUMNS) for (const r of rows) expect(c.exported(r)).not.toBeUndefined();
  });
});
