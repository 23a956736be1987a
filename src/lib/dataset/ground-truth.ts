import { readFile } from 'node:fs/promises';
import { parseJsonText, sha256OfJson } from '../eval/load.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import type { PreparedGroundTruth } from '../schema/coco.ts';
import { UserError } from '../util/errors.ts';
import { resolveAnnotations } from './annotations.ts';
import { checkCocoShape } from './coco-json.ts';
import { type ImageStore, type ImageStoreOptions, openImageStore } from './images.ts';
import { yoloToCoco } from './yolo.ts';

/** A dataset's COCO ground truth and the sha256 that stands for it in cache keys and results. */
export interface GroundTruth {
  readonly gt: PreparedGroundTruth;
  /**
   * sha256 of the annotations: of the file for COCO; for YOLO, of the converted COCO JSON
   * (JSON.stringify, as eval's sha256OfJson), which changes whenever a label or image size does.
   */
  readonly annotationsSha256: string;
  /** Non-fatal findings worth printing (e.g. YOLO boxes without area that were skipped). */
  readonly warnings: readonly string[];
  /** Names the annotations in messages ("datasets/x/dataset.yaml: annotations"). */
  readonly label: string;
}

/**
 * Reads (COCO) or converts (YOLO) a dataset's ground truth: the one place a dataset is hashed, so
 * `podium plan` (which never opens the images of a COCO set) and `podium run` agree on its key.
 * A YOLO set's labels live beside its images, so their store is opened (or the caller's used).
 */
export async function readGroundTruth(
  dataset: LoadedDataset,
  options: ImageStoreOptions & { readonly images?: ImageStore } = {},
): Promise<GroundTruth> {
  const { manifest, path } = dataset;
  const label = `${path}: annotations`;
  if (manifest.format === 'yolo') {
    const images = options.images ?? (await openImageStore(dataset, options));
    if (!manifest.yolo || images.root === undefined) {
      throw new UserError('a yolo dataset needs yolo.dataYaml and an images folder or archive', {
        file: path,
      });
    }
    const { gt, warnings } = await yoloToCoco({
      root: images.root,
      dataYaml: manifest.yolo.dataYaml,
      split: manifest.yolo.split,
      categories: manifest.categories,
      label: path,
    });
    return { gt, annotationsSha256: sha256OfJson(gt), warnings, label };
  }
  if (!manifest.annotations) throw new UserError('annotations: required when format is coco', { file: path });
  const file = await resolveAnnotations(dataset, manifest.annotations, options);
  const value = parseJsonText(await readFile(file.path, 'utf8'), label);
  checkCocoShape(value, label);
  return { gt: value, annotationsSha256: file.sha256, warnings: [], label };
}
