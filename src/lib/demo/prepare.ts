/**
 * Makes the demo runnable from a fresh clone: generates whatever is missing of the shapes dataset
 * (images, annotations) and the demo models (.onnx), checks everything against the sha256 digests
 * pinned in the committed manifests, and writes the manifests themselves where they are absent (a
 * fresh temporary root in tests). With everything present it only reads and hashes small files.
 *
 * Layout under `root`:
 *   datasets/shapes/dataset.yaml, annotations.json, images/000001.jpg ...
 *   models/<id>/model.yaml, README.md, model.onnx     for each id in DEMO_MODELS
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDatasetManifest, loadModelManifest } from '../manifest/load.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { UserError } from '../util/errors.ts';
import { exists } from '../util/fs.ts';
import { sha256Bytes } from '../util/hash.ts';
import { type CocoDataset, DEFAULT_IMAGE_COUNT } from './coco.ts';
import {
  ANNOTATIONS_FILE,
  DATASET_ID,
  datasetManifestYaml,
  IMAGES_DIR,
  modelManifestYaml,
  WEIGHTS_FILE,
} from './manifests.ts';
import { DEMO_MODELS, type DemoModel } from './models/catalog.ts';

export interface PrepareDemoOptions {
  /** Repository root, or any folder to build a self-contained demo in (tests). */
  root: string;
  /** Number of images (default 300). Must match the pinned annotations where a manifest exists. */
  images?: number;
  /**
   * Rewrite the manifests (pins included) from what the generator produces now, instead of
   * refusing a mismatch. For maintainers who changed the generator on purpose.
   */
  update?: boolean;
  log?: (line: string) => void;
}

export interface PrepareDemoResult {
  dataset: { manifest: string; annotations: string; imagesDir: string; images: number };
  models: { id: string; manifest: string; weights: string }[];
  /** What this call had to write (all zero when everything was already in place). */
  written: { images: number; annotations: boolean; models: number; manifests: number };
}

