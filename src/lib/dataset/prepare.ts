import type { LoadedDataset } from '../manifest/load.ts';
import type { PreparedGroundTruth } from '../schema/coco.ts';
import { UserError } from '../util/errors.ts';
import { categoryAgreementProblems } from './coco-json.ts';
import { readGroundTruth } from './ground-truth.ts';
import { type ImageStore, type ImageStoreOptions, openImageStore } from './images.ts';

/** What the runner needs from a dataset manifest. */
export interface PreparedDataset {
  readonly dataset: LoadedDataset;
  /** COCO ground truth: hand it to the evaluator's gtFromJson. */
  readonly gt: PreparedGroundTruth;
  /** See GroundTruth.annotationsSha256 (ground-truth.ts). */
  readonly annotationsSha256: string;
  readonly images: ImageStore;
  /** Non-fatal findings worth printing (e.g. YOLO boxes without area that were skipped). */
  readonly warnings: readonly string[];
}

/** Reads (or converts) the ground truth and opens the images, downloading what is remote. */
export async function prepareDataset(
  dataset: LoadedDataset,
  options: ImageStoreOptions = {},
): Promise<PreparedDataset> {
  const images = await openImageStore(dataset, options);
  const { gt, annotationsSha256, warnings } = await readGroundTruth(dataset, { ...options, images });
  if (dataset.manifest.format !== 'yolo') {
    // A YOLO set's categories come from the manifest itself; a COCO file's must agree with it.
    const problems = categoryAgreementProblems(dataset.manifest.categories, gt.categories);
    if (problems.length > 0) {
      throw new UserError(`categories disagree with the annotations:\n  - ${problems.join('\n  - ')}`, {
        file: dataset.path,
      });
    }
  }
  return { dataset, gt, annotationsSha256, images, warnings };
}
