import type { CocoStats, Optimal } from '../lib/schema/metrics.ts';
import type { BoardMetrics } from './read-results.ts';

/**
 * What the board, compare, dataset and heatmap views need from one metric file. The content
 * collection stores this, not the whole file: Astro serialises its data store into one module
 * bundled with the build, and 1000 full files (per-class curves, confusion matrices) made that
 * 75 MB and cost ~20 s of a 60 s budget. Model pages read their one full file instead.
 */
export interface ResultSummary {
  dataset: string;
  model: string;
  /** Data-root-relative path of the full metric file. */
  file: string;
  split: string | null;
  images: number;
  instances: number;
  coco: CocoStats;
  /** Bootstrap interval of AP (fractions). */
  apLo: number;
  apHi: number;
  optimal: Optimal;
  speed: { preMs: number; p50Ms: number; p90Ms: number; meanMs: number; postMs: number; fps: number };
  run: {
    date: string;
    device: string;
    provider: string;
    podiumVersion: string;
    evaluatorVersion: string;
    onnxruntime: string;
  };
  /** Published AP/AP50 in percent (as papers print them), with their source. */
  reported: { AP: number | null; AP50: number | null; source: string | null } | null;
  perClass: { id: number; name: string; gt: number; AP: number; AP50: number }[];
  /** Runs in the timeline (earlier runs + this one). */
  runs: number;
  /** Sample images referenced by the file (their boxes stay in the full file). */
  samples: { imageId: number; file: string }[];
}

export function summarise(m: BoardMetrics, file: string): ResultSummary {
  return {
    dataset: m.dataset.id ?? '',
    model: m.model.id,
    file,
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
