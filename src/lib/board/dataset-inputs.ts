/**
 * The dataset half of a cache key, and the ground truth merge-shards checks against, without
 * opening the images: planning a re-benchmark must not download a dataset's image archive just to
 * learn that nothing changed.
 *
 * For a COCO dataset this reads the annotations exactly as `prepareDataset` does (resolveSource,
 * so the sha256 is the same one the runner records). A YOLO dataset's ground truth only exists
 * once converted, so it goes through `prepareDataset` itself.
 */
import { readFile } from 'node:fs/promises';
import { type CocoGtJson, checkCocoShape } from '../dataset/coco-json.ts';
import { prepareDataset } from '../dataset/prepare.ts';
import { parseJsonText } from '../eval/load.ts';
import { resolveSource } from '../fetch/resolve-source.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import { MAX_ANNOTATIONS_BYTES } from '../policy/limits.ts';
import { UserError } from '../util/errors.ts';

export interface DatasetInputs {
  /** Same value as PreparedDataset.annotationsSha256. */
  readonly annotationsSha256: string;
  readonly gt: CocoGtJson;
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
  const { manifest, path } = dataset;
  const label = `${path}: annotations`;
  if (manifest.format === 'yolo') {
    const prepared = await prepareDataset(dataset, options);
    return {
      annotationsSha256: prepared.annotationsSha256,
      gt: prepared.gt,
      images: prepared.gt.images.map((im) => im.file_name),
      label,
    };
  }
  if (!manifest.annotations) throw new UserError('annotations: required when format is coco', { file: path });
  const file = await resolveSource(manifest.annotations, {
    manifestDir: dataset.dir,
    repoRoot: dataset.repoRoot,
    label,
    maxBytes: MAX_ANNOTATIONS_BYTES,
    cacheDir: options.cacheDir,
    progress: options.progress,
  });
  const value = parseJsonText(await readFile(file.path, 'utf8'), label);
  checkCocoShape(value, label);
  return {
    annotationsSha256: file.sha256,
    gt: value,
    images: value.images.map((im) => im.file_name),
    label,
  };
}
