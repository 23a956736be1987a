// Over 400 lines: one zod schema, mostly JSDoc and .describe() text per field, which the JSON Schema and editor hints are built from.
import { z } from 'zod';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { Citation, GeneratedBy, HttpsUrl, License, Slug, sourceWithLimit, text } from './common.ts';
import { ExportRecipe } from './export-recipe.ts';
import { FAMILIES, type Family } from './families.ts';

/**
 * The family list lives in families.ts; the runner's decoder registry is typed against it, so
 * the schema accepts a family exactly when a decoder for it exists.
 */
export { FAMILIES, type Family };

const Rgb = z
  .tuple([z.number(), z.number(), z.number()], { error: 'expected 3 numbers, one per channel' })
  .describe('One value per channel, in the order given by `colour`.');

/** A model that accepts a range of input sizes (letterboxed to a multiple of `stride`). */
export const DynamicInput = z
  .strictObject({
    /** Longest side after resizing, in pixels. */
    maxSize: z.int().min(32).max(4096).describe('Longest side after resizing, in pixels.'),
    /** Both sides are padded up to a multiple of this. */
    stride: z.int().min(1).max(256).describe('Both sides are padded up to a multiple of this.'),
  })
  .describe('Dynamic input size: resize the longest side to maxSize, pad each side to a multiple of stride.');

/** Shorter side to `size` (the longer side capped at `maxSize`), as two-stage detectors resize. */
export const ShorterSideInput = z
  .strictObject({
    /** Target length of the shorter side, in pixels. */
    size: z.int().min(16).max(4096).describe('Length the shorter side is resized to, in pixels.'),
    /** Cap on the longer side: when it would exceed this, the image is scaled to fit it instead. */
    maxSize: z
      .int()
      .min(16)
      .max(8192)
      .optional()
      .describe('Cap on the longer side after resizing (optional), in pixels.'),
    /** Each side is padded up to a multiple of this (1: no padding). */
    stride: z
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe('Each side is padded up to a multiple of this (default 1: no padding).'),
  })
  .describe(
    'Shorter side resized to size (aspect kept, sides rounded down as maskrcnn-benchmark does), longer side at most maxSize, padded to a multiple of stride.',
  );

/** An input the runner fills for each image, besides the image tensor itself. */
export const ExtraInput = z
  .strictObject({
    /** The model's name for this input, e.g. orig_target_sizes or image_shape. */
    name: text(200).describe('Name of the model input, e.g. orig_target_sizes or image_shape.'),
    /** What it holds: the original image size, or the size of the image tensor fed to the model. */
    value: z
      .enum(['original-size', 'input-size'])
      .describe(
        'original-size: the image as decoded (after EXIF orientation); input-size: the image tensor.',
      ),
    /** Order of the two numbers. */
    order: z
      .enum(['wh', 'hw'])
      .describe('wh: [width, height] (DETR exports); hw: [height, width] (keras-yolo3).'),
    /** Element type of the tensor. */
    dtype: z.enum(['int64', 'int32', 'float32']).describe('Element type of the tensor.'),
  })
  .describe('An input filled per image: [B, 2] or [2] as the model declares it.');

const SIZE_KEYS = ['size', 'dynamic', 'shorterSide', 'asIs'] as const;

