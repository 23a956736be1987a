import { basename, dirname, posix } from 'node:path';
import type { DataSource, Source } from '../schema/common.ts';
import type { DatasetManifest } from '../schema/dataset-manifest.ts';
import type { FieldProblem } from '../schema/format-error.ts';
import type { ModelManifest } from '../schema/model-manifest.ts';
import { displayPath, resolveInside } from '../util/paths.ts';

/**
 * Rules a schema cannot express because they depend on where the manifest sits: its id must
 * name its folder, and every local path must stay inside the repository. Pure: no file access
 * (see files.ts for the checks that read the disk).
 */

/** Which kind of manifest, and the file name and folder it must live in. */
export const MANIFEST_KINDS = {
  model: { folder: 'models', file: 'model.yaml' },
  dataset: { folder: 'datasets', file: 'dataset.yaml' },
} as const;
export type ManifestKind = keyof typeof MANIFEST_KINDS;

/** Where a manifest lives: absolute paths. */
export interface ManifestLocation {
  readonly repoRoot: string;
  readonly file: string;
}

/** A local path a manifest refers to, with the field it came from. */
export interface LocalReference {
  readonly field: readonly (string | number)[];
  readonly path: string;
  /** A folder (images) rather than a file. */
  readonly directory: boolean;
  readonly sha256?: string | undefined;
  readonly maxBytes?: number | undefined;
}

export function locationProblems(kind: ManifestKind, id: string, loc: ManifestLocation): FieldProblem[] {
  const { folder, file } = MANIFEST_KINDS[kind];
  const expected = `${folder}/${id}/${file}`;
  const actual = displayPath(loc.repoRoot, loc.file);
  const problems: FieldProblem[] = [];
  if (basename(dirname(loc.file)) !== id) {
    problems.push({
      path: ['id'],
      message: `"${id}" must equal the folder name "${basename(dirname(loc.file))}" (expected ${expected})`,
    });
  } else if (actual !== expected) {
    problems.push({ path: [], message: `a ${kind} manifest must live at ${expected}, not ${actual}` });
  }
  return problems;
}

function sourceReference(
  field: readonly (string | number)[],
  source: Source | DataSource,
  maxBytes?: number,
): LocalReference[] {
  return 'path' in source
    ? [{ field, path: source.path, directory: false, sha256: source.sha256, maxBytes }]
    : [];
}

/** Local paths of a model manifest (the weights, when they sit in the repository). */
export function modelLocalReferences(m: ModelManifest, maxWeightsBytes: number): LocalReference[] {
  return m.weights ? sourceReference(['weights', 'path'], m.weights, maxWeightsBytes) : [];
}

/** Local paths of a dataset manifest: annotations, images folder or archive. */
export function datasetLocalReferences(m: DatasetManifest): LocalReference[] {
  const refs: LocalReference[] = [];
  if (m.annotations) {
    if ('archive' in m.annotations)
      refs.push(...sourceReference(['annotations', 'archive', 'path'], m.annotations.archive));
    else refs.push(...sourceReference(['annotations', 'path'], m.annotations));
  }
  for (const [i, part] of (m.licenses ?? []).entries())
    if (part.file !== undefined)
      refs.push({ field: ['licenses', i, 'file'], path: part.file, directory: false });
  if ('path' in m.images) refs.push({ field: ['images', 'path'], path: m.images.path, directory: true });
  if ('archive' in m.images) refs.push(...sourceReference(['images', 'archive', 'path'], m.images.archive));
  return refs;
}

/** Every local reference must resolve inside the repository. */
export function containmentProblems(refs: readonly LocalReference[], loc: ManifestLocation): FieldProblem[] {
  return refs
    .filter((ref) => resolveInside(loc.repoRoot, dirname(loc.file), ref.path) === undefined)
    .map((ref) => ({ path: ref.field, message: `"${ref.path}" points outside the repository` }));
}

/** data.yaml is looked up below the images root, never above it. */
export function yoloProblems(m: DatasetManifest): FieldProblem[] {
  if (!m.yolo) return [];
  const normal = posix.normalize(m.yolo.dataYaml);
  return normal === '..' || normal.startsWith('../')
    ? [{ path: ['yolo', 'dataYaml'], message: `"${m.yolo.dataYaml}" points outside the images root` }]
    : [];
}

/** Ids must be unique across all manifests of a kind. */
export function duplicateIdProblems<T extends { readonly id: string; readonly file: string }>(
  items: readonly T[],
): { item: T; problem: FieldProblem }[] {
  const first = new Map<string, T>();
  const out: { item: T; problem: FieldProblem }[] = [];
  for (const item of items) {
    const prior = first.get(item.id);
    if (prior)
      out.push({
        item,
        problem: { path: ['id'], message: `duplicate id "${item.id}" (also ${prior.file})` },
      });
    else first.set(item.id, item);
  }
  return out;
}
