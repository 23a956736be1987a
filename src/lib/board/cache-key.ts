/**
 * The cache key of a result: a sha256 over everything that can change the numbers of a
 * model × dataset evaluation, and nothing else. `podium plan` recomputes it from the manifests and
 * compares it with the stored result's `run.cacheKey`; `podium run` records it (and names the
 * prediction cache file by it). Both MUST build the key through `computeCacheKey`, from the same
 * parts, or every pair looks stale.
 *
 * In the key (see DESIGN.md):
 * - the weights' sha256;
 * - the dataset: the annotations' sha256 and the sorted list of image file names;
 * - the runner's and the evaluator's versions (bump RUNNER_VERSION below when anything the
 *   runner does could change a detection: preprocessing, decoders, NMS, class mapping);
 * - the inference parameters: the manifest fields that change outputs (family, decoder options,
 *   input / preprocessing, classes), conf, iou, maxDet, and limit / shard for partial runs.
 *
 * Not in the key, on purpose: display fields of the manifest (name, description, licence, tags,
 * reported scores, hidden), the device and execution provider, batch size and onnxruntime's
 * version. They change speed or presentation, not what is being measured; a re-run for them is a
 * `podium plan --force`.
 */
import { EVALUATOR_VERSION } from '../eval/params.ts';
import { NMS_DEFAULTS } from '../runner/nms.ts';
import type { ModelManifest } from '../schema/model-manifest.ts';
import { formatShard, type Shard } from '../shards/shards.ts';
import { sha256Bytes } from '../util/hash.ts';

/** The runner's evaluation version: bump when any detection the runner produces could change. */
export const RUNNER_VERSION = '1.0.0';

/**
 * The board's fixed inference settings: every model is scored under the same conditions (a
 * manifest's `defaults` are informative only). COCO benchmarks keep detections down to 0.001.
 */
export const BOARD_INFERENCE = Object.freeze({
  conf: NMS_DEFAULTS.conf,
  iou: NMS_DEFAULTS.iou,
  maxDet: NMS_DEFAULTS.maxDet,
});

/** Inference parameters of one run. */
export interface InferenceParams {
  readonly conf: number;
  readonly iou: number;
  readonly maxDet: number;
  /** Only the first `limit` images (smoke runs); null for a full run. */
  readonly limit: number | null;
  /** One shard of the images (partial predictions); null for the whole dataset. */
  readonly shard: Shard | null;
}

/** A full board run: the board's settings, every image, no shard. */
export const FULL_RUN: InferenceParams = Object.freeze({ ...BOARD_INFERENCE, limit: null, shard: null });

/** Everything the key depends on. */
export interface CacheKeyParts {
  /** sha256 of the ONNX file. */
  readonly weightsSha256: string;
  /** sha256 of the annotations as the runner reads them (PreparedDataset.annotationsSha256). */
  readonly annotationsSha256: string;
  /** COCO `file_name` of every image of the dataset (any order: the key sorts them). */
  readonly images: readonly string[];
  /** The model manifest (parsed, defaults applied); only the fields that change outputs are used. */
  readonly model: Pick<ModelManifest, 'family' | 'decoder' | 'input' | 'classes'>;
  readonly inference: InferenceParams;
  /** Default RUNNER_VERSION; given only by tests. */
  readonly runnerVersion?: string;
  /** Default EVALUATOR_VERSION; given only by tests. */
  readonly evaluatorVersion?: string;
}

/** The object that is hashed: useful to show why two keys differ. */
export function cacheKeyMaterial(parts: CacheKeyParts): Record<string, unknown> {
  const { family, decoder, input, classes } = parts.model;
  const { conf, iou, maxDet, limit, shard } = parts.inference;
  return {
    key: 'podium-result',
    runnerVersion: parts.runnerVersion ?? RUNNER_VERSION,
    evaluatorVersion: parts.evaluatorVersion ?? EVALUATOR_VERSION,
    weightsSha256: parts.weightsSha256,
    dataset: {
      annotationsSha256: parts.annotationsSha256,
      // Code-unit order, not locale order: the key must not depend on the machine's locale.
      images: [...parts.images].sort(compareCodeUnits),
    },
    // `decoder` is optional: absent, it is dropped from the JSON, so older keys stay valid.
    model: { family, decoder, input, classes },
    inference: { conf, iou, maxDet, limit, shard: shard === null ? null : formatShard(shard) },
  };
}

/** sha256 (hex) of the canonical JSON of the key material. */
export function computeCacheKey(parts: CacheKeyParts): string {
  return sha256Bytes(canonicalJson(cacheKeyMaterial(parts)));
}

/**
 * JSON with object keys sorted (recursively) and no whitespace, so that the order in which a
 * manifest or a caller lists fields never changes a key. Array order is kept (it is meaningful:
 * a class list, an RGB triple). `undefined` object fields are dropped, as JSON.stringify does.
 * Non-finite numbers, functions and other non-JSON values are refused rather than silently
 * written as null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a value of type ${typeof value}`);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
