// Over 400 lines: every invented section of a metric file stays consistent with the others (AP = mean of per-class AP, curves match), so they are generated together.
/**
 * Deterministic fake leaderboard for developing, testing and load-testing the site before real
 * results exist. Writes, under one directory (the site reads it via PODIUM_DATA_DIR):
 *
 *   datasets/<id>/dataset.yaml, datasets/<id>/images/*.png   (a few drawn images, for samples)
 *   models/<id>/model.yaml, models/<id>/README.md (some)     (schema-valid manifests)
 *   results/<dataset>/<model>.json                           (schema-valid metric JSON)
 *
 * Numbers are invented but internally consistent (COCO AP = mean of per-class AP, PR curves whose
 * area matches AP50, confusion rows that sum to GT counts, F1-optimal confidence from the curve),
 * so charts and tables can be checked against the JSON.
 *
 * Command line: scripts/fake-board.ts.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { stringify as toYaml } from 'yaml';
import type { Metrics, PerClass, Sample } from '../../src/lib/schema/metrics.ts';
import { METRICS_SCHEMA_VERSION } from '../../src/lib/schema/metrics.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';

export interface FakeBoardOptions {
  /** Directory to write into; it is emptied first when `clean` is true. */
  dir: string;
  models: number;
  datasets: number;
  seed?: number;
  /** Remove results/, models/ and datasets/ under dir before writing. */
  clean?: boolean;
  /** Round floats to this many decimals (real evaluator output has full precision). */
  decimals?: number;
}

export interface FakeBoardSummary {
  datasets: string[];
  models: string[];
  hidden: string[];
  results: number;
}

const COCO80 = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
  'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
  'scissors', 'teddy bear', 'hair drier', 'toothbrush',
]; // biome-ignore format: a list of names reads better packed

const SHAPES = ['circle', 'square', 'triangle', 'star', 'ring'];

interface FakeDataset {
  id: string;
  name: string;
  classes: { id: number; name: string; gt: number; difficulty: number }[];
  images: { id: number; file: string; width: number; height: number; gt: Sample['gt'] }[];
  offset: number;
}

const FAMILIES = ['yolov8', 'yolov5', 'end2end', 'detr'] as const;
const LICENSES = ['AGPL-3.0-only', 'Apache-2.0', 'MIT', 'GPL-3.0-only', 'BSD-3-Clause'];
const SIZES = [
  { tag: 'n', params: 3.2e6, gflops: 8.7 },
  { tag: 's', params: 11.2e6, gflops: 28.6 },
  { tag: 'm', params: 25.9e6, gflops: 78.9 },
  { tag: 'l', params: 43.7e6, gflops: 165.2 },
  { tag: 'x', params: 68.2e6, gflops: 257.8 },
];
const DEVICES = [
  { device: 'AMD EPYC 7B13 (8 threads)', provider: 'CPUExecutionProvider', msPerGflop: 0.9 },
  { device: 'NVIDIA T4', provider: 'CUDAExecutionProvider', msPerGflop: 0.045 },
];

const rng = mulberry32;

const clamp = (v: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, v));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function makeDatasets(count: number, rand: () => number): FakeDataset[] {
  const out: FakeDataset[] = [];
  for (let d = 0; d < count; d++) {
    const coco = d % 2 === 0;
    const names = coco ? COCO80 : SHAPES;
    const id = coco
      ? d === 0
        ? 'fake-coco'
        : `fake-coco-${d}`
      : d === 1
        ? 'fake-shapes'
        : `fake-shapes-${d}`;
    const classes = names.map((name, i) => ({
      id: coco ? i + 1 : i,
      name,
      // A long tail of GT counts, with a few rare classes so the "too few GT" rule has work to do.
      gt: i % 17 === 16 ? 3 + Math.floor(rand() * 8) : Math.round(40 + 4000 / (1 + i * 0.7) + rand() * 50),
      difficulty: (rand() - 0.5) * 0.3,
    }));
    const images = Array.from({ length: 4 }, (_, k) => {
      const width = 320;
      const height = 240;
      const gt: Sample['gt'] = [];
      const boxes = 2 + Math.floor(rand() * 3);
      for (let b = 0; b < boxes; b++) {
        const w = 30 + Math.floor(rand() * 90);
        const h = 30 + Math.floor(rand() * 80);
        const x = Math.floor(rand() * (width - w));
        const y = Math.floor(rand() * (height - h));
        const cls = classes[Math.floor(rand() * Math.min(classes.length, 5))]!;
        gt.push([x, y, w, h, cls.id]);
      }
      return { id: k + 1, file: `${String(k + 1).padStart(6, '0')}.png`, width, height, gt };
    });
    out.push({
      id,
      name: coco ? `Fake COCO ${d === 0 ? '' : d}`.trim() : `Fake shapes ${d === 1 ? '' : d}`.trim(),
      classes,
      images,
      offset: coco ? 0 : 0.3,
    });
  }
  return out;
}

