/**
 * A second, deliberately plain implementation of each real model's upstream post-processing,
 * written from the authors' code (not from Podium's decoders): nested arrays, per-class greedy
 * NMS, no typed-array tricks. The real-detector suite runs it on the raw outputs of a few images
 * and compares its boxes with the runner's, box by box.
 *
 * Sources: Ultralytics ops.non_max_suppression (YOLOv8; YOLO26's end-to-end head needs none),
 * YOLOX demo_postprocess + postprocess, opencv_zoo nanodet.py post_process, DEIMv2's
 * export_onnx.py PostProcessor (already applied in the graph), FastestDet example/onnx-runtime.
 */
import type { ImageTransform } from '../../src/lib/runner/boxes.ts';

export interface RefDet {
  /** x1 y1 x2 y2 in original pixels. */
  box: [number, number, number, number];
  score: number;
  cls: number;
}

interface Cand {
  box: [number, number, number, number];
  score: number;
  cls: number;
}

type Outputs = Record<string, { dims: readonly number[]; data: ArrayLike<number> }>;

const CONF = 0.001;
const IOU = 0.7;
const MAX_DET = 100;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function iou(a: Cand['box'], b: Cand['box']): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Candidates in input pixels (or original pixels when `original`), per model. */
export const REFERENCE: Record<
  string,
  (out: Outputs, inW: number, inH: number) => { cands: Cand[]; nms: boolean; original?: boolean }
> = {
  'yolov8n-int8': (out) => {
    const t = out['output0']!;
    const [, ch, n] = t.dims as [number, number, number];
    const cands: Cand[] = [];
    for (let a = 0; a < n; a++) {
      const [cx, cy, w, h] = [0, 1, 2, 3].map((k) => t.data[k * n + a]!) as [number, number, number, number];
      for (let c = 0; c < ch - 4; c++) {
        const s = t.data[(4 + c) * n + a]!;
        if (s > CONF) cands.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score: s, cls: c });
      }
    }
    return { cands, nms: true };
  },
  'yolo26n-int8': (out) => {
    const t = out['output0']!;
    const rows = t.dims[1]!;
    const cands: Cand[] = [];
    for (let r = 0; r < rows; r++) {
      const v = Array.from({ length: 6 }, (_, k) => t.data[r * 6 + k]!);
      if (v[4]! > CONF)
        cands.push({ box: [v[0]!, v[1]!, v[2]!, v[3]!], score: v[4]!, cls: Math.round(v[5]!) });
    }
    return { cands, nms: false };
  },
  'yolox-nano': (out, inW, inH) => {
    const t = out['output']!;
    const grid: [number, number, number][] = [];
    for (const s of [8, 16, 32]) {
      for (let y = 0; y < inH / s; y++) for (let x = 0; x < inW / s; x++) grid.push([x, y, s]);
    }
    const stride = t.dims[2]!;
    const cands: Cand[] = [];
    grid.forEach(([gx, gy, s], r) => {
      const v = (k: number) => t.data[r * stride + k]!;
      const cx = (v(0) + gx) * s;
      const cy = (v(1) + gy) * s;
      const w = Math.exp(v(2)) * s;
      const h = Math.exp(v(3)) * s;
      for (let c = 0; c < stride - 5; c++) {
        const score = v(4) * v(5 + c);
        if (score > CONF)
          cands.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, cls: c });
      }
    });
    return { cands, nms: true };
  },
  'nanodet-plus-m-1-5x-416': (out, inW, inH) => {
    // opencv_zoo's output order: class map then box map per level (strides 8, 16, 32).
    const levels: [string, string, number][] = [
      ['792', '795', 8],
      ['814', '817', 16],
      ['836', '839', 32],
    ];
    const cands: Cand[] = [];
    for (const [clsName, boxName, s] of levels) {
      const cls = out[clsName]!;
      const dist = out[boxName]!;
      const [, n, nc] = cls.dims as [number, number, number];
      const cols = Math.ceil(inW / s);
      const best = Array.from({ length: n }, (_, i) => {
        let m = -Infinity;
        for (let c = 0; c < nc; c++) m = Math.max(m, cls.data[i * nc + c]!);
        return [m, i] as const;
      })
        .filter(([m]) => m > CONF)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, 1000);
      for (const [, i] of best) {
        const d = [0, 1, 2, 3].map((k) => {
          const logits = Array.from({ length: 8 }, (_, j) => dist.data[i * 32 + k * 8 + j]!);
          const mx = Math.max(...logits);
          const e = logits.map((l) => Math.exp(l - mx));
          const sum = e.reduce((p, q) => p + q, 0);
          return (e.reduce((p, q, j) => p + q * j, 0) / sum) * s;
        });
        const cx = (i % cols) * s + 0.5 * (s - 1);
        const cy = Math.floor(i / cols) * s + 0.5 * (s - 1);
        const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
        const box: Cand['box'] = [
          clip(cx - d[0]!, inW),
          clip(cy - d[1]!, inH),
          clip(cx + d[2]!, inW),
          clip(cy + d[3]!, inH),
        ];
        for (let c = 0; c < nc; c++) {
          const score = cls.data[i * nc + c]!;
          if (score > CONF) cands.push({ box, score, cls: c });
        }
      }
    }
    return { cands, nms: true };
  },
  'deimv2-atto': (out) => {
    const q = out['scores']!.dims[1]!;
    const cands: Cand[] = [];
    for (let r = 0; r < q; r++) {
      const score = out['scores']!.data[r]!;
      const b = [0, 1, 2, 3].map((k) => out['boxes']!.data[r * 4 + k]!) as Cand['box'];
      if (score > CONF) cands.push({ box: b, score, cls: Number(out['labels']!.data[r]) });
    }
    return { cands, nms: false, original: true };
  },
  fastestdet: (out, inW, inH) => {
    const t = out['758']!;
    const [, ch, gh, gw] = t.dims as [number, number, number, number];
    const at = (c: number, y: number, x: number) => t.data[(c * gh + y) * gw + x]!;
    const cands: Cand[] = [];
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        const cx = ((x + Math.tanh(at(1, y, x))) / gw) * inW;
        const cy = ((y + Math.tanh(at(2, y, x))) / gh) * inH;
        const w = sigmoid(at(3, y, x)) * inW;
        const h = sigmoid(at(4, y, x)) * inH;
        for (let c = 0; c < ch - 5; c++) {
          const score = at(0, y, x) ** 0.6 * at(5 + c, y, x) ** 0.4;
          if (score > CONF)
            cands.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, cls: c });
        }
      }
    }
    return { cands, nms: true };
  },
};

