import { access, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toUserError } from '../schema/format-error.ts';
import { isUserError, UserError } from '../util/errors.ts';
import { displayPath } from '../util/paths.ts';
import { type LoadedDataset, type LoadedModel, type LoadOptions, loadManifest } from './load.ts';
import { duplicateIdProblems, MANIFEST_KINDS } from './policy.ts';

/**
 * Every manifest in the repository: `models/<id>/model.yaml` and `datasets/<id>/dataset.yaml`.
 * A folder there without its manifest (say a `model.yml`) is reported rather than skipped,
 * since a silently ignored model is a contributor wondering why their PR shows nothing.
 */
export async function discoverManifests(
  repoRoot: string,
): Promise<{ files: string[]; problems: UserError[] }> {
  const root = resolve(repoRoot);
  const files: string[] = [];
  const problems: UserError[] = [];
  for (const { folder, file } of Object.values(MANIFEST_KINDS)) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(root, folder), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(root, folder, entry.name, file);
      try {
        await access(path);
        files.push(path);
      } catch {
        problems.push(new UserError(`missing ${file} in this folder`, { file: `${folder}/${entry.name}` }));
      }
    }
  }
  return { files, problems };
}

export interface LoadAllResult {
  readonly models: LoadedModel[];
  readonly datasets: LoadedDataset[];
  /** One entry per file that failed, each listing all of that file's problems. */
  readonly errors: UserError[];
}

/**
 * Loads the given manifests (or every manifest in the repository), collecting all errors rather
 * than stopping at the first, then checks ids are unique per kind.
 */
export async function loadAllManifests(
  files: readonly string[] | undefined,
  options: LoadOptions = {},
): Promise<LoadAllResult> {
  const repoRoot = resolve(options.repoRoot ?? '.');
  const discovered = files
    ? { files: files.map((f) => resolve(f)), problems: [] }
    : await discoverManifests(repoRoot);
  const errors: UserError[] = [...discovered.problems];
  const models: LoadedModel[] = [];
  const datasets: LoadedDataset[] = [];
  for (const file of [...new Set(discovered.files)]) {
    try {
      const loaded = await loadManifest(file, { ...options, repoRoot });
      if (loaded.kind === 'model') models.push(loaded);
      else datasets.push(loaded);
    } catch (err) {
      if (!isUserError(err)) throw err;
      errors.push(err);
    }
  }
  for (const list of [models, datasets] as const) {
    const keyed = list.map((l: LoadedModel | LoadedDataset) => ({
      id: l.manifest.id,
      file: l.path,
      loaded: l,
    }));
    for (const { item, problem } of duplicateIdProblems(keyed)) {
      errors.push(toUserError(item.file, [problem]));
      const at = (list as (LoadedModel | LoadedDataset)[]).indexOf(item.loaded);
      if (at >= 0) list.splice(at, 1);
    }
  }
  return { models, datasets, errors };
}

/** Display path of a file for messages, relative to the repository root. */
export function shownPath(repoRoot: string, file: string): string {
  return displayPath(resolve(repoRoot), resolve(file));
}

/** Nearest folder at or above `start` holding package.json or .git; `start` itself when none does. */
export async function findRepoRoot(start: string): Promise<string> {
  let dir = resolve(start);
  for (;;) {
    for (const marker of ['package.json', '.git']) {
      try {
        await access(join(dir, marker));
        return dir;
      } catch {
        // not here; keep walking up
      }
    }
    const parent = resolve(dir, '..');
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}
