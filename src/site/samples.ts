import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { MAX_SAMPLE_BYTES } from '../lib/policy/limits.ts';
import { resolveRealInside } from '../lib/util/paths.ts';

/**
 * Which sample images can be published with the site. Only images in a dataset's own folder in
 * the repository are copied (never hot-linked); the file name comes from a results file, so it
 * must resolve inside that folder, through symlinks, and be an ordinary image of sane size.
 */
export const SAMPLE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/**
 * Absolute path of a publishable sample image, or null. `file` may be relative to the images
 * folder (the COCO file_name) or to the repository root (what the runner writes today); either
 * way it must land inside the dataset's images folder.
 */
export async function sampleImagePath(
  root: string,
  dataset: string,
  imagesPath: string | null,
  file: string,
): Promise<string | null> {
  if (imagesPath === null) return null;
  if (!SAMPLE_EXTENSIONS.has(extname(file).toLowerCase())) return null;
  const datasetDir = join(root, 'datasets', dataset);
  let imagesDir: string | undefined;
  try {
    imagesDir = await resolveRealInside(datasetDir, datasetDir, imagesPath);
  } catch {
    return null;
  }
  if (!imagesDir) return null;
  for (const base of [imagesDir, root]) {
    try {
      const abs = await resolveRealInside(imagesDir, base, file);
      if (!abs) continue;
      const s = await stat(abs);
      if (s.isFile() && s.size <= MAX_SAMPLE_BYTES) return abs;
    } catch {
      // Not under this base; try the next. A missing image is drawn as boxes only.
    }
  }
  return null;
}
