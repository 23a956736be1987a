import { relative, sep } from 'node:path';
import type { PreparedGroundTruth } from '../schema/coco.ts';
import type { Metrics, Sample } from '../schema/metrics.ts';
import type { PredictionColumns } from './predictions.ts';

/**
 * A few images spread over the dataset, with GT and the predictions a user would deploy (at the
 * F1-optimal confidence), for the site's gallery. Only for images inside the repository (the
 * demo): the site must never hot-link or copy files from elsewhere.
 */
export function pickSamples(
  metrics: Metrics,
  gt: PreparedGroundTruth,
  detections: PredictionColumns,
  imageRoot: string | undefined,
  repoRoot: string,
  count: number,
): Sample[] {
  if (count <= 0 || imageRoot === undefined) return [];
  const rel = relative(repoRoot, imageRoot);
  if (rel.startsWith('..') || rel === '' || rel.includes(':')) return [];
  const images = [...gt.images].sort((a, b) => a.id - b.id);
  const n = Math.min(count, images.length);
  const step = images.length / n;
  const picked = Array.from({ length: n }, (_, i) => images[Math.floor(i * step)]!);
  const conf = metrics.optimal.confidence;
  const { imageId, categoryId, x, y, w, h, score } = detections;
  return picked.map((im) => {
    const dt: Sample['dt'] = [];
    for (let i = 0; i < imageId.length; i++) {
      if (imageId[i] === im.id && score[i]! >= conf)
        dt.push([x[i]!, y[i]!, w[i]!, h[i]!, categoryId[i]!, score[i]!]);
    }
    return {
      imageId: im.id,
      file: [...rel.split(sep), im.file_name].join('/'),
      width: im.width,
      height: im.height,
      gt: gt.annotations
        .filter((a) => a.image_id === im.id)
        .map((a) => [a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3], a.category_id]),
      dt,
    };
  });
}
