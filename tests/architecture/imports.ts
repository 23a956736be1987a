import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';
import { EXCEPTIONS, PARTS, type Part, type PartName } from './parts.ts';

/** One import of one of our files: where it is written and the repository path it names. */
export interface ImportSite {
  file: string;
  line: number;
  specifier: string;
  /** Repository-relative path of the imported file; null for a package (not ours). */
  target: string | null;
}

export interface Violation extends ImportSite {
  from: PartName;
  to: PartName;
}

/** The folders whose files are parts of the map (and must each belong to one). */
export const SCANNED = ['src', 'scripts', 'bench', 'tests', 'bin'] as const;
const SOURCE = /\.(ts|mts|mjs|astro)$/;

/**
 * Astro components hold code in the frontmatter fence and in <script> tags; everything else is
 * markup. Blank the markup (keeping line breaks) so line numbers stay true and quotes in prose
 * cannot confuse the scanner.
 */
function codeOf(file: string, text: string): string {
  if (!file.endsWith('.astro')) return text;
  const keep: [number, number][] = [];
  const fence = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (fence) keep.push([fence.index + 3, fence.index + 3 + fence[1]!.length + 1]);
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = m.index + m[0].indexOf('>') + 1;
    keep.push([start, start + m[1]!.length]);
  }
  let out = '';
  let at = 0;
  for (const [a, b] of keep.sort((x, y) => x[0] - y[0])) {
    out += text.slice(at, a).replace(/[^\n]/g, ' ') + text.slice(a, b);
    at = b;
  }
  return out + text.slice(at).replace(/[^\n]/g, ' ');
}

/** Every static import, `export … from` and `import()` with a literal specifier, comments ignored. */
export function readImports(file: string, text: string): ImportSite[] {
  const code = codeOf(file, text);
  const { importedFiles } = ts.preProcessFile(code, true, true);
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') starts.push(i + 1);
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return importedFiles.map((f) => ({
    file,
    line: lineOf(f.pos),
    specifier: f.fileName,
    target: f.fileName.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), f.fileName)) : null,
  }));
}

/** The part a repository path belongs to (longest prefix; `*.test.ts` is always `tests`). */
export function partOf(path: string, parts: Record<PartName, Part> = PARTS): PartName | null {
  if (/\.test\.ts$/.test(path)) return 'tests';
  let best: PartName | null = null;
  let len = -1;
  for (const [name, part] of Object.entries(parts) as [PartName, Part][]) {
    for (const p of part.paths) {
      const hit = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (hit && p.length > len) {
        best = name;
        len = p.length;
      }
    }
  }
  return best;
}

export interface CheckResult {
  violations: Violation[];
  /** Files in a scanned folder that no part claims (the map must cover every folder). */
  unmapped: string[];
  /** Import sites whose target is ours but outside every part. */
  unmappedTargets: ImportSite[];
  /** EXCEPTIONS entries that match no import any more. */
  staleExceptions: typeof EXCEPTIONS;
}

export function checkImports(
  files: readonly { path: string; text: string }[],
  parts: Record<PartName, Part> = PARTS,
  exceptions: typeof EXCEPTIONS = EXCEPTIONS,
): CheckResult {
  const result: CheckResult = { violations: [], unmapped: [], unmappedTargets: [], staleExceptions: [] };
  const used = new Set<(typeof exceptions)[number]>();
  for (const { path, text } of files) {
    const from = partOf(path, parts);
    if (!from) {
      result.unmapped.push(path);
      continue;
    }
    for (const site of readImports(path, text)) {
      if (site.target === null) continue;
      const to = partOf(site.target, parts);
      if (!to) {
        result.unmappedTargets.push(site);
        continue;
      }
      if (to === from || parts[from].mayImport.includes(to)) continue;
      const excused = exceptions.find((e) => e.from === path && e.to === site.target);
      if (excused) {
        used.add(excused);
        continue;
      }
      result.violations.push({ ...site, from, to });
    }
  }
  result.staleExceptions = exceptions.filter((e) => !used.has(e));
  return result;
}

/** The repository's source files under SCANNED (plus root config modules), with their text. */
export function repositorySources(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (SOURCE.test(e.name)) out.push({ path: relative(root, abs).split('\\').join('/'), text: '' });
    }
  };
  for (const d of SCANNED) walk(join(root, d));
  out.push({ path: 'astro.config.mjs', text: '' });
  for (const f of out) f.text = readFileSync(join(root, f.path), 'utf8');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function describe(v: Violation): string {
  return `${v.file}:${v.line} imports ${v.specifier} (${v.from} → ${v.to}); ${v.from} may import: ${PARTS[v.from].mayImport.join(', ') || 'nothing of ours'}`;
}

export const ROOT = join(dirname(new URL(import.meta.url).pathname), '../..');
