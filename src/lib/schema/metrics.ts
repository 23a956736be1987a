import { z } from 'zod';
import { METRICS_SCHEMA_VERSION } from './metrics-version.ts';

/**
 * Podium's metric JSON: one file per model × dataset under `results/<dataset>/<model>.json`.
 * This schema is the one source of truth for the evaluator's output, the runner's files and the
 * site's content collections. Bump `METRICS_SCHEMA_VERSION` on any breaking change.
 */
export { METRICS_SCHEMA_VERSION };

/** A metric that pycocotools reports as -1 when it has no value (e.g. no GT of a class in a size range). */
const maybeMetric = z
  .number()
  .min(-1)
  .max(1)
  .describe('Value in [0, 1], or -1 where pycocotools has no value');
const unit = z.number().min(0).max(1);
const count = z.number().int().min(0);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

/** The 12 numbers of COCOeval.stats, named. */
export const CocoStatsSchema = z
  .object({
    AP: maybeMetric.describe('AP at IoU .50:.05:.95, all areas, 100 detections'),
    AP50: maybeMetric.describe('AP at IoU .50'),
    AP75: maybeMetric.describe('AP at IoU .75'),
    APs: maybeMetric.describe('AP for small objects (area < 32²)'),
    APm: maybeMetric.describe('AP for medium objects (32² ≤ area ≤ 96²)'),
    APl: maybeMetric.describe('AP for large objects (area > 96²)'),
    AR1: maybeMetric.describe('AR with 1 detection per image'),
    AR10: maybeMetric.describe('AR with 10 detections per image'),
    AR100: maybeMetric.describe('AR with 100 detections per image'),
    ARs: maybeMetric.describe('AR for small objects'),
    ARm: maybeMetric.describe('AR for medium objects'),
    ARl: maybeMetric.describe('AR for large objects'),
  })
  .describe("pycocotools' COCOeval.stats, in its order");

/** Names of COCOeval.stats in pycocotools' order. */
export const COCO_STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'APs',
  'APm',
  'APl',
  'AR1',
  'AR10',
  'AR100',
  'ARs',
  'ARm',
  'ARl',
] as const;

/** One object size's numbers (area ranges as pycocotools', maxDets 100). */
export const SizeMetricsSchema = z.object({
  AP: maybeMetric.describe('AP at IoU .50:.95'),
  AP50: maybeMetric.describe('AP at IoU .50'),
  AP75: maybeMetric.describe('AP at IoU .75'),
  AR100: maybeMetric.describe('AR with 100 detections per image'),
});

export const BySizeSchema = z
  .object({ small: SizeMetricsSchema, medium: SizeMetricsSchema, large: SizeMetricsSchema })
  .describe('AP, AP50, AP75 and AR100 per object size: small (area < 32²), medium, large (area > 96²)');

export const ConfusedWithSchema = z.object({
  id: z.number().int().describe('Category id the GT of this class was predicted as'),
  count: count,
});

export const PerClassSchema = z.object({
  id: z.number().int().describe('Dataset category id'),
  name: z.string(),
  gt: count.describe('Number of non-crowd GT boxes of this class'),
  AP: maybeMetric,
  AP50: maybeMetric,
  AP75: maybeMetric,
  APs: maybeMetric,
  APm: maybeMetric,
  APl: maybeMetric,
  AR100: maybeMetric,
  tp: count.describe('True positives at IoU .50 at the F1-optimal confidence'),
  fp: count.describe('False positives (detections of this class matching no GT of this class)'),
  fn: count.describe('GT of this class left unmatched'),
  confused: z
    .array(ConfusedWithSchema)
    .describe('Unmatched GT of this class that a detection of another class covered'),
});

/** 101 values on the recall grid 0, .01, …, 1. */
const curve101 = z.array(z.number().min(-1).max(1)).length(101);

export const PrCurvesSchema = z.object({
  recall: z.array(unit).length(101).describe("pycocotools' recall thresholds"),
  iou50: curve101.describe('Interpolated precision at IoU .50, mean over classes with GT'),
  iou50_95: curve101.describe('Interpolated precision averaged over IoU .50:.95 and classes'),
  perClass: z.array(z.object({ id: z.number().int(), iou50: curve101, iou50_95: curve101 })),
});

