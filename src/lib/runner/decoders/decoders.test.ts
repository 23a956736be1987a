import { afterEach, describe, expect, it } from 'vitest';
import { buildHeadModel, type HeadOutput } from '../../../../tests/support/head-model.ts';
import { UserError } from '../../util/errors.ts';
import { createSession, type ModelSession } from '../session.ts';
import { FAMILIES, getDecoder } from './index.ts';
import { type Candidates, candidateBox, candidateIndices, type DecodeContext } from './types.ts';

const H = 32;
const W = 48;
const ctx: DecodeContext = { inputWidth: W, inputHeight: H, conf: 0.25, maxDet: 100, multiLabel: true };

const sessions: ModelSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.release();
});

/** Runs a head model on a batch of constant images (values v / 1 each), returns decoded candidates. */
async function decodeWith(
  family: string,
  outputs: HeadOutput[],
  imageMeans: number[],
  options: { numClasses?: number; activation?: 'sigmoid' | 'softmax'; ctx?: Partial<DecodeContext> } = {},
): Promise<Candidates[]> {
  const session = await createSession(buildHeadModel({ outputs }));
  sessions.push(session);
  const bound = getDecoder(family).bind(session.outputs, {
    ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
    ...(options.activation === undefined ? {} : { activation: options.activation }),
  });
  const pixels = new Float32Array(imageMeans.length * 3 * H * W);
  imageMeans.forEach((v, b) => {
    pixels.fill(v, b * 3 * H * W, (b + 1) * 3 * H * W);
  });
  const { outputs: results } = await session.run(
    { images: { data: pixels, dims: [imageMeans.length, 3, H, W] } },
    bound.outputNames,
  );
  return bound.decode(results, { ...ctx, ...options.ctx });
}

const rows = (c: Candidates) =>
  candidateIndices(c).map((i) => [...Array.from(candidateBox(c, i)), c.scores[i]!, c.classes[i]!]);

/** Channel-major [4+nc, N] from per-anchor [cx, cy, w, h, ...scores]. */
function channelMajor(anchors: number[][]): Float32Array {
  const ch = anchors[0]!.length;
  const out = new Float32Array(ch * anchors.length);
  anchors.forEach((a, n) => {
    a.forEach((v, c) => {
      out[c * anchors.length + n] = v;
    });
  });
  return out;
}

describe('decoder registry', () => {
  it('lists the families and refuses an unknown one', () => {
    expect(FAMILIES).toEqual([
      'yolov8',
      'yolov5',
      'end2end',
      'detr',
      'yolox',
      'nanodet',
      'fastestdet',
      'postprocessed',
    ]);
    expect(() => getDecoder('yolov9000', 'models/x/model.yaml')).toThrow(UserError);
    expect(() => getDecoder('yolov9000')).toThrow(
      /unknown model family 'yolov9000'; known families: yolov8, /,
    );
    expect(() => getDecoder('toString')).toThrow(/unknown model family/);
  });
});

