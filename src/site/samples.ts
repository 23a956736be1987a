import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { resolveRealInside } from '../lib/manifest/paths.ts';

/**
 * Which sample images can be published with the site. Only images in a dataset's own folder in
 * the repository are copied (never hot-linked); the file name comes from a results file, so it
 * must resolve inside that folder, through symlinks, and be an ordinary image of sane size.
 */
export const SAMPLE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);
export const MAX_SAMPLE_BYTES = 20 * 1024 * 1024;

/** Absolute path of a publishable sample image, or null. */
export async function sampleImagePath(
  root: string,
  dataset: string,
  imagesPath: string | null,
  file: string,
): Promise<string | null> {
  if (imagesPath === null) return null;
  if (!SAMPLE_EXTENSIONS.has(extname(file).toLowerCase())) return null;
  const datasetDir = join(root, 'datasets', dataset);
  try {
    const imagesDir = await resolveRealInside(datasetDir, datasetDir, imagesPath);
    if (!imagesDir) return null;
    const abs = await resolveRealInside(imagesDir, imagesDir, file);
    if (!abs) return null;
    const s = await stat(abs);
    return s.isFile() && s.size <= MAX_SAMPLE_BYTES ? abs : null;
  } catch {
    // Missing image: the sample is drawn without its picture.
    return null;
  }
}