/**
 * Detection scores are usually probabilities, but a COCO results file may hold any real score
 * (pycocotools only sorts by it), so confidence thresholds are not bounded to [0, 1].
 */
const score = z.number().describe('A detection score threshold (a probability for board models)');

export const ConfidencePointSchema = z.object({
  conf: score,
  precision: unit,
  recall: unit,
  f1: unit,
});

export const OptimalSchema = z.object({
  confidence: score.describe('F1-optimal confidence threshold at IoU .50'),
  precision: unit,
  recall: unit,
  f1: unit,
});

export const ConfusionSchema = z.object({
  labels: z.array(z.string()).describe('Class names, then "background"'),
  ids: z.array(z.number().int()).describe('Category ids of labels; -1 for background'),
  iou: unit,
  confidence: score,
  matrix: z
    .array(z.array(count))
    .describe(
      'matrix[gt][pred]: rows are ground truth (last: background = false positives), columns predictions (last: background = missed)',
    ),
});

export const F1Schema = z.object({
  f1_50: unit,
  f1_75: unit,
  small: unit.nullable(),
  medium: unit.nullable(),
  large: unit.nullable(),
});

const tideError = z.object({
  count: count,
  dAP50: z.number().describe('AP50 gained (in [0, 1]) if every error of this kind were fixed'),
});

export const ErrorBreakdownSchema = z
  .object({
    cls: tideError.describe('Classification: right place, wrong class'),
    loc: tideError.describe('Localisation: right class, IoU between .1 and .5'),
    both: tideError.describe('Both wrong class and poor localisation'),
    dupe: tideError.describe('Duplicate of an already matched GT'),
    bkg: tideError.describe('Background: overlaps no GT'),
    miss: tideError.describe('GT missed by every detection'),
  })
  .describe('TIDE-style error breakdown at IoU .50 (Bolya et al. 2020)');

const interval = z.object({ mean: unit, lo: unit, hi: unit, std: z.number().min(0) });

export const UncertaintySchema = z.object({
  method: z.literal('bootstrap-images'),
  resamples: z.number().int().min(1),
  seed: z.number().int(),
  AP: interval,
  AP50: interval,
});

export const SpeedSchema = z.object({
  preprocessMs: z.number().min(0),
  inferenceMs: z.object({ mean: z.number(), p50: z.number(), p90: z.number(), p99: z.number() }),
  postprocessMs: z.number().min(0),
  fps: z.number().min(0),
  peakRssMb: z.number().min(0),
});

/** A score in percent, as papers print it. */
const percent = z.number().min(0).max(100);

/**
 * Candidates the shared post-processing dropped before NMS: a non-finite coordinate or score
 * (NaN, ±Infinity: a broken export), and boxes that clip to zero width or height inside the
 * image (wholly in the letterbox padding). Counted so a result says how much it discarded.
 */
export const DroppedDetections = z
  .object({
    nonFinite: z.int().min(0).describe('Candidates with a NaN or infinite coordinate or score'),
    empty: z.int().min(0).describe('Boxes that clip to zero width or height inside the image'),
  })
  .describe('Candidates dropped by the shared post-processing, summed over the images');

export const RunSchema = z.object({
  date: z.string().describe('ISO-8601 time the run finished'),
  podiumVersion: z.string(),
  gitSha: z.string().nullable(),
  onnxruntime: z.string(),
  executionProvider: z.string(),
  device: z.string().describe('CPU or GPU model name'),
  node: z.string(),
  imgsz: z
    .array(z.number().int())
    .describe(
      '[height, width] of the model input; [max] when dynamic; [shorter side] for shorterSide; [] when fed as is',
    ),
  conf: unit,
  iou: unit,
  maxDet: z.number().int().min(1),
  batch: z.number().int().min(1),
  /**
   * Wall-clock seconds of the inference that produced the predictions, warm-up included: the
   * segments of a resumed run summed, and the shards' times summed for a merged run. Never the
   * time of a re-evaluation from cached predictions.
   */
  durationS: z
    .number()
    .min(0)
    .describe(
      'Wall-clock seconds of the inference that produced the predictions (resumed segments or shards summed)',
    ),
  limit: z.number().int().nullable().describe('Images evaluated when the run was limited (smoke runs)'),
  failedImages: z.array(z.object({ file: z.string(), reason: z.string() })),
  droppedDetections: DroppedDetections.optional(),
  cacheKey: sha256,
});