/** Draws the GT shapes of an image so sample overlays have something to sit on. */
function imageSvg(img: FakeDataset['images'][number], names: Map<number, string>): string {
  const parts = img.gt.map(([x, y, w, h, c], i) => {
    const hue = (c * 67) % 360;
    const fill = `hsl(${hue} 70% 50%)`;
    const name = names.get(c) ?? '';
    if (name === 'circle' || name === 'ring' || i % 2 === 0) {
      return `<ellipse cx="${x + w / 2}" cy="${y + h / 2}" rx="${w / 2}" ry="${h / 2}" fill="${fill}"/>`;
    }
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}"><rect width="100%" height="100%" fill="#dfe6ee"/>${parts.join('')}</svg>`;
}

interface FakeModel {
  id: string;
  name: string;
  family: (typeof FAMILIES)[number];
  size: (typeof SIZES)[number];
  params: number;
  gflops: number;
  license: string;
  quality: number;
  hidden: boolean;
  reportedAP: number | null;
  notes: string | null;
  device: (typeof DEVICES)[number];
  history: number;
}

function makeModels(count: number, rand: () => number): FakeModel[] {
  const out: FakeModel[] = [];
  for (let i = 0; i < count; i++) {
    const family = FAMILIES[i % FAMILIES.length]!;
    const size = SIZES[Math.floor(i / FAMILIES.length) % SIZES.length]!;
    const gen = Math.floor(i / (FAMILIES.length * SIZES.length));
    const scale = 0.85 + rand() * 0.3;
    const params = Math.round(size.params * scale);
    const gflops = Math.round(size.gflops * scale * 10) / 10;
    // Bigger models are better, with diminishing returns and a generation bonus.
    const quality = clamp(
      0.2 + 0.045 * Math.log2(params / 1e6) + 0.004 * gen + (rand() - 0.5) * 0.04,
      0.05,
      0.7,
    );
    const id = `${family}-${size.tag}${gen ? `-v${gen + 1}` : ''}`;
    const label = { yolov8: 'YOLOv8', yolov5: 'YOLOv5', end2end: 'E2E-Det', detr: 'RT-DETR' }[family];
    const hasReport = rand() < 0.6;
    out.push({
      id,
      name: `${label}${size.tag}${gen ? ` v${gen + 1}` : ''}`,
      family,
      size,
      params,
      gflops,
      license: LICENSES[i % LICENSES.length]!,
      quality,
      hidden: i % 97 === 96,
      // Most reports agree within a point; every fifth one is optimistic by 1.5–4 points.
      reportedAP: hasReport
        ? Math.round((quality * 100 + (i % 5 === 0 ? 1.5 + rand() * 2.5 : (rand() - 0.5) * 1.4)) * 10) / 10
        : null,
      notes:
        i % 7 === 0
          ? `## Notes on ${label}\n\nExported with **opset 17**; NMS runs in Podium, not in the graph.\n\n- Trained on COCO train2017\n- Input is letterboxed to 640\n\n<script>alert("xss")</script>\n<img src="x" onerror="alert(1)">\n\n[a link](javascript:alert(1)) and [the paper](https://arxiv.org/abs/2304.00501).\n`
          : null,
      device: DEVICES[i % 3 === 2 ? 1 : 0]!,
      history: i % 11 === 0 ? 2 : i % 13 === 0 ? 1 : 0,
    });
  }
  return out;
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** Precision at recall r for a curve that starts at 1, ends at maxRecall and has the given area. */
function prCurve(area: number, maxRecall: number): number[] {
  const x = clamp(area / maxRecall, 0.02, 0.98);
  const a = x / (1 - x);
  return Array.from({ length: 101 }, (_, k) => {
    const r = k / 100;
    return r <= maxRecall ? 1 - (r / maxRecall) ** a : 0;
  });
}

function makeMetrics(m: FakeModel, ds: FakeDataset, seed: number, decimals: number): Metrics {
  const rand = rng(seed);
  const r = (v: number) => round(v, decimals);
  const base = clamp(m.quality + ds.offset + (rand() - 0.5) * 0.02, 0.02, 0.9);
  const iouShape = 0.55 + rand() * 0.15; // AP / AP50 ratio
  const perClass: PerClass[] = ds.classes.map((c, k) => {
    const ap = clamp(base + c.difficulty + (rand() - 0.5) * 0.08, 0.005, 0.97);
    const ap50 = clamp(ap / iouShape, ap, 0.99);
    const ap75 = clamp(ap * (1.02 + rand() * 0.1), 0, ap50);
    const hasSmall = k % 9 !== 4;
    const recall = clamp(ap50 + 0.1 + rand() * 0.05, 0, 0.99);
    const precision = clamp(0.6 + ap * 0.4 + (rand() - 0.5) * 0.1, 0.05, 0.99);
    const tp = Math.round(c.gt * recall * 0.92);
    const confusedCount = Math.round((c.gt - tp) * 0.2);
    const other = ds.classes[(k + 1) % ds.classes.length]!;
    return {
      id: c.id,
      name: c.name,
      gt: c.gt,
      AP: r(ap),
      AP50: r(ap50),
      AP75: r(ap75),
      APs: hasSmall ? r(ap * (0.35 + rand() * 0.25)) : -1,
      APm: r(clamp(ap * (0.95 + rand() * 0.15))),
      APl: r(clamp(ap * (1.15 + rand() * 0.2))),
      AR100: r(clamp(ap + 0.1 + rand() * 0.1)),
      tp,
      fp: Math.round((tp * (1 - precision)) / precision),
      fn: c.gt - tp,
      confused: confusedCount > 0 && other.id !== c.id ? [{ id: other.id, count: confusedCount }] : [],
    };
  });
  const avg = (key: 'AP' | 'AP50' | 'AP75' | 'APs' | 'APm' | 'APl' | 'AR100') =>
    r(mean(perClass.map((p) => p[key]).filter((v) => v >= 0)));
  const AP = avg('AP');
  const AP50 = avg('AP50');
  // AP at each IoU: from AP50 falling towards zero at .95, rescaled so its mean is AP.
  const ratio = clamp(AP / Math.max(AP50, 1e-6), 0.05, 0.95);
  const p = ratio / (1 - ratio);
  const raw = Array.from({ length: 10 }, (_, i) => AP50 * (1 - (i / 10) ** p));
  const k = AP / mean(raw);
  const perIoU = raw.map((v) => r(clamp(v * k)));
  const maxRecall = clamp(AP50 + 0.12, 0, 1);
  const curves = perClass.map((c) => ({
    id: c.id,
    iou50: prCurve(c.AP50, clamp(c.AP50 + 0.1, 0, 1)).map(r),
    iou50_95: prCurve(c.AP, clamp(c.AP + 0.15, 0, 1)).map(r),
  }));
  const avgCurve = (key: 'iou50' | 'iou50_95') =>
    Array.from({ length: 101 }, (_, i) => r(mean(curves.map((c) => c[key][i]!))));
  const pLow = 0.15 + rand() * 0.2;
  const confidence = Array.from({ length: 101 }, (_, i) => {
    const conf = i / 100;
    const recall = clamp(maxRecall * (1 - conf ** (2 + rand() * 0.05)));
    const precision = clamp(pLow + (0.97 - pLow) * conf ** 0.6);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { conf: r(conf), precision: r(precision), recall: r(recall), f1: r(f1) };
  });
  const best = confidence.reduce((a, b) => (b.f1 > a.f1 ? b : a));
  const K = ds.classes.length;
  const matrix = Array.from({ length: K + 1 }, () => new Array<number>(K + 1).fill(0));
  perClass.forEach((c, i) => {
    matrix[i]![i] = c.tp;
    let missed = c.fn;
    for (const conf of c.confused) {
      const j = ds.classes.findIndex((x) => x.id === conf.id);
      matrix[i]![j] = conf.count;
      missed -= conf.count;
    }
    matrix[i]![K] = Math.max(0, missed);
    matrix[K]![i] = c.fp;
  });
  const std = 0.0008 + rand() * 0.003;
  const totalGt = perClass.reduce((a, c) => a + c.gt, 0);
  const gap = 1 - AP50;
  const inf = m.gflops * m.device.msPerGflop * (0.9 + rand() * 0.2) * (ds.offset ? 0.5 : 1);
  const pre = 1.5 + rand() * 2;
  const post = 0.4 + rand() * 1.5;
  const date = new Date(Date.UTC(2026, 0, 5 + (seed % 20), 12, seed % 60));
  const history = Array.from({ length: m.history }, (_, h) => ({
    date: new Date(date.getTime() - (m.history - h) * 30 * 86400_000).toISOString(),
    AP: r(clamp(AP - 0.004 * (m.history - h) + (rand() - 0.5) * 0.003)),
    AP50: r(clamp(AP50 - 0.003 * (m.history - h))),
    inferenceMs: r(inf * (1.1 + 0.1 * (m.history - h))),
    device: m.device.device,
    podiumVersion: `0.0.${h + 1}`,
    cacheKey: sha(`${m.id}/${ds.id}/${h}`),
  }));
  const samples: Sample[] = ds.images.slice(0, 3).map((img) => ({
    imageId: img.id,
    file: img.file,
    width: img.width,
    height: img.height,
    gt: img.gt,
    dt: [
      ...img.gt
        .filter(() => rand() < 0.85)
        .map(([x, y, w, h, c]): Sample['dt'][number] => [
          r(x + (rand() - 0.5) * 8),
          r(y + (rand() - 0.5) * 8),
          r(w * (0.9 + rand() * 0.2)),
          r(h * (0.9 + rand() * 0.2)),
          c,
          r(0.5 + rand() * 0.5),
        ]),
      [r(rand() * 200), r(rand() * 150), 40, 30, ds.classes[0]!.id, r(0.1 + rand() * 0.3)],
    ],
  }));
  return {
    schemaVersion: METRICS_SCHEMA_VERSION,
    model: { id: m.id, weightsSha256: sha(`weights/${m.id}`), manifestSha256: sha(`manifest/${m.id}`) },
    dataset: {
      id: ds.id,
      split: 'val',
      annotationsSha256: sha(`annotations/${ds.id}`),
      detectionsSha256: sha(`detections/${m.id}/${ds.id}`),
      images: 500 * (ds.offset ? 1 : 10),
      instances: totalGt,
      categories: ds.classes.map((c) => ({ id: c.id, name: c.name })),
    },
    evaluator: {
      name: 'podium',
      version: '0.1.0',
      parity: 'pycocotools-2.0 COCOeval bbox',
      params: {
        iouThrs: Array.from({ length: 10 }, (_, i) => round(0.5 + 0.05 * i, 2)),
        recThrs: 101,
        maxDets: [1, 10, 100],
        areaRng: [
          [0, 1e10],
          [0, 1024],
          [1024, 9216],
          [9216, 1e10],
        ],
        areaRngLbl: ['all', 'small', 'medium', 'large'],
      },
    },
    run: {
      date: date.toISOString(),
      podiumVersion: '0.1.0',
      gitSha: sha(`git/${seed}`).slice(0, 40),
      onnxruntime: '1.23.2',
      executionProvider: m.device.provider,
      device: m.device.device,
      node: 'v24.11.0',
      imgsz: [640, 640],
      conf: 0.001,
      iou: 0.7,
      maxDet: 100,
      batch: 1,
      durationS: r(totalGt * 0.01 + inf),
      limit: null,
      failedImages: [],
      cacheKey: sha(`cache/${m.id}/${ds.id}`),
    },
    speed: {
      preprocessMs: r(pre),
      inferenceMs: { mean: r(inf * 1.03), p50: r(inf), p90: r(inf * 1.12), p99: r(inf * 1.3) },
      postprocessMs: r(post),
      fps: r(1000 / (pre + inf + post)),
      peakRssMb: r(300 + m.params / 1e5),
    },
    coco: {
      AP,
      AP50,
      AP75: avg('AP75'),
      APs: avg('APs'),
      APm: avg('APm'),
      APl: avg('APl'),
      AR1: r(AP * 0.7),
      AR10: r(clamp(AP * 1.1 + 0.05)),
      AR100: avg('AR100'),
      ARs: r(clamp(avg('APs') + 0.12)),
      ARm: r(clamp(avg('APm') + 0.1)),
      ARl: r(clamp(avg('APl') + 0.08)),
    },
    perIoU,
    bySize: {
      small: {
        AP: avg('APs'),
        AP50: r(clamp(avg('APs') * 1.7)),
        AP75: r(clamp(avg('APs') * 0.9)),
        AR100: r(clamp(avg('APs') + 0.12)),
      },
      medium: {
        AP: avg('APm'),
        AP50: r(clamp(avg('APm') * 1.6)),
        AP75: r(clamp(avg('APm') * 1.05)),
        AR100: r(clamp(avg('APm') + 0.1)),
      },
      large: {
        AP: avg('APl'),
        AP50: r(clamp(avg('APl') * 1.45)),
        AP75: r(clamp(avg('APl') * 1.1)),
        AR100: r(clamp(avg('APl') + 0.08)),
      },
    },
    perClass,
    curves: {
      pr: {
        recall: Array.from({ length: 101 }, (_, i) => round(i / 100, 2)),
        iou50: avgCurve('iou50'),
        iou50_95: avgCurve('iou50_95'),
        perClass: curves,
      },
      confidence,
    },
    optimal: { confidence: best.conf, precision: best.precision, recall: best.recall, f1: best.f1 },
    confusion: {
      labels: [...ds.classes.map((c) => c.name), 'background'],
      ids: [...ds.classes.map((c) => c.id), -1],
      iou: 0.5,
      confidence: best.conf,
      matrix,
    },
    f1: {
      f1_50: best.f1,
      f1_75: r(best.f1 * 0.8),
      small: r(best.f1 * 0.6),
      medium: r(best.f1 * 0.95),
      large: r(clamp(best.f1 * 1.05)),
    },
    errors: {
      cls: { count: Math.round(totalGt * 0.02), dAP50: r(gap * 0.12) },
      loc: { count: Math.round(totalGt * 0.05), dAP50: r(gap * 0.2) },
      both: { count: Math.round(totalGt * 0.01), dAP50: r(gap * 0.03) },
      dupe: { count: Math.round(totalGt * 0.005), dAP50: r(gap * 0.01) },
      bkg: { count: Math.round(totalGt * (0.04 + rand() * 0.1)), dAP50: r(gap * (0.1 + rand() * 0.2)) },
      miss: { count: Math.round(totalGt * 0.06), dAP50: r(gap * 0.25) },
    },
    uncertainty: {
      method: 'bootstrap-images',
      resamples: 200,
      seed: 0,
      AP: { mean: AP, lo: r(clamp(AP - 1.96 * std)), hi: r(clamp(AP + 1.96 * std)), std: r(std) },
      AP50: { mean: AP50, lo: r(clamp(AP50 - 2 * std)), hi: r(clamp(AP50 + 2 * std)), std: r(std) },
    },
    reported:
      m.reportedAP !== null && !ds.offset
        ? { AP: m.reportedAP, AP50: null, source: 'https://arxiv.org/abs/2304.00501' }
        : null,
    history,
    samples,
  };
}

function manifest(m: FakeModel): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    description: `A fake ${m.family} model (${m.size.tag}) generated for developing the site.`,
    weights: {
      url: `https://example.org/weights/${m.id}.onnx`,
      sha256: sha(`weights/${m.id}`),
      bytes: m.params * 4,
    },
    input: { size: [640, 640] },
    classes: 'coco80',
    params: m.params,
    gflops: m.gflops,
    license: m.license,
    paper: 'https://arxiv.org/abs/2304.00501',
    code: `https://github.com/example/${m.family}`,
    ...(m.reportedAP !== null
      ? { reported: { AP: m.reportedAP, dataset: 'fake-coco', source: 'https://arxiv.org/abs/2304.00501' } }
      : {}),
    tags: [m.size.tag === 'n' || m.size.tag === 's' ? 'real-time' : 'accurate'],
    hidden: m.hidden,
    authors: ['Podium fake board'],
  };
}