describe('yolov8 decoder', () => {
  // Three anchors, two classes. Anchor 2 is below conf for both classes.
  const anchors = [
    [10, 10, 4, 6, 0.9, 0.3],
    [20, 16, 8, 8, 0.1, 0.6],
    [30, 5, 2, 2, 0.2, 0.25],
  ];
  const shift = channelMajor([
    [5, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ]);
  const outputs = [{ name: 'output0', dims: [6, 3], base: channelMajor(anchors), shift }];

  it('decodes cx cy w h in input pixels with per-class candidates, per batch item', async () => {
    const [a, b] = await decodeWith('yolov8', outputs, [0, 1], { numClasses: 2 });
    const expectA = [
      [8, 7, 12, 13, 0.9, 0],
      [8, 7, 12, 13, 0.3, 1],
      [16, 12, 24, 20, 0.6, 1],
    ];
    expect(rows(a!).map((r) => r.map((v) => +v.toFixed(5)))).toEqual(expectA);
    // Image 2 has mean 1: anchor 0 moves 5 px right.
    expect(rows(b!)[0]!.map((v) => +v.toFixed(5))).toEqual([13, 7, 17, 13, 0.9, 0]);
    expect(a!.needsNms).toBe(true);
  });

  it('keeps only the best class per anchor when multiLabel is off', async () => {
    const [a] = await decodeWith('yolov8', outputs, [0], { numClasses: 2, ctx: { multiLabel: false } });
    expect(Array.from(a!.classes)).toEqual([0, 1]);
    expect(Array.from(a!.scores).map((s) => +s.toFixed(5))).toEqual([0.9, 0.6]);
  });

  it('refuses outputs in another layout with a message naming shapes and family', async () => {
    const session = await createSession(buildHeadModel({ inputDims: [1, 3, H, W], outputs }));
    sessions.push(session);
    expect(() => getDecoder('yolov5').bind(session.outputs, { file: 'm.onnx' })).toThrow(
      "m.onnx: model outputs [1,6,3] do not match family 'yolov5', which expects [B, N, 5+nc]",
    );
    expect(() => getDecoder('yolov8').bind(session.outputs, { numClasses: 80 })).toThrow(
      /\[1,6,3\] do not match family 'yolov8', which expects \[B, 4\+nc, N\] \(80 classes give 4\+nc = 84\)/,
    );
  });
});

describe('yolov5 decoder', () => {
  it('multiplies objectness by class probability and skips low objectness', async () => {
    const base = new Float32Array([
      // cx cy w h obj c0 c1
      10, 10, 4, 4, 0.8, 0.5, 0.9, 20, 20, 10, 2, 0.2, 1, 1, 30, 30, 6, 6, 0.5, 0.4, 0.6,
    ]);
    const [a] = await decodeWith('yolov5', [{ name: 'output', dims: [3, 7], base }], [0], { numClasses: 2 });
    expect(rows(a!).map((r) => r.map((v) => +v.toFixed(5)))).toEqual([
      [8, 8, 12, 12, 0.4, 0],
      [8, 8, 12, 12, 0.72, 1],
      [27, 27, 33, 33, 0.3, 1],
    ]);
    expect(a!.needsNms).toBe(true);
  });
});

describe('end2end decoder', () => {
  it('reads x1 y1 x2 y2 score class, filters by conf, needs no NMS', async () => {
    const base = new Float32Array([
      1, 2, 11, 12, 0.95, 7, 5, 5, 6, 6, 0.1, 3, 0, 0, 0, 0, 0, 0, 20, 4, 40, 30, 0.5, 2,
    ]);
    const shift = new Float32Array(24);
    shift[0] = 2; // x1 of row 0 moves with the image mean
    const [a, b] = await decodeWith('end2end', [{ name: 'dets', dims: [4, 6], base, shift }], [0, 0.5], {
      numClasses: 10,
    });
    expect(rows(a!).map((r) => r.map((v) => +v.toFixed(5)))).toEqual([
      [1, 2, 11, 12, 0.95, 7],
      [20, 4, 40, 30, 0.5, 2],
    ]);
    expect(rows(b!)[0]![0]).toBeCloseTo(2, 5);
    expect(a!.needsNms).toBe(false);
  });

  it('refuses a class index outside the class list', async () => {
    const base = new Float32Array([1, 2, 11, 12, 0.95, 12]);
    await expect(
      decodeWith('end2end', [{ name: 'dets', dims: [1, 6], base }], [0], { numClasses: 10 }),
    ).rejects.toThrow(/class 12, outside 0\.\.9/);
  });
});

describe('detr decoder', () => {
  const logit = (p: number) => Math.log(p / (1 - p));
  // Two queries: boxes normalised cx cy w h.
  const boxes = new Float32Array([0.5, 0.5, 0.25, 0.5, 0.25, 0.125, 0.5, 0.25]);

  it('sigmoid: top-k over queries x classes, scaled to input pixels; outputs found by shape in any order', async () => {
    const logits = new Float32Array([
      logit(0.9),
      logit(0.3),
      logit(0.1),
      logit(0.05),
      logit(0.8),
      logit(0.4),
    ]);
    const outputs = [
      { name: 'pred_logits', dims: [2, 3], base: logits },
      { name: 'pred_boxes', dims: [2, 4], base: boxes },
    ];
    const [a] = await decodeWith('detr', outputs, [0], { numClasses: 3 });
    // Query 0 box: cx 24, cy 16, w 12, h 16 → [18, 8, 30, 24]; query 1: cx 12, cy 4, w 24, h 8 → [0, 0, 24, 8].
    expect(rows(a!).map((r) => r.map((v) => +v.toFixed(4)))).toEqual([
      [18, 8, 30, 24, 0.9, 0],
      [0, 0, 24, 8, 0.8, 1],
      [0, 0, 24, 8, 0.4, 2],
      [18, 8, 30, 24, 0.3, 1],
    ]);
    expect(a!.needsNms).toBe(false);
    const [capped] = await decodeWith('detr', outputs, [0], { ctx: { maxDet: 2 } });
    expect(Array.from(capped!.scores).map((s) => +s.toFixed(4))).toEqual([0.9, 0.8]);
  });

  it('softmax: best real class per query, the trailing no-object class never chosen', async () => {
    // Query 0: softmax of [2, 0, 3] → no-object wins overall, but its best real class is 0.
    const logits = new Float32Array([2, 0, 3, 0, 4, 0]);
    const outputs = [
      { name: 'boxes', dims: [2, 4], base: boxes },
      { name: 'logits', dims: [2, 3], base: logits },
    ];
    const [a] = await decodeWith('detr', outputs, [0], {
      numClasses: 2,
      activation: 'softmax',
      ctx: { conf: 0.001 },
    });
    const sm = (xs: number[], i: number) => Math.exp(xs[i]!) / xs.reduce((s, x) => s + Math.exp(x), 0);
    expect(Array.from(a!.classes)).toEqual([1, 0]);
    expect(a!.scores[0]).toBeCloseTo(sm([0, 4, 0], 1), 6);
    expect(a!.scores[1]).toBeCloseTo(sm([2, 0, 3], 0), 6);
  });

  it('names the mismatch when classes do not fit the activation, or outputs are missing', async () => {
    const session = await createSession(
      buildHeadModel({
        inputDims: [1, 3, H, W],
        outputs: [
          { name: 'pred_boxes', dims: [2, 4], base: boxes },
          { name: 'pred_logits', dims: [2, 3], base: new Float32Array(6) },
        ],
      }),
    );
    sessions.push(session);
    expect(() => getDecoder('detr').bind(session.outputs, { numClasses: 3, activation: 'softmax' })).toThrow(
      /3 classes with softmax logits need C = 4/,
    );
    expect(() => getDecoder('detr').bind(session.outputs.slice(0, 1), {})).toThrow(
      /model outputs \[1,2,4\] do not match family 'detr'.*expected 2 outputs, got 1/,
    );
    expect(() => getDecoder('yolov8').bind(session.outputs, {})).toThrow(/expected one output, got 2/);
  });
});