export const HistoryEntrySchema = z.object({
  date: z.string(),
  AP: maybeMetric,
  AP50: maybeMetric,
  inferenceMs: z.number().nullable(),
  device: z.string().nullable(),
  podiumVersion: z.string(),
  cacheKey: sha256.nullable(),
});

export const SampleSchema = z.object({
  imageId: z.number(),
  file: z.string(),
  width: z.number(),
  height: z.number(),
  gt: z
    .array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]))
    .describe('[x, y, w, h, categoryId]'),
  dt: z
    .array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), unit]))
    .describe('[x, y, w, h, categoryId, score]'),
});

export const MetricsSchema = z.object({
  $schema: z.string().optional(),
  schemaVersion: z.literal(METRICS_SCHEMA_VERSION),
  model: z
    .object({ id: z.string(), weightsSha256: sha256.nullable(), manifestSha256: sha256.nullable() })
    .nullable()
    .describe('Null for a standalone `podium eval` of a results file'),
  dataset: z.object({
    id: z.string().nullable(),
    split: z.string().nullable(),
    annotationsSha256: sha256,
    detectionsSha256: sha256.nullable(),
    images: count,
    instances: count,
    categories: z.array(z.object({ id: z.number().int(), name: z.string() })),
  }),
  evaluator: z.object({
    name: z.literal('podium'),
    version: z.string(),
    parity: z.literal('pycocotools-2.0 COCOeval bbox'),
    params: z.object({
      iouThrs: z.array(z.number()).length(10),
      recThrs: z.number().int(),
      maxDets: z.array(z.number().int()),
      areaRng: z.array(z.tuple([z.number(), z.number()])),
      areaRngLbl: z.array(z.string()),
    }),
  }),
  run: RunSchema.nullable(),
  speed: SpeedSchema.nullable(),
  coco: CocoStatsSchema,
  perIoU: z.array(maybeMetric).length(10).describe('AP at each IoU threshold (all areas, 100 detections)'),
  bySize: BySizeSchema,
  perClass: z.array(PerClassSchema),
  curves: z.object({ pr: PrCurvesSchema, confidence: z.array(ConfidencePointSchema).min(100) }),
  optimal: OptimalSchema,
  confusion: ConfusionSchema,
  f1: F1Schema,
  errors: ErrorBreakdownSchema,
  uncertainty: UncertaintySchema,
  /**
   * The manifest's published scores, in PERCENT as papers print them (37.3), carried unchanged;
   * every measured statistic above is a fraction in [0, 1], as pycocotools gives it.
   */
  reported: z
    .object({ AP: percent.nullable(), AP50: percent.nullable(), source: z.string().nullable() })
    .nullable()
    .describe(
      "The manifest's published AP and AP50 in percent (37.3, not 0.373); measured stats are fractions",
    ),
  history: z.array(HistoryEntrySchema).describe('Earlier runs of this model × dataset, oldest first'),
  samples: z.array(SampleSchema).describe('A few images with GT and predictions, for local datasets'),
});

export type Metrics = z.infer<typeof MetricsSchema>;
export type CocoStats = z.infer<typeof CocoStatsSchema>;
export type BySize = z.infer<typeof BySizeSchema>;
export type PerClass = z.infer<typeof PerClassSchema>;
export type PrCurves = z.infer<typeof PrCurvesSchema>;
export type ConfidencePoint = z.infer<typeof ConfidencePointSchema>;
export type Optimal = z.infer<typeof OptimalSchema>;
export type Confusion = z.infer<typeof ConfusionSchema>;
export type F1 = z.infer<typeof F1Schema>;
export type ErrorBreakdown = z.infer<typeof ErrorBreakdownSchema>;
export type Uncertainty = z.infer<typeof UncertaintySchema>;
export type Run = z.infer<typeof RunSchema>;
export type Speed = z.infer<typeof SpeedSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type Sample = z.infer<typeof SampleSchema>;
