import type { Metrics } from '../lib/schema/metrics.ts';
import type { ModelInfo } from './board.ts';

/**
 * The compact per-model JSON that the compare page fetches: what it overlays and tabulates,
 * nothing more (curves rounded to 3 decimals).
 */
export interface ModelData {
  model: string;
  name: string;
  family: string;
  dataset: string;
  coco: Metrics['coco'];
  optimal: Metrics['optimal'];
  f1: Metrics['f1'];
  latency: number | null;
  device: string | null;
  params: number | null;
  gflops: number | null;
  perClass: {
    id: number;
    name: string;
    gt: number;
    AP: number;
    AP50: number;
    AP75: number;
    APs: number;
    APm: number;
    APl: number;
  }[];
  pr: { recall: number[]; iou50: number[]; iou50_95: number[] };
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

export function modelData(m: Metrics, info: ModelInfo, dataset: string): ModelData {
  return {
    model: info.id,
    name: info.name,
    family: info.family,
    dataset,
    coco: m.coco,
    optimal: m.optimal,
    f1: m.f1,
    latency: m.speed?.inferenceMs.p50 ?? null,
    device: m.run?.device ?? null,
    params: info.params,
    gflops: info.gflops,
    perClass: m.perClass.map((c) => ({
      id: c.id,
      name: c.name,
      gt: c.gt,
      AP: c.AP,
      AP50: c.AP50,
      AP75: c.AP75,
      APs: c.APs,
      APm: c.APm,
      APl: c.APl,
    })),
    pr: {
      recall: m.curves.pr.recall,
      iou50: m.curves.pr.iou50.map(r3),
      iou50_95: m.curves.pr.iou50_95.map(r3),
    },
  };
}
