import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/prng.ts';
import { nms, nmsDenseRows } from './nms.ts';
import { ascendingAt } from './order-statistic.ts';

const rng = mulberry32;

/** The textbook algorithm, written independently: per class, sort, greedy; merge; top maxDet. */
function referenceNms(
  boxes: number[][],
  scores: number[],
  classes: number[],
  conf: number,
  iouThr: number,
  maxDet: number,
): number[] {
  const area = (b: number[]) => Math.max(0, b[2]! - b[0]!) * Math.max(0, b[3]! - b[1]!);
  const iou = (a: number[], b: number[]) => {
    const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
    const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
    if (w <= 0 || h <= 0) return 0;
    const inter = w * h;
    return inter / (area(a) + area(b) - inter);
  };
  const keptAll: number[] = [];
  for (const c of new Set(classes)) {
    const idx = scores
      .map((s, i) => [s, i] as const)
      .filter(([s, i]) => s > conf && classes[i] === c)
      .sort((x, y) => y[0] - x[0] || x[1] - y[1])
      .map(([, i]) => i);
    const kept: number[] = [];
    for (const i of idx) if (kept.every((j) => iou(boxes[i]!, boxes[j]!) <= iouThr)) kept.push(i);
    keptAll.push(...kept);
  }
  keptAll.sort((i, j) => scores[j]! - scores[i]! || i - j);
  return keptAll.slice(0, maxDet);
}

function randomCase(seed: number, n: number, nc: number) {
  const r = rng(seed);
  const boxes: number[][] = [];
  const scores: number[] = [];
  const classes: number[] = [];
  for (let i = 0; i < n; i++) {
    // Clustered boxes so that many overlap.
    const cx = 50 + Math.floor(r() * 4) * 30 + r() * 20;
    const cy = 50 + Math.floor(r() * 4) * 30 + r() * 20;
    const w = 10 + r() * 40;
    const h = 10 + r() * 40;
    boxes.push([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]);
    // Quantised scores produce ties, which both implementations must break by index.
    scores.push(Math.round(r() * 200) / 200);
    classes.push(Math.floor(r() * nc));
  }
  return { boxes, scores, classes };
}

