/**
 * The one place that knows where pycocotools parity cases live: the copy in the repository
 * (tests/fixtures/coco-parity/<case>/{gt,dt}.json.gz + expected.json + provenance.txt), plus any
 * case found in $PODIUM_PARITY_DIR (CI points it at the shared coco-parity folder, so new shared
 * cases run without being copied). A shared case with a repository case's name and the same
 * content is the same case; with other content it runs too, as `shared:<name>`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const REPO_PARITY_DIR = join(import.meta.dirname, '../fixtures/coco-parity');

export type ParityFile = 'gt.json' | 'dt.json' | 'expected.json';
const FILES: readonly ParityFile[] = ['gt.json', 'dt.json', 'expected.json'];

export interface ParityCase {
  /** The folder name, or `shared:<name>` for a shared case that differs from the repository's. */
  readonly name: string;
  readonly dir: string;
  readonly source: 'repo' | 'shared';
}

/** A case file's text, from `<file>` or its gzip `<file>.gz`. */
function readIn(dir: string, file: ParityFile): string {
  const plain = join(dir, file);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  return gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
}

function caseFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() &&
        FILES.every((f) => existsSync(join(root, d.name, f)) || existsSync(join(root, d.name, `${f}.gz`))),
    )
    .map((d) => d.name)
    .sort();
}

function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of FILES) h.update(readIn(dir, f)).update('\0');
  return h.digest('hex');
}

/** The cases of `repoDir`, then those of `extraDir` that it does not already hold (same name, same bytes). */
export function collectParityCases(repoDir: string, extraDir?: string): ParityCase[] {
  const cases: ParityCase[] = caseFolders(repoDir).map((name) => ({
    name,
    dir: join(repoDir, name),
    source: 'repo',
  }));
  if (extraDir) {
    const root = resolve(extraDir);
    const repoNames = new Set(cases.map((c) => c.name));
    for (const name of caseFolders(root)) {
      const dir = join(root, name);
      if (!repoNames.has(name)) cases.push({ name, dir, source: 'shared' });
      else if (digest(dir) !== digest(join(repoDir, name)))
        cases.push({ name: `shared:${name}`, dir, source: 'shared' });
    }
  }
  return cases;
}

let cached: ParityCase[] | undefined;

/** Every parity case: the repository's and $PODIUM_PARITY_DIR's. Never empty. */
export function parityCaseList(): ParityCase[] {
  if (cached) return cached;
  const cases = collectParityCases(REPO_PARITY_DIR, process.env['PODIUM_PARITY_DIR']);
  if (cases.length === 0) throw new Error(`no parity cases found in ${REPO_PARITY_DIR}`);
  cached = cases;
  return cases;
}

export function parityCase(name: string): ParityCase {
  const found = parityCaseList().find((c) => c.name === name);
  if (!found) throw new Error(`no parity case named "${name}"`);
  return found;
}

export function readParityText(name: string, file: ParityFile): string {
  return readIn(parityCase(name).dir, file);
}

export function readParityJson(name: string, file: ParityFile): unknown {
  return JSON.parse(readParityText(name, file));
}

/** Writes a case's three files, uncompressed, into `dir` (for tests that hand paths to the CLI). */
export function writeParityCase(name: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) writeFileSync(join(dir, f), readParityText(name, f));
  return dir;
}
