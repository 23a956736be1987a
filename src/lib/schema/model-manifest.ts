import { z } from 'zod';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { FAMILIES } from '../runner/decoders/index.ts';
import { Citation, HttpsUrl, License, Slug, sourceWithLimit, text } from './common.ts';

/**
 * Model families come from the runner's decoder registry, so the schema accepts a family exactly
 * when a decoder for it exists. Re-exported for consumers of the schema.
 */
export { FAMILIES };

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

/** How the runner turns an image into the model's input tensor. */
export const ModelInput = z
  .strictObject({
    /** Fixed input size as [height, width] in pixels. Give either `size` or `dynamic`. */
    size: z
      .tuple([z.int().min(1).max(4096), z.int().min(1).max(4096)], {
        error: 'expected [height, width] in pixels',
      })
      .optional()
      .describe('Fixed input size [height, width] in pixels. Give either size or dynamic.'),
    /** Dynamic input size. Give either `size` or `dynamic`. */
    dynamic: DynamicInput.optional(),
    /** Tensor layout; only NCHW is supported. */
    layout: z.literal('NCHW').default('NCHW').describe('Tensor layout of the input (only NCHW).'),
    /** Element type of the input tensor. */
    dtype: z.enum(['float32', 'float16']).default('float32').describe('Element type of the input tensor.'),
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
    /** Grey level (0–255) used for letterbox padding, before normalisation. */
    padValue: z
      .int()
      .min(0)
      .max(255)
      .default(114)
      .describe('Padding grey level (0–255), before normalisation.'),
  })
  .check((ctx) => {
    const { size, dynamic } = ctx.value;
    if ((size === undefined) === (dynamic === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message:
          size === undefined
            ? 'give the input size: either size: [height, width] or dynamic: {maxSize, stride}'
            : 'give either size or dynamic, not both',
      });
    }
  })
  .describe('Preprocessing: how an image becomes the input tensor.');

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
    decoder: z
      .strictObject({
        /**
         * DETR logits: 'sigmoid' (RT-DETR, D-FINE, DEIM, RF-DETR; the default) or 'softmax' with a
         * trailing no-object class (the original DETR).
         */
        activation: z
          .enum(['sigmoid', 'softmax'])
          .optional()
          .describe("DETR logits: 'sigmoid' (default) or 'softmax' with a trailing no-object class."),
      })
      .optional()
      .describe('Decoder options within the family.'),
    /** Short description (plain text, shown escaped). */
    description: text(2000).optional().describe('Short plain-text description.'),
    /** The ONNX weights. */
    weights: sourceWithLimit(MAX_WEIGHTS_BYTES, 'weights').describe(
      'The ONNX file: {url, sha256, bytes?} or {path, sha256?}; at most 2 GiB.',
    ),
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
  })
  .describe('A model on the Podium leaderboard (models/<id>/model.yaml).');

export type ModelManifest = z.output<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;
export type ModelInput = z.output<typeof ModelInput>;
export type ModelFamily = (typeof FAMILIES)[number];