describe('nms', () => {
  it('matches a reference implementation on random clustered boxes', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { boxes, scores, classes } = randomCase(seed, 300, 1 + (seed % 5));
      const conf = [0.001, 0.25, 0.5][seed % 3]!;
      const iouThr = [0.45, 0.6, 0.7][seed % 3]!;
      const maxDet = [10, 100, 300][seed % 3]!;
      const fb = new Float32Array(boxes.flat());
      const fs = new Float32Array(scores);
      // Reference on the float32-rounded values so both see identical inputs.
      const rb = Array.from({ length: boxes.length }, (_, i) => Array.from(fb.subarray(i * 4, i * 4 + 4)));
      const expected = referenceNms(rb, Array.from(fs), classes, conf, iouThr, maxDet);
      const got = nms(fb, fs, new Int32Array(classes), { conf, iou: iouThr, maxDet });
      expect(Array.from(got)).toEqual(expected);
    }
  });

  it('matches the reference on 10⁴-candidate images, where it pops a first heap of the best few thousand, then the rest', () => {
    for (let seed = 1; seed <= 6; seed++) {
      // Seeds 4-6: a few boxes repeated thousands of times, so the best few thousand candidates
      // suppress each other and NMS must go on into the second heap to keep maxDet boxes.
      const dense = seed > 3;
      const { boxes, scores, classes } = randomCase(seed, dense ? 12_000 : 20_000, dense ? 2 : 80);
      if (dense) for (let i = 0; i < 9_000; i++) boxes[i] = [10, 10, 50, 50].map((v) => v + (i % 3) * 0.01);
      const fb = new Float32Array(boxes.flat());
      const fs = new Float32Array(scores.map((v, i) => (!dense ? v : i < 9_000 ? 0.9 + v / 20 : v / 2)));
      const rb = Array.from({ length: boxes.length }, (_, i) => Array.from(fb.subarray(i * 4, i * 4 + 4)));
      const expected = referenceNms(rb, Array.from(fs), classes, 0.001, 0.7, 100);
      const got = nms(fb, fs, new Int32Array(classes), { conf: 0.001, iou: 0.7, maxDet: 100 });
      expect(got.length).toBe(100);
      expect(Array.from(got)).toEqual(expected);
    }
  });

  it('keeps overlapping boxes of different classes, and suppresses them when agnostic', () => {
    const boxes = new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 0, 0, 10, 10]);
    const scores = new Float32Array([0.9, 0.8, 0.7]);
    const classes = new Int32Array([0, 0, 1]);
    expect(Array.from(nms(boxes, scores, classes, { iou: 0.5 }))).toEqual([0, 2]);
    expect(Array.from(nms(boxes, scores, classes, { iou: 0.5, agnostic: true }))).toEqual([0]);
  });

  it('uses strict thresholds: score must exceed conf, IoU must exceed iou to suppress', () => {
    // Two boxes with IoU exactly 0.5 (intersection 50, union 100).
    const boxes = new Float32Array([0, 0, 10, 7.5, 0, 2.5, 10, 10]);
    const scores = new Float32Array([0.9, 0.25]);
    const classes = new Int32Array([3, 3]);
    expect(Array.from(nms(boxes, scores, classes, { iou: 0.5, conf: 0.1 }))).toEqual([0, 1]);
    expect(Array.from(nms(boxes, scores, classes, { iou: 0.49, conf: 0.1 }))).toEqual([0]);
    expect(Array.from(nms(boxes, scores, classes, { iou: 0.5, conf: 0.25 }))).toEqual([0]);
  });

  it('caps candidates before suppression like max_nms', () => {
    const boxes = new Float32Array([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10]);
    const scores = new Float32Array([0.3, 0.9, 0.5]);
    const got = nms(boxes, scores, new Int32Array(3), { maxCandidates: 2 });
    expect(Array.from(got)).toEqual([1, 2]);
  });

  it('reads shared boxes through boxIndex exactly as the same boxes repeated per candidate', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { boxes, scores, classes } = randomCase(seed, 20_000, 20);
      const rows = new Float32Array(boxes.slice(0, 500).flat());
      const r = rng(seed + 100);
      const boxIndex = Int32Array.from(scores, () => Math.floor(r() * 500));
      const repeated = new Float32Array(scores.length * 4);
      boxIndex.forEach((b, i) => {
        repeated.set(rows.subarray(b * 4, b * 4 + 4), i * 4);
      });
      const fs = new Float32Array(scores);
      const fc = new Int32Array(classes);
      const options = { conf: 0.001, iou: 0.6, maxDet: 100 };
      const expected = Array.from(nms(repeated, fs, fc, options));
      expect(expected.length).toBe(100);
      expect(Array.from(nms(rows, fs, fc, options, { boxIndex }))).toEqual(expected);
    }
  });

  it('gives the same result with a negative conf (the split falls back to a range histogram)', () => {
    const { boxes, scores, classes } = randomCase(9, 12_000, 3);
    const fb = new Float32Array(boxes.flat());
    const fs = new Float32Array(scores.map((v) => v - 0.5));
    const rb = Array.from({ length: boxes.length }, (_, i) => Array.from(fb.subarray(i * 4, i * 4 + 4)));
    const expected = referenceNms(rb, Array.from(fs), classes, -0.2, 0.7, 100);
    expect(Array.from(nms(fb, fs, new Int32Array(classes), { conf: -0.2, iou: 0.7, maxDet: 100 }))).toEqual(
      expected,
    );
  });

  it('splits its two heaps exactly when scores sit on the split itself (powers of two are bin edges)', () => {
    const n = 12_000;
    const r = rng(5);
    // Disjoint boxes (nothing suppressed) and scores that are all bin edges, so the first heap's
    // split equals the score of thousands of candidates: each must be popped exactly once, in order.
    const boxes = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) boxes.set([i * 10, 0, i * 10 + 5, 5], i * 4);
    const scores = Float32Array.from({ length: n }, () => 2 ** -Math.floor(r() * 4));
    const classes = Int32Array.from({ length: n }, () => Math.floor(r() * 80));
    const rb = Array.from({ length: n }, (_, i) => Array.from(boxes.subarray(i * 4, i * 4 + 4)));
    const expected = referenceNms(rb, Array.from(scores), Array.from(classes), 0.001, 0.7, n);
    const got = nms(boxes, scores, classes, { conf: 0.001, iou: 0.7, maxDet: n });
    expect(got.length).toBe(n);
    expect(Array.from(got)).toEqual(expected);
  });

  it('nmsDenseRows keeps what nms keeps over the usable rows, through every stage and at tied thresholds', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(seed);
      const nRows = 3000;
      const perBox = 5;
      // Seeds 1-4: a few distinct boxes, so each class keeps only a handful and the walk runs
      // through every stage to the end; 5-8: spread boxes, maxDet reached early.
      const spread = seed > 4;
      const boxes = new Float32Array(nRows * 4);
      for (let b = 0; b < nRows; b++) {
        const x = spread ? r() * 500 : Math.floor(r() * 3) * 100;
        boxes.set([x, x, x + 40, x + 40], b * 4);
      }
      // Coarse scores: many ties, also between row maxima and the stage thresholds read from them.
      const scores = Float32Array.from({ length: nRows * perBox }, () =>
        r() < 0.2 ? Number.NaN : Math.round(r() * 50) / 50,
      );
      const usable = Uint8Array.from({ length: nRows }, () => (r() < 0.9 ? 1 : 0));
      const max = new Float32Array(nRows).fill(Number.NEGATIVE_INFINITY);
      let count = 0;
      scores.forEach((v, i) => {
        const row = Math.floor(i / perBox);
        if (v > 0.001) {
          max[row] = Math.max(max[row]!, v);
          if (usable[row]) count++;
        }
      });
      const options = { conf: 0.001, iou: 0.5, maxDet: spread ? 100 : 3000 };
      // nms over the same entries, those of unusable rows dropped.
      const plain = scores.map((v, i) => (usable[Math.floor(i / perBox)] ? v : -1));
      const classes = Int32Array.from(plain, (_, i) => i % perBox);
      const boxIndex = Int32Array.from(plain, (_, i) => Math.floor(i / perBox));
      const expected = Array.from(nms(boxes, plain, classes, options, { boxIndex }));
      expect(expected.length).toBeGreaterThan(spread ? 99 : 5);
      const got = nmsDenseRows(boxes, scores, { perBox, usable, max, count }, options);
      expect(Array.from(got)).toEqual(expected);
    }
  });
});

describe('ascendingAt', () => {
  it('gives the value sort() puts at each index: ties, ±0, infinities, and NaN (last)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 300);
      const a = Float32Array.from({ length: n }, () => {
        const x = r();
        if (x < 0.05) return seed % 4 === 0 ? Number.NaN : 0;
        if (x < 0.1) return -0;
        if (x < 0.12) return Number.NEGATIVE_INFINITY;
        if (x < 0.14) return Number.POSITIVE_INFINITY;
        return x < 0.5 ? Math.round(r() * 8) / 8 : r(); // many ties, and distinct values
      });
      const sorted = a.slice().sort();
      const work = a.slice();
      for (const k of [0, n - 1, Math.floor(r() * n), Math.floor(r() * n)]) {
        const got = ascendingAt(work, k);
        // -0 and +0 are one threshold (see ascendingAt); everything else is the very value.
        expect(got === 0 ? 0 : got).toBe(sorted[k] === 0 ? 0 : sorted[k]);
      }
      expect(work.slice().sort()).toEqual(sorted); // reordered, nothing lost
    }
  });
});