/** The board's selection on reference candidates: drop empty, per-class NMS, top 100, to original pixels. */
export function referenceDetections(model: string, out: Outputs, t: ImageTransform): RefDet[] {
  const { cands, nms, original } = REFERENCE[model]!(out, t.inputWidth, t.inputHeight);
  const toOriginal = (b: Cand['box']): Cand['box'] => {
    const m = original
      ? b
      : ([
          (b[0] - t.padLeft) / t.ratioX,
          (b[1] - t.padTop) / t.ratioY,
          (b[2] - t.padLeft) / t.ratioX,
          (b[3] - t.padTop) / t.ratioY,
        ] as Cand['box']);
    const cx = (v: number) => Math.min(Math.max(v, 0), t.originalWidth);
    const cy = (v: number) => Math.min(Math.max(v, 0), t.originalHeight);
    return [cx(m[0]), cy(m[1]), cx(m[2]), cy(m[3])];
  };
  const alive = cands.filter((c) => {
    const o = toOriginal(c.box);
    return o[2] > o[0] && o[3] > o[1];
  });
  let kept: Cand[];
  if (nms) {
    kept = [];
    const classes = new Set(alive.map((c) => c.cls));
    for (const cls of classes) {
      const mine = alive.filter((c) => c.cls === cls).sort((a, b) => b.score - a.score);
      const keep: Cand[] = [];
      for (const c of mine) if (keep.every((k) => iou(k.box, c.box) <= IOU)) keep.push(c);
      kept.push(...keep);
    }
  } else kept = alive;
  return kept
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_DET)
    .map((c) => ({ box: toOriginal(c.box), score: c.score, cls: c.cls }));
}
