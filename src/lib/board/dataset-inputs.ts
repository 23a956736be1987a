/**
 * The dataset half of a cache key, and the ground truth merge-shards checks against, without
 * opening the images of a COCO dataset: planning a re-benchmark must not download an image archive
 * just to learn that nothing changed. The ground truth and its sha256 come from readGroundTruth,
 * as `podium run`'s do, so both compute the same key.
 */

import { readGroundTruth } from '../dataset/ground-truth.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import type { PreparedGroundTruth } from '../schema/coco.ts';

export interface DatasetInputs {
  /** Same value as PreparedDataset.annotationsSha256. */
  readonly annotationsSha256: string;
  readonly gt: PreparedGroundTruth;
  /** Every image's file_name, in annotation order. */
  readonly images: readonly string[];
  /** Label of the annotations for messages ("datasets/x/dataset.yaml: annotations"). */
  readonly label: string;
}

export interface DatasetInputsOptions {
  readonly cacheDir?: string | undefined;
  readonly progress?: boolean | undefined;
}

export async function readDatasetInputs(
  dataset: LoadedDataset,
  options: DatasetInputsOptions = {},
): Promise<DatasetInputs> {
  const { gt, annotationsSha256, label } = await readGroundTruth(dataset, options);
  return { annotationsSha256, gt, images: gt.images.map((im) => im.file_name), label };
}