/** How the runner turns an image into the model's input tensor. */
export const ModelInput = z
  .strictObject({
    /** Fixed input size as [height, width] in pixels. Give exactly one of size, dynamic, shorterSide, asIs. */
    size: z
      .tuple([z.int().min(1).max(4096), z.int().min(1).max(4096)], {
        error: 'expected [height, width] in pixels',
      })
      .optional()
      .describe('Fixed input size [height, width] in pixels. Give one of size, dynamic, shorterSide, asIs.'),
    /** Dynamic input size. */
    dynamic: DynamicInput.optional(),
    /** Shorter side to a length (two-stage detectors). */
    shorterSide: ShorterSideInput.optional(),
    /** The image at its own size: the model resizes it itself (TF Object Detection API exports). */
    asIs: z
      .literal(true)
      .optional()
      .describe('Feed the image at its own size (the graph resizes it itself); batch 1.'),
    /** Tensor layout: batched channels-first, batched channels-last, or one unbatched image. */
    layout: z
      .enum(['NCHW', 'NHWC', 'CHW'])
      .default('NCHW')
      .describe('Tensor layout: NCHW (default), NHWC (TensorFlow exports) or CHW (one image, no batch dim).'),
    /** Element type of the input tensor. */
    dtype: z
      .enum(['float32', 'float16', 'uint8'])
      .default('float32')
      .describe('Element type of the input tensor; uint8 feeds the pixel bytes (needs scale: 1).'),
    /** Channel order the model expects. */
    colour: z.enum(['RGB', 'BGR']).default('RGB').describe('Channel order the model expects.'),
    /** Pixel values (0–255) are multiplied by this before `mean` and `std` apply. */
    scale: z
      .number()
      .positive()
      .default(1 / 255)
      .describe('Pixel values (0–255) are multiplied by this first (default 1/255).'),
    /** Subtracted per channel after scaling. */
    mean: Rgb.default([0, 0, 0]).describe('Subtracted per channel after scaling (default 0).'),
    /** Divided per channel after subtracting the mean. */
    std: z
      .tuple([z.number().positive(), z.number().positive(), z.number().positive()], {
        error: 'expected 3 positive numbers, one per channel',
      })
      .default([1, 1, 1])
      .describe('Divides each channel after the mean is subtracted (default 1).'),
    /** letterbox keeps the aspect ratio and pads; stretch resizes both sides independently. */
    resize: z
      .enum(['letterbox', 'stretch'])
      .default('letterbox')
      .describe('letterbox keeps the aspect ratio and pads with padValue; stretch ignores the aspect ratio.'),
    /** Where the resized image sits when padded: centred (Ultralytics) or top-left (YOLOX, two-stage). */
    placement: z
      .enum(['centre', 'top-left'])
      .optional()
      .describe(
        'Where a padded image sits: centre (default; Ultralytics rounding) or top-left (YOLOX, maskrcnn-benchmark; sizes rounded down).',
      ),
    /** Grey level (0–255) used for letterbox padding, before normalisation. */
    padValue: z
      .int()
      .min(0)
      .max(255)
      .default(114)
      .describe('Padding grey level (0–255), before normalisation.'),
    /** Padding written into the normalised tensor instead (e.g. 0 after mean subtraction). */
    padTensorValue: z
      .number()
      .optional()
      .describe(
        'Padding value in the normalised tensor, used instead of padValue (maskrcnn-benchmark pads with 0 after subtracting the mean).',
      ),
    /** Resampling kernel of the resize. */
    kernel: z
      .enum(['linear', 'cubic', 'nearest', 'lanczos3'])
      .optional()
      .describe('Resampling kernel (default linear; keras-yolo3 exports were made with bicubic).'),
    /** The image input's name, when the model has more than one input. */
    name: text(200)
      .optional()
      .describe('Name of the image input (needed only when more than one input is not an extra input).'),
    /** Inputs besides the image that the runner fills for each image. */
    extra: z
      .array(ExtraInput)
      .max(4)
      .optional()
      .describe('Inputs besides the image, filled per image (e.g. orig_target_sizes, image_shape).'),
  })
  .check((ctx) => {
    const v = ctx.value;
    const given = SIZE_KEYS.filter((k) => v[k] !== undefined);
    if (given.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: v,
        message:
          given.length === 0
            ? 'give the input size: size: [height, width], dynamic: {maxSize, stride}, shorterSide: {size, maxSize?, stride?} or asIs: true'
            : `give one input size, not ${given.join(' and ')}`,
      });
    }
    if (v.dtype === 'uint8' && (v.scale !== 1 || v.mean.some((m) => m !== 0) || v.std.some((s) => s !== 1))) {
      ctx.issues.push({
        code: 'custom',
        input: v.dtype,
        path: ['dtype'],
        message: 'a uint8 input holds the pixel bytes themselves: set scale: 1 and leave mean and std unset',
      });
    }
    const names = new Set<string>();
    (v.extra ?? []).forEach((e, i) => {
      if (names.has(e.name) || e.name === v.name) {
        ctx.issues.push({
          code: 'custom',
          input: e.name,
          path: ['extra', i, 'name'],
          message: `input '${e.name}' is named twice`,
        });
      }
      names.add(e.name);
    });
  })
  .describe('Preprocessing: how an image becomes the input tensor, and any other inputs the model takes.');

/** The model's class list: COCO's 80 labels, or names mapped to the dataset's categories by name. */
export const ModelClasses = z
  .union(
    [
      z.literal('coco80').describe("COCO's 80 contiguous labels, in the usual order (person, bicycle, …)."),
      z
        .array(text(100))
        .min(1)
        .max(10_000)
        .check((ctx) => {
          const seen = new Set<string>();
          ctx.value.forEach((name, i) => {
            if (seen.has(name)) {
              ctx.issues.push({
                code: 'custom',
                input: name,
                path: [i],
                message: `duplicate class name "${name}"`,
              });
            }
            seen.add(name);
          });
        })
        .describe("Class names in output order; mapped to the dataset's categories by name."),
    ],
    { error: 'expected "coco80" or a list of class names' },
  )
  .describe('"coco80", or the list of class names in the order the model outputs them.');