export async function prepareDemo(options: PrepareDemoOptions): Promise<PrepareDemoResult> {
  const log = options.log ?? (() => {});
  const written = { images: 0, annotations: false, models: 0, manifests: 0 };
  const dataset = await prepareDataset(options, log, written);
  const models = [];
  for (const model of DEMO_MODELS) models.push(await prepareModel(model, options, log, written));
  return { dataset, models, written };
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function prepareDataset(
  options: PrepareDemoOptions,
  log: (line: string) => void,
  written: PrepareDemoResult['written'],
): Promise<PrepareDemoResult['dataset']> {
  const dir = join(options.root, 'datasets', DATASET_ID);
  const manifestFile = join(dir, 'dataset.yaml');
  const annotationsFile = join(dir, ANNOTATIONS_FILE);
  const imagesDir = join(dir, IMAGES_DIR);
  const shown = `datasets/${DATASET_ID}/dataset.yaml`;

  const hasManifest = await exists(manifestFile);
  let pinned: string | undefined;
  if (hasManifest) {
    const loaded = await loadDatasetManifest(manifestFile, { repoRoot: options.root });
    const ann = loaded.manifest.annotations;
    if (!ann || !('path' in ann) || ann.path !== ANNOTATIONS_FILE || !ann.sha256) {
      throw new UserError(`annotations: the demo expects {path: ${ANNOTATIONS_FILE}, sha256: <pin>}`, {
        file: shown,
      });
    }
    pinned = ann.sha256;
  }

  // Fast path: annotations match the pin and every image is on disk.
  const existing = await readIfExists(annotationsFile);
  if (existing && pinned && sha256Bytes(existing) === pinned && !options.update) {
    const coco = JSON.parse(existing.toString('utf8')) as CocoDataset;
    const count = coco.images.length;
    if (options.images !== undefined && options.images !== count) {
      throw new UserError(
        `annotations.sha256 pins ${count} images but ${options.images} were asked for; use another root for a smaller demo`,
        { file: shown },
      );
    }
    const onDisk = new Set(await readdir(imagesDir).catch(() => [] as string[]));
    const missing = new Set(coco.images.filter((im) => !onDisk.has(im.file_name)).map((im) => im.id));
    if (missing.size > 0) {
      log(`${DATASET_ID}: generating ${missing.size} missing of ${count} images`);
      await generate(count, imagesDir, (id) => missing.has(id), pinned, shown);
      written.images += missing.size;
    }
    return { manifest: manifestFile, annotations: annotationsFile, imagesDir, images: count };
  }

  const count = options.images ?? DEFAULT_IMAGE_COUNT;
  log(`${DATASET_ID}: generating ${count} images and annotations`);
  const t0 = performance.now();
  const text = await generate(count, imagesDir, () => true, options.update ? undefined : pinned, shown);
  await writeFileAtomic(annotationsFile, text);
  written.images += count;
  written.annotations = true;
  log(`${DATASET_ID}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!hasManifest || options.update) {
    await writeFileAtomic(manifestFile, datasetManifestYaml(sha256Bytes(text), count));
    written.manifests++;
  }
  return { manifest: manifestFile, annotations: annotationsFile, imagesDir, images: count };
}

/** Renders the dataset (writing the selected images) and returns the annotations' text. */
async function generate(
  count: number,
  imagesDir: string,
  writeImage: (id: number) => boolean,
  pinned: string | undefined,
  shown: string,
): Promise<string> {
  // Loaded lazily: sharp is only needed when something has to be generated.
  const { generateShapes } = await import('./dataset.ts');
  const { formatCocoJson } = await import('./coco.ts');
  const text = formatCocoJson(await generateShapes({ count, imagesDir, writeImage }));
  const sha = sha256Bytes(text);
  if (pinned && sha !== pinned) {
    throw new UserError(
      `annotations.sha256: the generator now produces ${count} images whose annotations hash to ${sha}, ` +
        `not the pinned ${pinned}. If the generator was changed on purpose, run ` +
        '`npm run demo:generate -- --update` and commit the new pins; with --images, use a separate root.',
      { file: shown },
    );
  }
  return text;
}

async function prepareModel(
  model: DemoModel,
  options: PrepareDemoOptions,
  log: (line: string) => void,
  written: PrepareDemoResult['written'],
): Promise<PrepareDemoResult['models'][number]> {
  const dir = join(options.root, 'models', model.id);
  const manifestFile = join(dir, 'model.yaml');
  const weightsFile = join(dir, WEIGHTS_FILE);
  const shown = `models/${model.id}/model.yaml`;
  const result = { id: model.id, manifest: manifestFile, weights: weightsFile };

  const hasManifest = await exists(manifestFile);
  let pinned: string | undefined;
  if (hasManifest) {
    const loaded = await loadModelManifest(manifestFile, { repoRoot: options.root });
    const w = loaded.manifest.weights;
    if (!w || !('path' in w) || w.path !== WEIGHTS_FILE || !w.sha256) {
      throw new UserError(`weights: the demo expects {path: ${WEIGHTS_FILE}, sha256: <pin>}`, {
        file: shown,
      });
    }
    pinned = w.sha256;
  }
  const existing = await readIfExists(weightsFile);
  if (existing && pinned && sha256Bytes(existing) === pinned && !options.update) return result;

  const { buildColourDetector } = await import('./models/colour-detector.ts');
  const built = buildColourDetector(model.spec);
  const sha = sha256Bytes(built.bytes);
  if (pinned && sha !== pinned && !options.update) {
    throw new UserError(
      `weights.sha256: the demo model builder now produces ${sha}, not the pinned ${pinned}. If the ` +
        'builder was changed on purpose, run `npm run demo:generate -- --update` and commit the new pins.',
      { file: shown },
    );
  }
  await writeFileAtomic(weightsFile, built.bytes);
  written.models++;
  log(`${model.id}: built ${WEIGHTS_FILE} (${(built.bytes.length / 1024).toFixed(0)} KiB)`);
  if (!hasManifest || options.update) {
    await writeFileAtomic(
      manifestFile,
      modelManifestYaml(model, { sha256: sha, flops: built.flops, params: built.params }),
    );
    written.manifests++;
  }
  const readme = join(dir, 'README.md');
  if (options.update || !(await exists(readme))) await writeFileAtomic(readme, model.readme);
  return result;
}
