/**
 * COCO instances JSON for the demo dataset: types, file names, categories and a stable text form.
 * Kept free of heavy imports (no sharp) so that checking an existing dataset stays fast.
 */
import type { PreparedAnnotation, PreparedCategory, PreparedImage } from '../schema/coco.ts';
import { SHAPE_CLASSES } from './shape-classes.ts';

/** Images in the demo dataset unless a count is given. */
export const DEFAULT_IMAGE_COUNT = 300;

/**
 * The dataset file: the ground truth plus COCO's info and licences blocks. The demo writes the
 * same shapes the runner reads (schema/coco.ts); its boxes are the visible extent and its areas
 * the visible pixel count.
 */
export interface CocoDataset {
  info: Record<string, string>;
  licenses: { id: number; name: string; url: string }[];
  images: PreparedImage[];
  annotations: PreparedAnnotation[];
  categories: (PreparedCategory & { supercategory: string })[];
}

export function imageFileName(imageId: number): string {
  return `${String(imageId).padStart(6, '0')}.jpg`;
}

export function shapesCategories(): (PreparedCategory & { supercategory: string })[] {
  return SHAPE_CLASSES.map((c) => ({ id: c.id, name: c.name, supercategory: 'shape' }));
}

/**
 * COCO JSON with one image or annotation per line: compact, yet diffs in git show which entries
 * changed. Key order is fixed by construction, so the text is deterministic.
 */
export function formatCocoJson(ds: CocoDataset): string {
  const list = (items: readonly unknown[]) =>
    items.length === 0 ? '[]' : `[\n    ${items.map((x) => JSON.stringify(x)).join(',\n    ')}\n  ]`;
  return [
    '{',
    `  "info": ${JSON.stringify(ds.info)},`,
    `  "licenses": ${JSON.stringify(ds.licenses)},`,
    `  "categories": ${list(ds.categories)},`,
    `  "images": ${list(ds.images)},`,
    `  "annotations": ${list(ds.annotations)}`,
    '}',
    '',
  ].join('\n');
}
