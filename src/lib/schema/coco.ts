import { z } from 'zod';

/**
 * COCO instances ground truth and COCO results, as Podium accepts them.
 *
 * These schemas document the format (and export to JSON Schema for editors); the evaluator's
 * loader (src/lib/eval/load.ts) applies the same rules by hand, because on a 500k-detection
 * results file zod costs more than JSON.parse itself. A test keeps the two in agreement.
 */

const finite = z.number().refine(Number.isFinite, { error: 'expected a finite number' });
const id = z.number().int().describe('Integer id');

/** [x, y, width, height] in image pixels, top-left origin; width and height may be 0, never negative. */
export const CocoBbox = z
  .tuple([finite, finite, finite.pipe(z.number().min(0)), finite.pipe(z.number().min(0))])
  .describe('[x, y, width, height] in pixels from the top-left corner; width and height >= 0');

export const CocoImage = z.looseObject({
  id,
  width: finite.optional().describe('Image width in pixels'),
  height: finite.optional().describe('Image height in pixels'),
  file_name: z.string().optional(),
});

export const CocoCategory = z.looseObject({
  id,
  name: z.string().optional().describe('Class name; the id is shown when absent'),
  supercategory: z.string().optional(),
});

export const CocoAnnotation = z.looseObject({
  id: id.describe('Unique annotation id'),
  image_id: id.describe('Must be the id of an entry of images'),
  category_id: id.describe('Must be the id of an entry of categories'),
  bbox: CocoBbox,
  area: finite
    .pipe(z.number().min(0))
    .optional()
    .describe('Object area (segment area in COCO); decides the size range. Defaults to width*height'),
  iscrowd: z
    .union([z.literal(0), z.literal(1), z.boolean()])
    .optional()
    .describe('1 for crowd regions (default 0)'),
});

/** A COCO instances file (ground truth). Ids must be unique within images, categories and annotations. */
export const CocoGroundTruth = z
  .looseObject({
    images: z.array(CocoImage),
    annotations: z.array(CocoAnnotation),
    categories: z.array(CocoCategory),
  })
  .describe('COCO instances ground truth');

export const CocoResult = z.looseObject({
  image_id: id.describe('Must be the id of an image of the ground truth'),
  category_id: id.describe('Must be the id of a category of the ground truth'),
  bbox: CocoBbox,
  score: finite.describe('Confidence; higher is more confident'),
});

/** A COCO results file: the list of detections a model produced. */
export const CocoResults = z.array(CocoResult).describe('COCO results list');

/**
 * The ground truth as a dataset hands it to the runner and the evaluator, once read or converted
 * (src/lib/dataset): every image named and sized, every annotation with its area and crowd flag,
 * every category named. The evaluator's loader checks the values (gtFromJson); these give the types.
 */
export const PreparedImage = z.object({ id, file_name: z.string(), width: finite, height: finite });
export const PreparedAnnotation = z.object({
  id,
  image_id: id,
  category_id: id,
  bbox: CocoBbox,
  area: finite,
  iscrowd: z.union([z.literal(0), z.literal(1)]),
});
export const PreparedCategory = z.object({ id, name: z.string(), supercategory: z.string().optional() });
export const PreparedGroundTruth = z.object({
  images: z.array(PreparedImage),
  annotations: z.array(PreparedAnnotation),
  categories: z.array(PreparedCategory),
});

export type CocoGroundTruth = z.infer<typeof CocoGroundTruth>;
export type PreparedImage = z.infer<typeof PreparedImage>;
export type PreparedAnnotation = z.infer<typeof PreparedAnnotation>;
export type PreparedCategory = z.infer<typeof PreparedCategory>;
export type PreparedGroundTruth = z.infer<typeof PreparedGroundTruth>;
export type CocoResult = z.infer<typeof CocoResult>;