/**
 * One metric file of the fake board, in memory (for unit tests): the `index`-th model on the
 * first (80-class) or second (5-class) dataset of a board with the given seed.
 */
export function fakeMetrics(opts: { seed?: number; index?: number; dataset?: 0 | 1 } = {}): Metrics {
  const seed = opts.seed ?? 1;
  const index = opts.index ?? 0;
  const d = opts.dataset ?? 0;
  const rand = rng(seed);
  const datasets = makeDatasets(2, rand);
  const models = makeModels(index + 1, rand);
  return makeMetrics(models[index]!, datasets[d]!, seed * 100_003 + index * 31 + d, 4);
}

export async function generateBoard(opts: FakeBoardOptions): Promise<FakeBoardSummary> {
  const seed = opts.seed ?? 1;
  const decimals = opts.decimals ?? 4;
  const rand = rng(seed);
  const datasets = makeDatasets(opts.datasets, rand);
  const models = makeModels(opts.models, rand);
  if (opts.clean) {
    for (const sub of ['results', 'models', 'datasets'])
      await rm(join(opts.dir, sub), { recursive: true, force: true });
  }
  for (const ds of datasets) {
    const dir = join(opts.dir, 'datasets', ds.id);
    await mkdir(join(dir, 'images'), { recursive: true });
    await writeFile(
      join(dir, 'dataset.yaml'),
      toYaml({
        id: ds.id,
        name: ds.name,
        description: `A generated dataset with ${ds.classes.length} classes, for developing the site.`,
        task: 'detect',
        split: 'val',
        format: 'coco',
        annotations: { path: 'annotations.json' },
        images: { path: 'images' },
        license: 'CC-BY-4.0',
        homepage: 'https://example.org/datasets',
        categories: ds.classes.map((c) => ({ id: c.id, name: c.name })),
      }),
    );
    const names = new Map(ds.classes.map((c) => [c.id, c.name]));
    for (const img of ds.images) {
      await sharp(Buffer.from(imageSvg(img, names)))
        .png()
        .toFile(join(dir, 'images', img.file));
    }
    await mkdir(join(opts.dir, 'results', ds.id), { recursive: true });
  }
  let results = 0;
  for (const [i, m] of models.entries()) {
    const dir = join(opts.dir, 'models', m.id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.yaml'), toYaml(manifest(m)));
    if (m.notes) await writeFile(join(dir, 'README.md'), m.notes);
    for (const [d, ds] of datasets.entries()) {
      const metrics = makeMetrics(m, ds, seed * 100_003 + i * 31 + d, decimals);
      await writeFile(join(opts.dir, 'results', ds.id, `${m.id}.json`), `${JSON.stringify(metrics)}\n`);
      results++;
    }
  }
  return {
    datasets: datasets.map((d) => d.id),
    models: models.map((m) => m.id),
    hidden: models.filter((m) => m.hidden).map((m) => m.id),
    results,
  };
}