/** A score the authors published, shown beside the measured one. */
export const ReportedScore = z
  .strictObject({
    /** COCO AP@[.50:.95] in percent, as papers print it (37.3, not 0.373). */
    AP: z
      .number()
      .min(1, { error: 'AP is in percent (e.g. 37.3), not a fraction' })
      .max(100)
      .optional()
      .describe('Reported AP@[.50:.95] in percent, as papers print it (37.3, not 0.373).'),
    /** AP at IoU 0.5, in percent. */
    AP50: z
      .number()
      .min(1, { error: 'AP50 is in percent (e.g. 53.9), not a fraction' })
      .max(100)
      .optional()
      .describe('Reported AP@0.5 in percent.'),
    /** Which dataset and split the number is on, e.g. "coco-val2017". */
    dataset: text(100).optional().describe('Dataset and split the number is on, e.g. coco-val2017.'),
    /** Where the number comes from: an https URL or a citation. */
    source: Citation.describe('Where the number comes from: an https URL (preferred) or a citation.'),
  })
  .describe('Scores the authors published, shown beside the measured ones.');

/** Inference thresholds the authors recommend; the board's own evaluation settings take precedence. */
export const ModelDefaults = z
  .strictObject({
    /** Confidence threshold, 0–1. */
    conf: z.number().min(0).max(1).optional().describe('Confidence threshold, 0–1.'),
    /** IoU threshold for NMS, 0–1. */
    iou: z.number().min(0).max(1).optional().describe('IoU threshold for NMS, 0–1.'),
    /** Maximum detections per image. */
    maxDet: z.int().min(1).max(10_000).optional().describe('Maximum detections per image.'),
  })
  .describe("Authors' recommended inference thresholds (informative; the board fixes its own).");

/** Output names, for exports whose outputs cannot be told apart by shape and usual names. */
export const OutputNames = z
  .strictObject({
    boxes: text(200).optional().describe('Output holding the boxes.'),
    scores: text(200).optional().describe('Output holding the scores.'),
    labels: text(200).optional().describe('Output holding the class labels.'),
    count: text(200).optional().describe('Output holding the number of valid detections (num_detections).'),
    indices: text(200).optional().describe('Output holding the selected (batch, class, box) indices.'),
  })
  .describe('Which output is which, by name; unnamed ones are found by shape and the usual names.');

/** How to read the outputs within the family. */
export const DecoderOptions = z
  .strictObject({
    /**
     * DETR logits: 'sigmoid' (RT-DETR, D-FINE, DEIM, RF-DETR; the default) or 'softmax' with a
     * trailing no-object class (the original DETR).
     */
    activation: z
      .enum(['sigmoid', 'softmax'])
      .optional()
      .describe("DETR logits: 'sigmoid' (default) or 'softmax' with a trailing no-object class."),
    /**
     * What a class index or label means: 'zero-based' indexes the class list; 'one-based' is
     * 1 for its first class (a background class at 0, e.g. maskrcnn-benchmark, MLPerf SSD);
     * 'coco-category-id' is COCO's sparse 1..90 id (TF Object Detection API, RF-DETR logits).
     */
    labelIndex: z
      .enum(['zero-based', 'one-based', 'coco-category-id'])
      .optional()
      .describe(
        'What a label or logit index means: zero-based (default), one-based (background at 0), or coco-category-id (needs classes: coco80).',
      ),
    /** postprocessed: order of the four box numbers. */
    boxFormat: z
      .enum(['xyxy', 'yxyx', 'cxcywh'])
      .optional()
      .describe('postprocessed: box order, x1 y1 x2 y2 (default), y1 x1 y2 x2, or cx cy w h.'),
    /** postprocessed: which pixels the boxes are in. */
    boxSpace: z
      .enum(['original', 'input', 'normalised'])
      .optional()
      .describe(
        'postprocessed: boxes in original-image pixels, input-tensor pixels, or normalised to 0..1 of the input tensor.',
      ),
    /** postprocessed: output names. */
    outputs: OutputNames.optional(),
  })
  .describe('Decoder options within the family.');

/** Families whose outputs carry labels or logits whose indexing a manifest may declare. */
const LABEL_INDEX_FAMILIES: readonly string[] = ['detr', 'postprocessed'];
/** Families that read box conventions and output names from the manifest. */
const POSTPROCESSED_FAMILIES: readonly string[] = ['postprocessed'];

