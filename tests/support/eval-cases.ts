/** Builders for the analysis tests: small hand-made cases and the parity fixtures. */

import type { CocoEvaluation } from '../../src/lib/eval/evaluate.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from '../../src/lib/eval/load.ts';
import type { CocoGroundTruth, CocoResult } from '../../src/lib/schema/coco.ts';
import { nonEmpty } from './each-case.ts';
import { parityCaseList, readParityJson } from './parity-cases.ts';

/** The names of every parity case (see parity-cases.ts); a suite looping over them can never be empty. */
export function parityCases(): readonly string[] {
  return nonEmpty(
    parityCaseList().map((c) => c.name),
    'parity cases',
  );
}

/** A COCO ground truth and a results entry, as the schemas accept them. */
export type CocoJson = CocoGroundTruth;
export type DetJson = CocoResult;

export function readParity(name: string): { gt: CocoJson; dt: DetJson[] } {
  return {
    gt: readParityJson(name, 'gt.json') as CocoJson,
    dt: readParityJson(name, 'dt.json') as DetJson[],
  };
}

export function evaluateJson(gt: CocoJson, dt: DetJson[]): CocoEvaluation {
  const g = gtFromJson(gt, 'gt.json', 'x');
  return evaluateCoco(g, detectionsFromJson(dt, 'dt.json', 'x', g));
}

export function evaluateParity(name: string): CocoEvaluation {
  const { gt, dt } = readParity(name);
  return evaluateJson(gt, dt);
}

/**
 * A ground truth from terse rows: [imageId, categoryId, x, y, w, h, iscrowd?]. Images 1..images,
 * categories from `categories`, annotation ids 1.. in row order; area = w*h.
 */
export function gtOf(images: number, categories: number[], rows: number[][]): CocoJson {
  return {
    images: Array.from({ length: images }, (_, i) => ({ id: i + 1, width: 1000, height: 1000 })),
    categories: categories.map((id) => ({ id, name: `c${id}` })),
    annotations: rows.map(([image_id, category_id, x, y, w, h, crowd], i) => ({
      id: i + 1,
      image_id: image_id!,
      category_id: category_id!,
      bbox: [x!, y!, w!, h!],
      area: w! * h!,
      iscrowd: crowd === 1 ? 1 : 0,
    })),
  };
}

/** Detections from terse rows: [imageId, categoryId, x, y, w, h, score]. */
export function dtOf(rows: number[][]): DetJson[] {
  return rows.map(([image_id, category_id, x, y, w, h, score]) => ({
    image_id: image_id!,
    category_id: category_id!,
    bbox: [x!, y!, w!, h!],
    score: score!,
  }));
}

/**
 * A plain reference for COCO's 101-point AP of one class, written from the definition rather
 * than from the evaluator: points sorted by descending score (stable), precision made monotone
 * from the right, read at the first point whose recall reaches each threshold i/100 (numpy
 * linspace values), 0 past the last recall. null without GT.
 */
export function referenceAp(points: { score: number; tp: boolean }[], npig: number): number | null {
  if (npig === 0) return null;
  const sorted = points.map((p, i) => ({ ...p, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const rc: number[] = [];
  const pr: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const p of sorted) {
    if (p.tp) tp++;
    else fp++;
    rc.push(tp / npig);
    pr.push(tp / (tp + fp));
  }
  for (let i = pr.length - 2; i >= 0; i--) pr[i] = Math.max(pr[i]!, pr[i + 1]!);
  let sum = 0;
  for (let r = 0; r <= 100; r++) {
    const thr = r * 0.01;
    const i = rc.findIndex((v) => v >= thr);
    sum += i < 0 ? 0 : pr[i]!;
  }
  return sum / 101;
}

/** Mean of the defined per-class APs, -1 when none. */
export function referenceMeanAp(perClass: (number | null)[]): number {
  const defined = perClass.filter((v): v is number => v !== null);
  return defined.length === 0 ? -1 : defined.reduce((a, b) => a + b, 0) / defined.length;
}
