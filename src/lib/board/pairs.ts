/**
 * Which model × dataset pairs the board has, and the cache key of each: the one service that
 * `podium run` (one pair or --all) and `podium plan` share, so they cannot drift apart. If run and
 * plan assembled keys differently, every stored result would look stale.
 */

import type { LoadedDataset, LoadedModel } from '../manifest/load.ts';
import { buildClassMap } from '../runner/class-map.ts';
import type { PreparedGroundTruth } from '../schema/coco.ts';
import { isUserError, UserError } from '../util/errors.ts';
import { computeCacheKey, type InferenceParams } from './cache-key.ts';

export interface Selection {
  /** Only this model; a hidden model is selected only when named. */
  readonly model?: string | undefined;
  /** Only this dataset. */
  readonly dataset?: string | undefined;
}

export interface Selected {
  readonly models: LoadedModel[];
  readonly datasets: LoadedDataset[];
  /** Hidden models left out because no --model named them. */
  readonly hidden: LoadedModel[];
}

/** The models and datasets a command covers; an id that names nothing is an error. */
export function selectManifests(
  all: { readonly models: readonly LoadedModel[]; readonly datasets: readonly LoadedDataset[] },
  selection: Selection,
): Selected {
  const models = byId(all.models, selection.model, 'model');
  const datasets = byId(all.datasets, selection.dataset, 'dataset');
  const named = selection.model !== undefined;
  return {
    models: models.filter((m) => named || !m.manifest.hidden),
    datasets,
    hidden: models.filter((m) => !named && m.manifest.hidden),
  };
}

function byId<T extends LoadedModel | LoadedDataset>(
  all: readonly T[],
  id: string | undefined,
  kind: 'model' | 'dataset',
): T[] {
  if (id === undefined) return [...all];
  const found = all.filter((x) => x.manifest.id === id);
  if (found.length === 0) {
    const folder = kind === 'model' ? 'models' : 'datasets';
    throw new UserError(`--${kind}: no ${kind} "${id}" (expected ${folder}/${id}/${kind}.yaml)`);
  }
  return found;
}

/**
 * Why the model is not a pair with a dataset of these categories (its classes name none there,
 * as a COCO model on the shapes set), or undefined when it is.
 */
export function pairProblem(
  model: LoadedModel,
  categories: PreparedGroundTruth['categories'],
  label?: string,
): string | undefined {
  try {
    buildClassMap(model.manifest.classes, categories, label === undefined ? {} : { file: label });
    return undefined;
  } catch (err) {
    if (!isUserError(err)) throw err;
    return err.message;
  }
}

/** The cache key of a pair: the weights, the dataset's ground truth, the manifest, the settings. */
export function pairCacheKey(parts: {
  readonly model: LoadedModel;
  readonly weightsSha256: string;
  readonly ground: { readonly annotationsSha256: string; readonly gt: PreparedGroundTruth };
  readonly inference: InferenceParams;
}): string {
  return computeCacheKey({
    weightsSha256: parts.weightsSha256,
    annotationsSha256: parts.ground.annotationsSha256,
    images: parts.ground.gt.images.map((im) => im.file_name),
    model: parts.model.manifest,
    inference: parts.inference,
  });
}
