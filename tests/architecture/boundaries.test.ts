import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkImports,
  describe as explain,
  partOf,
  ROOT,
  readImports,
  repositorySources,
} from './imports.ts';
import { EXCEPTIONS, PARTS, type PartName } from './parts.ts';

describe('the import map (tests/architecture/parts.ts)', () => {
  const sources = repositorySources(ROOT);
  const result = checkImports(sources);

  it('scans the repository', () => {
    // A scan that found nothing would pass every check below.
    expect(sources.length).toBeGreaterThan(200);
    expect(sources.some((s) => s.path.endsWith('.astro'))).toBe(true);
    const arrows = sources.flatMap((s) => readImports(s.path, s.text)).filter((i) => i.target !== null);
    expect(arrows.length).toBeGreaterThan(500);
  });

  it('puts every file in src/, scripts/, bench/, tests/ and bin/ in a part', () => {
    expect(result.unmapped).toEqual([]);
    expect(result.unmappedTargets.map((s) => `${s.file}:${s.line} ${s.specifier}`)).toEqual([]);
  });

  it('has no import against the allowed directions', () => {
    expect(result.violations.map(explain)).toEqual([]);
  });

  it('keeps no exception that no import needs any more', () => {
    expect(
      result.staleExceptions.map((e) => `remove ${e.from} → ${e.to} from EXCEPTIONS: no such import`),
    ).toEqual([]);
  });

  it('is a map without cycles between parts', () => {
    const seen = new Map<PartName, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (p: PartName, path: PartName[]): void => {
      if (seen.get(p) === 'done') return;
      if (seen.get(p) === 'open') {
        cycles.push([...path.slice(path.indexOf(p)), p].join(' → '));
        return;
      }
      seen.set(p, 'open');
      for (const q of PARTS[p].mayImport) visit(q, [...path, p]);
      seen.set(p, 'done');
    };
    for (const p of Object.keys(PARTS) as PartName[]) visit(p, []);
    expect(cycles).toEqual([]);
  });

  it('declares every size limit in src/lib/policy/limits.ts', () => {
    const elsewhere = sources.flatMap((s) =>
      s.path === 'src/lib/policy/limits.ts'
        ? []
        : s.text
            .split('\n')
            .flatMap((l, i) => (/\bconst MAX_\w*_BYTES\s*=/.test(l) ? [`${s.path}:${i + 1}`] : [])),
    );
    expect(elsewhere).toEqual([]);
    expect(readFileSync(join(ROOT, 'src/lib/policy/limits.ts'), 'utf8')).toMatch(
      /export const MAX_WEIGHTS_BYTES/,
    );
  });

  it('gives every source file over 400 lines a one-line reason at its top', () => {
    const long = sources
      .filter((s) => s.text.split('\n').length > 401)
      .filter((s) => !/^(\/\/|\/\*) Over 400 lines: /.test(s.text))
      .map((s) => s.path);
    expect(long).toEqual([]);
  });

  it('is the map docs/architecture.md describes', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const [name, part] of Object.entries(PARTS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `docs/architecture.md has no row for ${name}`).toBeDefined();
      for (const p of part.paths) expect(row, `${name}'s row names ${p}`).toContain(p);
      const allowed = part.mayImport.length ? [...part.mayImport].sort().join(', ') : '—';
      expect(row, `${name}'s row lists what it may import`).toContain(`| ${allowed} |`);
    }
  });
});

describe('the import checker', () => {
  it('finds static, re-exported, type-only and dynamic imports, with their lines, and skips comments', () => {
    const text = [
      "import { a } from '../runner/nms.ts';",
      '// import { b } from "../runner/boxes.ts";',
      "export { c } from '../eval/evaluate.ts';",
      "import type { D } from '../../site/format.ts';",
      'const e = await import("../../cli/main.ts");',
      "import { z } from 'zod';",
      "import '../util/side-effect.ts';",
    ].join('\n');
    const found = readImports('src/lib/schema/x.ts', text).map((i) => `${i.line} ${i.target}`);
    expect(found).toEqual([
      '1 src/lib/runner/nms.ts',
      '3 src/lib/eval/evaluate.ts',
      '4 src/site/format.ts',
      '5 src/cli/main.ts',
      '6 null',
      '7 src/lib/util/side-effect.ts',
    ]);
  });

  it('reads the frontmatter and <script> tags of an .astro file, not its markup', () => {
    const text = [
      '---',
      "import Layout from '../layouts/Layout.astro';",
      '---',
      "<p>Don't import from '../lib/runner/nms.ts' in prose</p>",
      '<script>',
      "  import { run } from '../lib/orchestrate/run-pair.ts';",
      '</script>',
    ].join('\n');
    expect(readImports('src/pages/x.astro', text).map((i) => `${i.line} ${i.target}`)).toEqual([
      '2 src/layouts/Layout.astro',
      '6 src/lib/orchestrate/run-pair.ts',
    ]);
  });

  it('fails on a forbidden arrow added to a real file, naming file and line', () => {
    const sources = repositorySources(ROOT);
    const target = sources.find((s) => s.path === 'src/lib/eval/summarize.ts');
    expect(target).toBeDefined();
    const poisoned = sources.map((s) =>
      s === target ? { ...s, text: `${s.text}\nexport { runPair } from '../orchestrate/run-pair.ts';\n` } : s,
    );
    const lines = target!.text.split('\n').length + 1;
    const { violations } = checkImports(poisoned);
    expect(violations.map(explain)).toEqual([
      `src/lib/eval/summarize.ts:${lines} imports ../orchestrate/run-pair.ts (eval → orchestrate); eval may import: schema, util`,
    ]);
  });

  it('fails when production code imports test support, or a schema imports the runner', () => {
    const { violations } = checkImports(
      [
        {
          path: 'src/site/x.ts',
          text: "import { boardMetrics } from '../../tests/support/site-fixtures.ts';",
        },
        { path: 'src/lib/schema/y.ts', text: "\n\nimport { x } from '../runner/decoders/yolov8.ts';" },
        // Allowed: a test next to its module may use test support.
        { path: 'src/site/x.test.ts', text: "import { info } from '../../tests/support/site-fixtures.ts';" },
      ],
      PARTS,
      [],
    );
    expect(violations.map((v) => `${v.file}:${v.line} ${v.from} → ${v.to}`)).toEqual([
      'src/site/x.ts:1 site → testing',
      'src/lib/schema/y.ts:3 schema → runner',
    ]);
  });

  it('reports files outside every part and exceptions no import needs', () => {
    const r = checkImports([{ path: 'src/lib/newpart/x.ts', text: '' }], PARTS, EXCEPTIONS);
    expect(r.unmapped).toEqual(['src/lib/newpart/x.ts']);
    expect(r.staleExceptions).toEqual(EXCEPTIONS);
  });

  it('assigns *.test.ts to tests and otherwise the longest prefix', () => {
    expect(partOf('src/lib/policy/limits.ts')).toBe('limits');
    expect(partOf('src/lib/policy/pr-check.ts')).toBe('policy');
    expect(partOf('src/lib/policy/pr-check.test.ts')).toBe('tests');
    expect(partOf('tests/support/fake-board.ts')).toBe('testing');
    expect(partOf('tests/e2e/browser.ts')).toBe('tests');
  });
});
