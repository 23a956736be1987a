import { readFile } from 'node:fs/promises';
import { parseJsonText, sha256OfJson } from '../eval/load.ts';
import { resolveSource } from '../fetch/resolve-source.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import { MAX_ANNOTATIONS_BYTES } from '../policy/limits.ts';
import { UserError } from '../util/errors.ts';
import { type CocoGtJson, categoryAgreementProblems, checkCocoShape } from './coco-json.ts';
import { type ImageStore, type ImageStoreOptions, openImageStore } from './images.ts';
import { yoloToCoco } from './yolo.ts';

/** What the runner needs from a dataset manifest. */
export interface PreparedDataset {
  readonly dataset: LoadedDataset;
  /** COCO ground truth: hand it to the evaluator's gtFromJson. */
  readonly gt: CocoGtJson;
  /**
   * sha256 of the annotations: of the file for COCO; for YOLO, of the converted COCO JSON
   * (JSON.stringify, as eval's sha256OfJson), which changes whenever a label or image size does.
   */
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
  const { manifest, path: label } = dataset;
  const images = await openImageStore(dataset, options);
  if (manifest.format === 'yolo') {
    if (!manifest.yolo || images.root === undefined) {
      throw new UserError('a yolo dataset needs yolo.dataYaml and an images folder or archive', {
        file: label,
      });
    }
    const { gt, warnings } = await yoloToCoco({
      root: images.root,
      dataYaml: manifest.yolo.dataYaml,
      split: manifest.yolo.split,
      categories: manifest.categories,
      label,
    });
    return { dataset, gt, annotationsSha256: sha256OfJson(gt), images, warnings };
  }

  if (!manifest.annotations)
    throw new UserError('annotations: required when format is coco', { file: label });
  const file = await resolveSource(manifest.annotations, {
    manifestDir: dataset.dir,
    repoRoot: dataset.repoRoot,
    label: `${label}: annotations`,
    maxBytes: MAX_ANNOTATIONS_BYTES,
    cacheDir: options.cacheDir,
    progress: options.progress,
    network: options.network,
  });
  const shown = `${label}: annotations`;
  const value = parseJsonText(await readFile(file.path, 'utf8'), shown);
  checkCocoShape(value, shown);
  const problems = categoryAgreementProblems(manifest.categories, value.categories);
  if (problems.length > 0) {
    throw new UserError(`categories disagree with the annotations:\n  - ${problems.join('\n  - ')}`, {
      file: label,
    });
  }
  return { dataset, gt: value, annotationsSha256: file.sha256, images, warnings: [] };
}