/** `models/<id>/model.yaml`: one object-detection model on the board. */
export const ModelManifest = z
  .strictObject({
    /** Must equal the folder name under models/. */
    id: Slug.describe('Model id; must equal the folder name under models/.'),
    /** Display name. */
    name: text(100).describe('Display name, e.g. "YOLOv8n".'),
    /** Decoder family; picks how raw outputs become boxes. */
    family: z.enum(FAMILIES).describe('Output decoder family (the runner has one decoder per family).'),
    /** Decoder options: how to read the outputs within the family. */
    decoder: DecoderOptions.optional(),
    /** Short description (plain text, shown escaped). */
    description: text(2000).optional().describe('Short plain-text description.'),
    /** The ONNX weights; absent while the model awaits export. */
    weights: sourceWithLimit(MAX_WEIGHTS_BYTES, 'weights')
      .optional()
      .describe(
        'The ONNX file: {url, sha256, bytes?} or {path, sha256?}; at most 2 GiB. Leave out only with export.',
      ),
    /** How the board exports a model published only as a checkpoint (kept as provenance once pinned). */
    export: ExportRecipe.optional(),
    /** Preprocessing. */
    input: ModelInput,
    /** Class list. */
    classes: ModelClasses,
    /** Number of parameters. */
    params: z.int().positive().optional().describe('Number of parameters (a count, e.g. 3200000).'),
    /** Compute per image at the declared input size, in GFLOPs. */
    gflops: z.number().positive().max(100_000).optional().describe('GFLOPs per image at the input size.'),
    /** Licence of the weights. */
    license: License.describe('SPDX licence id of the weights (or LicenseRef-<name>).'),
    /** Paper link. */
    paper: HttpsUrl.optional().describe('Paper (https URL).'),
    /** Code repository link. */
    code: HttpsUrl.optional().describe('Code repository (https URL).'),
    /** Published scores. */
    reported: ReportedScore.optional(),
    /** Recommended thresholds. */
    defaults: ModelDefaults.optional(),
    /** Free tags for filtering, e.g. "real-time". */
    tags: z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: 'tags are lowercase slugs (a-z, 0-9, -)' }),
      )
      .max(20)
      .optional()
      .describe('Lowercase tags for filtering, e.g. real-time.'),
    /**
     * Kept off the public board and out of `run --all` / scheduled re-benchmarks; still validated,
     * and benchmarked when named explicitly (`--model <id>`).
     */
    hidden: z
      .boolean()
      .default(false)
      .describe('Keep this model off the public board and scheduled re-benchmarks (run it by naming it).'),
    /** People or organisations credited. */
    authors: z.array(text(200)).max(50).optional().describe('People or organisations credited.'),
    /** The demo's models: weights built by `podium demo`. */
    generatedBy: GeneratedBy,
  })
  // Runs even when other fields failed (`when`), so a manifest missing weights hears it at once.
  .refine(
    (m) => {
      const v = m as { weights?: unknown; export?: unknown } | null;
      return typeof v !== 'object' || v === null || v.weights !== undefined || v.export !== undefined;
    },
    {
      path: ['weights'],
      message:
        'required: expected either {url, sha256, bytes?} (a remote file) or {path, sha256?} (a local file), or an export recipe',
      when: () => true,
    },
  )
  .check((ctx) => {
    const { family, decoder, classes } = ctx.value;
    if (!decoder) return;
    const misplaced = (key: keyof typeof decoder, families: readonly string[]) => {
      if (decoder[key] !== undefined && !families.includes(family)) {
        ctx.issues.push({
          code: 'custom',
          input: decoder[key],
          path: ['decoder', key],
          message: `decoder.${key} applies to the ${families.join(', ')} famil${families.length === 1 ? 'y' : 'ies'}, not '${family}'`,
        });
      }
    };
    misplaced('activation', ['detr']);
    misplaced('labelIndex', LABEL_INDEX_FAMILIES);
    for (const key of ['boxFormat', 'boxSpace', 'outputs'] as const) misplaced(key, POSTPROCESSED_FAMILIES);
    if (decoder.labelIndex === 'coco-category-id' && classes !== 'coco80') {
      ctx.issues.push({
        code: 'custom',
        input: decoder.labelIndex,
        path: ['decoder', 'labelIndex'],
        message: "labelIndex coco-category-id maps COCO's ids onto its 80 classes: it needs classes: coco80",
      });
    }
  })
  .describe('A model on the Podium leaderboard (models/<id>/model.yaml).');

export type ModelManifest = z.output<typeof ModelManifest>;
/** A manifest whose weights are known: what the runner can benchmark. */
export type RunnableManifest = ModelManifest & { weights: NonNullable<ModelManifest['weights']> };

/** A model with an export recipe and no weights yet: listed with its reported AP, never run. */
export function awaitsExport(m: ModelManifest): boolean {
  return m.weights === undefined;
}

/** Narrows to a manifest with weights. */
export function isRunnable(m: ModelManifest): m is RunnableManifest {
  return m.weights !== undefined;
}
export type ModelManifestInput = z.input<typeof ModelManifest>;
export type ModelInput = z.output<typeof ModelInput>;
export type ModelFamily = Family;
export type DecoderOptions = z.output<typeof DecoderOptions>;
export type ExtraInput = z.output<typeof ExtraInput>;
