import { z } from 'zod';
import {
  CocoStatsSchema,
  MetricsSchema,
  OptimalSchema,
  PerClassSchema,
  RunSchema,
  SampleSchema,
} from '../lib/schema/metrics.ts';
import type { BoardMetrics } from './read-results.ts';

/**
 * What the board, compare, dataset and heatmap views need from one metric file, its schema derived
 * from the metric schema's parts. The content collection stores this, not the whole file: Astro serialises its data store into one module
 * bundled with the build, and 1000 full files (per-class curves, confusion matrices) made that
 * 75 MB and cost ~20 s of a 60 s budget. Model pages read their one full file instead.
 */
export const ResultSummarySchema = z.object({
  dataset: z.string(),
  model: z.string(),
  /** Data-root-relative path of the full metric file. */
  file: z.string(),
  /** sha256 of that file as the loader validated it: the model page re-reads it only if unchanged. */
  sha256: z.string(),
  split: MetricsSchema.shape.dataset.shape.split,
  images: MetricsSchema.shape.dataset.shape.images,
  instances: MetricsSchema.shape.dataset.shape.instances,
  coco: CocoStatsSchema,
  /** Bootstrap interval of AP (fractions). */
  apLo: z.number(),
  apHi: z.number(),
  optimal: OptimalSchema,
  speed: z.object({
    preMs: z.number(),
    p50Ms: z.number(),
    p90Ms: z.number(),
    meanMs: z.number(),
    postMs: z.number(),
    fps: z.number(),
  }),
  run: RunSchema.pick({ date: true, device: true, podiumVersion: true, onnxruntime: true }).extend({
    provider: RunSchema.shape.executionProvider,
    evaluatorVersion: MetricsSchema.shape.evaluator.shape.version,
  }),
  /** Published AP/AP50 in percent (as papers print them), with their source. */
  reported: MetricsSchema.shape.reported,
  perClass: z.array(PerClassSchema.pick({ id: true, name: true, gt: true, AP: true, AP50: true })),
  /** Runs in the timeline (earlier runs + this one). */
  runs: z.number().int().min(1),
  /** Sample images referenced by the file (their boxes stay in the full file). */
  samples: z.array(SampleSchema.pick({ imageId: true, file: true })),
});
export type ResultSummary = z.infer<typeof ResultSummarySchema>;

export function summarise(m: BoardMetrics, file: string, sha256: string): ResultSummary {
  return {
    dataset: m.dataset.id ?? '',
    model: m.model.id,
    file,
    sha256,
    split: m.dataset.split,
    images: m.dataset.images,
    instances: m.dataset.instances,
    coco: m.coco,
    apLo: m.uncertainty.AP.lo,
    apHi: m.uncertainty.AP.hi,
    optimal: m.optimal,
    speed: {
      preMs: m.speed.preprocessMs,
      p50Ms: m.speed.inferenceMs.p50,
      p90Ms: m.speed.inferenceMs.p90,
      meanMs: m.speed.inferenceMs.mean,
      postMs: m.speed.postprocessMs,
      fps: m.speed.fps,
    },
    run: {
      date: m.run.date,
      device: m.run.device,
      provider: m.run.executionProvider,
      podiumVersion: m.run.podiumVersion,
      evaluatorVersion: m.evaluator.version,
      onnxruntime: m.run.onnxruntime,
    },
    reported: m.reported,
    perClass: m.perClass.map((c) => ({ id: c.id, name: c.name, gt: c.gt, AP: c.AP, AP50: c.AP50 })),
    runs: m.history.length + 1,
    samples: m.samples.map((s) => ({ imageId: s.imageId, file: s.file })),
  };
}
