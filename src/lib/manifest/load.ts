import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_MANIFEST_BYTES, MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { Slug } from '../schema/common.ts';
import { DatasetManifest } from '../schema/dataset-manifest.ts';
import { type FieldProblem, parseFriendly, toUserError } from '../schema/format-error.ts';
import { ModelManifest } from '../schema/model-manifest.ts';
import { UserError } from '../util/errors.ts';
import { sha256Bytes } from '../util/hash.ts';
import { displayPath, isInside } from '../util/paths.ts';
import { localFileProblems } from './files.ts';
import {
  containmentProblems,
  datasetLocalReferences,
  type LocalReference,
  locationProblems,
  MANIFEST_KINDS,
  type ManifestKind,
  modelLocalReferences,
  yoloProblems,
} from './policy.ts';
import { parseSafeYaml } from './read-yaml.ts';

/** A validated manifest with where it came from. */
export interface LoadedManifest<K extends ManifestKind, T> {
  readonly kind: K;
  readonly manifest: T;
  /** Absolute path of the YAML file. */
  readonly file: string;
  /** Repository-relative path with forward slashes (for messages and provenance). */
  readonly path: string;
  /** Absolute folder of the manifest; local paths in it resolve against this. */
  readonly dir: string;
  readonly repoRoot: string;
  /** sha256 of the manifest file's bytes, recorded in results for provenance. */
  readonly sha256: string;
}
export type LoadedModel = LoadedManifest<'model', ModelManifest>;
export type LoadedDataset = LoadedManifest<'dataset', DatasetManifest>;

export interface LoadOptions {
  /** Repository root; local paths must stay inside it. Default: the current directory. */
  readonly repoRoot?: string;
  /** Also check local files: present, inside the repository through symlinks, size, sha256. */
  readonly checkFiles?: boolean;
}

/** Loads and validates models/<id>/model.yaml. Throws UserError listing every problem. */
export function loadModelManifest(file: string, options: LoadOptions = {}): Promise<LoadedModel> {
  return loadKind('model', file, options);
}

/** Loads and validates datasets/<id>/dataset.yaml. Throws UserError listing every problem. */
export function loadDatasetManifest(file: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  return loadKind('dataset', file, options);
}

/** Loads either kind, told apart by file name (model.yaml / dataset.yaml). */
export async function loadManifest(
  file: string,
  options: LoadOptions = {},
): Promise<LoadedModel | LoadedDataset> {
  const kind = kindOfFile(file);
  if (!kind) {
    throw new UserError(`not a manifest: expected a file named model.yaml or dataset.yaml`, {
      file: displayPath(resolve(options.repoRoot ?? '.'), resolve(file)),
    });
  }
  return kind === 'model' ? loadModelManifest(file, options) : loadDatasetManifest(file, options);
}

export function kindOfFile(file: string): ManifestKind | undefined {
  const name = basename(file);
  return name === MANIFEST_KINDS.model.file
    ? 'model'
    : name === MANIFEST_KINDS.dataset.file
      ? 'dataset'
      : undefined;
}

/** Loads `models/<id>/model.yaml` by id; the id is checked first so it cannot walk the file system. */
export async function findModel(id: string, options: LoadOptions = {}): Promise<LoadedModel> {
  return loadModelManifest(manifestPathForId('model', id, options.repoRoot), options);
}

/** Loads `datasets/<id>/dataset.yaml` by id. */
export async function findDataset(id: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  return loadDatasetManifest(manifestPathForId('dataset', id, options.repoRoot), options);
}

function manifestPathForId(kind: ManifestKind, id: string, repoRoot = '.'): string {
  if (!Slug.safeParse(id).success)
    throw new UserError(`"${id}" is not a valid ${kind} id (a lowercase slug)`);
  const { folder, file } = MANIFEST_KINDS[kind];
  return join(resolve(repoRoot), folder, id, file);
}

async function loadKind<K extends ManifestKind>(
  kind: K,
  file: string,
  options: LoadOptions,
): Promise<K extends 'model' ? LoadedModel : LoadedDataset>;
async function loadKind(
  kind: ManifestKind,
  file: string,
  options: LoadOptions,
): Promise<LoadedModel | LoadedDataset> {
  const repoRoot = resolve(options.repoRoot ?? '.');
  const abs = resolve(file);
  const shown = displayPath(repoRoot, abs);
  if (!isInside(repoRoot, abs))
    throw new UserError('the manifest is outside the repository', { file: shown });

  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file not found' : `cannot read the file (${code})`, {
      file: shown,
    });
  }
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new UserError(`the manifest is larger than ${MAX_MANIFEST_BYTES / 1024} KiB`, { file: shown });
  }
  const data = parseSafeYaml(bytes.toString('utf8'), shown);
  const loc = { repoRoot, file: abs };
  const common = { file: abs, path: shown, dir: dirname(abs), repoRoot, sha256: sha256Bytes(bytes) };

  // The folder rule is checked on the raw id too, so it is reported alongside any schema errors.
  const rawId = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
  const early =
    typeof rawId === 'string' && Slug.safeParse(rawId).success ? locationProblems(kind, rawId, loc) : [];

  let refs: LocalReference[];
  const problems: FieldProblem[] = [...early];
  let loaded: LoadedModel | LoadedDataset;
  if (kind === 'model') {
    const result = parseFriendly(ModelManifest, data);
    if (!result.success) throw toUserError(shown, result.error, early);
    refs = modelLocalReferences(result.data, MAX_WEIGHTS_BYTES);
    loaded = { kind, manifest: result.data, ...common };
  } else {
    const result = parseFriendly(DatasetManifest, data);
    if (!result.success) throw toUserError(shown, result.error, early);
    refs = datasetLocalReferences(result.data);
    problems.push(...yoloProblems(result.data));
    loaded = { kind, manifest: result.data, ...common };
  }
  const outside = containmentProblems(refs, loc);
  problems.push(...outside);
  if (options.checkFiles) {
    const escaped = new Set(outside.map((p) => p.path.join('.')));
    const checked = refs.filter((r) => !escaped.has(r.field.join('.')));
    problems.push(
      ...(loaded.manifest.generatedBy === undefined
        ? await localFileProblems(checked, loc)
        : await localFileProblems(checked, loc, { absentIsFine: true })),
    );
  }
  if (problems.length > 0) throw toUserError(shown, problems);
  return loaded;
}
