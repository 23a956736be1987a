// Over 400 lines: one graph builder, its scan/extent helpers and the three head kinds it can end in, all sharing one Graph.
/**
 * The demo detectors: real ONNX graphs that find the shapes dataset's objects from the pixels, with
 * standard operators only (Conv, Sigmoid, AveragePool, MaxPool, GatherElements, TopK, ...). Nothing
 * about any particular image is stored in a graph; the only constants are the six class colours,
 * thresholds and index ramps.
 *
 * Input: `images` [1, 3, S, S] float32, RGB scaled to [0, 1] (pixel / 255), letterboxed with grey
 * 114 padding (grey is far from every class colour, so padding never fires).
 *
 * How it works, in the input's pixel coordinates (x right, y down):
 *  1. colour mask per class: m_c = sigmoid(k · (t² − |rgb − p_c|²)), one channel per class
 *     ([1, C, R, R], R = S / colourScale, on colourScale² pixel means); |rgb − p|² is expanded as
 *     |rgb|² − 2 p·rgb + |p|² so a 1×1 Conv does the work.
 *  2. fill per grid cell: AveragePool over each cell → D [1, C, G, G], G = S / s.
 *     A cell is "on" when D > fill.
 *  3. runs: for each on-cell, where its horizontal run of on-cells starts and ends (le, re) and
 *     likewise vertically (te, be), in cell units, end exclusive. A running maximum along a row
 *     (MaxPool with a 2-tap kernel, dilations 1, 2, 4, ...: log2 G steps) finds the last off-cell
 *     before each cell; the same scan from the other side finds the next one.
 *  4. (optional) sub-cell edges: the fill of the boundary cells moves each edge by a fraction of a
 *     cell (GatherElements at the run ends).
 *  5. box per cell: 'runs' takes [le, te, re, be] through the cell itself, which is exact at the
 *     centre of a symmetric shape only; 'two-pass' takes the least le / greatest re over the
 *     vertical run through the cell, and the least te / greatest be over its horizontal run, which
 *     recovers the extent of triangles, stars and crosses. The segmented min/max is again a
 *     running max, over keys `segment · BIG ± value` so that a run never mixes with the previous one.
 *  6. score per cell and class: fill × sqrt(centreness), centreness being FCOS's
 *     min(l, r)/max(l, r) · min(t, b)/max(t, b) of the cell centre within its box, so the cell at
 *     the box centre scores highest.
 *  7. head: one of the runner's output layouts (see HeadSpec).
 */
import { attr } from '../../onnx/builder.ts';
import { SHAPE_CLASSES } from '../shape-classes.ts';
import { Graph } from './graph.ts';

export type HeadSpec =
  /** `output0` [1, 4 + C, G·G]: cx cy w h in input pixels, then per-class scores; NMS follows. */
  | { kind: 'yolov8' }
  /** `output0` [1, K, 6]: x1 y1 x2 y2 (input pixels) score class, local maxima only, top K. */
  | { kind: 'end2end'; topK: number }
  /** `boxes` [1, Q, 4] cx cy w h normalised to the input; `logits` [1, Q, C] (sigmoid). */
  | { kind: 'detr'; queries: number };

export interface ColourDetectorSpec {
  /** Square input side S in pixels. */
  inputSize: number;
  /** Grid cell side s in pixels; S must be a multiple. */
  stride: number;
  /** The colour test runs on f×f means of the input (1: every pixel); the stride must be a multiple. */
  colourScale: 1 | 2;
  /** Colour tolerance t: RGB distance (0–1 per channel) at which the mask is 0.5. */
  tolerance: number;
  /** Sharpness k of the colour mask's sigmoid, per unit of squared distance. */
  sharpness: number;
  /** A cell is on when its mean mask exceeds this. */
  fill: number;
  extents: 'runs' | 'two-pass';
  /** Sub-cell edge refinement (step 4). */
  refine: boolean;
  head: HeadSpec;
}

export interface BuiltModel {
  bytes: Uint8Array;
  flops: number;
  params: number;
}

const C = SHAPE_CLASSES.length;

/**
 * Class prototypes: the nominal colours at the dataset's mean brightness (objects are painted at
 * 0.78–1.08 × nominal), scaled to [0, 1].
 */
function prototypes(): number[][] {
  return SHAPE_CLASSES.map((c) => c.rgb.map((v) => (v * 0.93) / 255));
}

/** Cell-unit box edges, each [1, C, G, G]. */
interface Edges {
  x1: string;
  y1: string;
  x2: string;
  y2: string;
}

export function buildColourDetector(spec: ColourDetectorSpec): BuiltModel {
  const S = spec.inputSize;
  const s = spec.stride;
  if (S % s !== 0) throw new Error(`input size ${S} is not a multiple of stride ${s}`);
  const G = S / s;
  const g = new Graph('shapes-colour-detector');
  const grid = [1, C, G, G];

  // 1. Colour masks [1, C, R, R].
  let x = g.input('images', [1, 3, S, S]);
  // Colour test resolution: the input, or its 2×2 means (which also averages out JPEG ringing and
  // sensor grain, and quarters the work of the colour test).
  const f = spec.colourScale;
  if (s % f !== 0) throw new Error(`stride ${s} is not a multiple of colourScale ${f}`);
  const R = S / f;
  if (f > 1) {
    x = g.op(
      'AveragePool',
      [x],
      [1, 3, R, R],
      { kernel_shape: attr.ints([f, f]), strides: attr.ints([f, f]) },
      f * f,
    );
  }
  const P = prototypes();
  const kk = spec.sharpness;
  const t2 = spec.tolerance ** 2;
  const w = g.constant(
    P.flatMap((p) => p.map((v) => 2 * kk * v)),
    [C, 3, 1, 1],
    { param: true, hint: 'colour_w' },
  );
  const bias = g.constant(
    P.map((p) => kk * (t2 - p.reduce((a, v) => a + v * v, 0))),
    [C],
    { param: true, hint: 'colour_b' },
  );
  const linear = g.op('Conv', [x, w, bias], [1, C, R, R], { kernel_shape: attr.ints([1, 1]) }, 2 * 3);
  const sq = g.mul(x, x);
  const norm = g.op('ReduceSum', [sq, g.ints([1])], [1, 1, R, R], { keepdims: attr.int(1) }, 3);
  const logits = g.sub(linear, g.mulScalar(norm, kk));
  const mask = g.unary('Sigmoid', logits);

  // 2. Fill per cell [1, C, G, G] and on-cells.
  const cell = s / f;
  const fill =
    cell === 1
      ? mask
      : g.op(
          'AveragePool',
          [mask],
          grid,
          { kernel_shape: attr.ints([cell, cell]), strides: attr.ints([cell, cell]) },
          cell * cell,
        );
  const on = g.cast(g.op('Greater', [fill, g.scalar(spec.fill)], grid), 'float32');
  const off = g.sub(g.scalar(1), on);

  // Index ramps: column index along W, row index along H.
  const ramp = Array.from({ length: G }, (_, i) => i);
  const colIdx = g.constant(ramp, [1, 1, 1, G], { hint: 'col_idx' });
  const rowIdx = g.constant(ramp, [1, 1, G, 1], { hint: 'row_idx' });

  // 3. Runs.
  const runs = {
    le: runStart(g, off, colIdx, 'W', G),
    re: runEnd(g, off, colIdx, 'W', G),
    te: runStart(g, off, rowIdx, 'H', G),
    be: runEnd(g, off, rowIdx, 'H', G),
  };

  // 4. Sub-cell edges.
  let edges: Edges = { x1: runs.le, x2: runs.re, y1: runs.te, y2: runs.be };
  if (spec.refine) {
    edges = {
      x1: refineStart(g, fill, runs.le, 'W', G),
      x2: refineEnd(g, fill, runs.re, 'W', G),
      y1: refineStart(g, fill, runs.te, 'H', G),
      y2: refineEnd(g, fill, runs.be, 'H', G),
    };
  }

  // 5. Extents over the perpendicular run.
  if (spec.extents === 'two-pass') {
    edges = {
      x1: segmentExtreme(g, edges.x1, 'min', runs.te, runs.be, on, off, 'H', G),
      x2: segmentExtreme(g, edges.x2, 'max', runs.te, runs.be, on, off, 'H', G),
      y1: segmentExtreme(g, edges.y1, 'min', runs.le, runs.re, on, off, 'W', G),
      y2: segmentExtreme(g, edges.y2, 'max', runs.le, runs.re, on, off, 'W', G),
    };
  }

  // 6. Scores [1, C, G, G], zero on off-cells.
  const cx = g.addScalar(colIdx, 0.5);
  const cy = g.addScalar(rowIdx, 0.5);
  const balance = (lo: string, hi: string) => {
    const eps = g.scalar(0.01);
    const a = g.max(lo, eps);
    const b = g.max(hi, eps);
    return g.div(g.min(a, b), g.max(a, b));
  };
  const ctrX = balance(g.sub(cx, edges.x1), g.sub(edges.x2, cx));
  const ctrY = balance(g.sub(cy, edges.y1), g.sub(edges.y2, cy));
  const centreness = g.unary('Sqrt', g.mul(ctrX, ctrY));
  // A unique, tiny tie-break per cell so that a plateau of equal scores has a single maximum.
  const tie = g.constant(
    Array.from({ length: G * G }, (_, i) => 1 + 1e-4 * (1 - i / (G * G))),
    [1, 1, G, G],
    { hint: 'tie_break' },
  );
  const score = g.mul(g.mul(g.mul(fill, centreness), on), tie);

  // Boxes in input pixels.
  const px = (v: string) => g.mulScalar(v, s);
  const box = { x1: px(edges.x1), y1: px(edges.y1), x2: px(edges.x2), y2: px(edges.y2) };

  // 7. Head.
  switch (spec.head.kind) {
    case 'yolov8':
      yoloHead(g, box, score, G);
      break;
    case 'end2end':
      end2endHead(g, box, score, G, spec.head.topK);
      break;
    case 'detr':
      detrHead(g, box, score, G, S, spec.head.queries);
      break;
  }
  return { bytes: g.toBytes(), flops: g.flops, params: g.params };
}

type Axis = 'H' | 'W';

/**
 * Running maximum along an axis, forward (each cell sees itself and everything before it) or
 * backward, by doubling: step d takes the max with a copy shifted by d cells, so after it each cell
 * has seen 2d cells. The shift is a Pad with a negative pad at the far end (a crop); the cells
 * shifted in from outside hold -1e9, below every key used here. (MaxPool with dilations would do a
 * step in one op, but onnxruntime refuses pads as large as the kernel.)
 */
function scanMax(g: Graph, x: string, axis: Axis, direction: 'forward' | 'backward', G: number): string {
  let out = x;
  const shape = g.shape(x);
  const fillValue = g.constant([-1e9], [], { hint: 'outside' });
  const dim = axis === 'W' ? 3 : 2;
  for (let d = 1; d < G; d *= 2) {
    // Pad's pads are [N, C, H, W] begins then [N, C, H, W] ends.
    const pads = [0, 0, 0, 0, 0, 0, 0, 0];
    pads[dim] = direction === 'forward' ? d : -d;
    pads[dim + 4] = -pads[dim]!;
    const shifted = g.op('Pad', [out, g.ints(pads), fillValue], shape, { mode: attr.string('constant') }, 0);
    out = g.max(out, shifted);
  }
  return out;
}

/** First on-cell of the run through each cell (= index of the last off-cell before it, plus 1). */
function runStart(g: Graph, off: string, idx: string, axis: Axis, G: number): string {
  // Off-cells carry their index, on-cells -1; the running max is the last off-cell so far.
  const key = g.addScalar(g.mul(g.addScalar(idx, 1), off), -1);
  return g.addScalar(scanMax(g, key, axis, 'forward', G), 1);
}

/** One past the last on-cell of the run (= index of the next off-cell, or G). */
function runEnd(g: Graph, off: string, idx: string, axis: Axis, G: number): string {
  // Off-cells carry -index, on-cells -G; the backward running max is -(next off-cell).
  const key = g.addScalar(g.mul(g.addScalar(g.mulScalar(idx, -1), G), off), -G);
  return g.mulScalar(scanMax(g, key, axis, 'backward', G), -1);
}

/**
 * Moves a run's start edge by the fill of its boundary cells: with a straight edge, either the
 * first on-cell is partly covered (edge moves right by 1 − its fill) or the off-cell before it is
 * partly covered (edge moves left by its fill).
 */
function refineStart(g: Graph, fill: string, start: string, axis: Axis, G: number): string {
  const ax = axis === 'W' ? 3 : 2;
  const gather = (at: string) =>
    g.op('GatherElements', [fill, g.cast(at, 'int64')], g.shape(fill), { axis: attr.int(ax) }, 0);
  const first = g.min(start, g.scalar(G - 1));
  const before = g.max(g.addScalar(start, -1), g.scalar(0));
  // The run may start at the border, where there is no cell before it.
  const hasBefore = g.min(start, g.scalar(1));
  const fFirst = gather(first);
  const fBefore = g.mul(gather(before), hasBefore);
  return g.sub(g.add(start, g.sub(g.scalar(1), fFirst)), fBefore);
}

/** The mirror image of refineStart for the (exclusive) end edge. */
function refineEnd(g: Graph, fill: string, end: string, axis: Axis, G: number): string {
  const ax = axis === 'W' ? 3 : 2;
  const gather = (at: string) =>
    g.op('GatherElements', [fill, g.cast(at, 'int64')], g.shape(fill), { axis: attr.int(ax) }, 0);
  const last = g.max(g.addScalar(end, -1), g.scalar(0));
  const after = g.min(end, g.scalar(G - 1));
  const hasAfter = g.min(g.sub(g.scalar(G), end), g.scalar(1));
  const fLast = gather(last);
  const fAfter = g.mul(gather(after), hasAfter);
  return g.add(g.sub(end, g.sub(g.scalar(1), fLast)), fAfter);
}

/**
 * The least (or greatest) of `value` over the run of on-cells through each cell along `axis`, the
 * run being [segStart, segEnd). Keys `segStart · BIG − value` make a forward running max stay within
 * the current run (earlier runs have smaller segStart and lose by at least BIG − range); the backward
 * pass uses `−segEnd · BIG`. Off-cells get a key below every real one. Results on off-cells are
 * meaningless; their scores are zero.
 */
function segmentExtreme(
  g: Graph,
  value: string,
  kind: 'min' | 'max',
  segStart: string,
  segEnd: string,
  on: string,
  off: string,
  axis: Axis,
  G: number,
): string {
  const BIG = G + 4;
  const sign = kind === 'min' ? -1 : 1;
  const signed = g.mulScalar(value, sign);
  const offKey = g.mulScalar(off, -1e7);
  const fwdBase = g.mulScalar(segStart, BIG);
  const bwdBase = g.mulScalar(segEnd, -BIG);
  const fwd = scanMax(g, g.add(g.mul(g.add(fwdBase, signed), on), offKey), axis, 'forward', G);
  const bwd = scanMax(g, g.add(g.mul(g.add(bwdBase, signed), on), offKey), axis, 'backward', G);
  const best = g.max(g.sub(fwd, fwdBase), g.sub(bwd, bwdBase));
  return g.mulScalar(best, sign);
}

/** Per cell, the box of its best-scoring class: GatherElements along the class axis. */
function bestClassBox(
  g: Graph,
  box: Edges,
  score: string,
  G: number,
): { x1: string; y1: string; x2: string; y2: string } {
  const best = g.op('ArgMax', [score], [1, 1, G, G], { axis: attr.int(1), keepdims: attr.int(1) }, 0);
  const pick = (v: string) => g.op('GatherElements', [v, best], [1, 1, G, G], { axis: attr.int(1) }, 0);
  return { x1: pick(box.x1), y1: pick(box.y1), x2: pick(box.x2), y2: pick(box.y2) };
}

function yoloHead(g: Graph, box: Edges, score: string, G: number): void {
  const b = bestClassBox(g, box, score, G);
  const half = (a: string, c: string) => g.mulScalar(g.add(a, c), 0.5);
  const cxcywh = g.concat([half(b.x1, b.x2), half(b.y1, b.y2), g.sub(b.x2, b.x1), g.sub(b.y2, b.y1)], 1);
  const all = g.concat([cxcywh, score], 1);
  const out = g.op('Reshape', [all, g.ints([1, 4 + C, G * G])], [1, 4 + C, G * G], {}, 0, 'output0');
  g.output(out);
}

/** Keeps scores that are the maximum of their 3×3 neighbourhood (per class), zeroes the rest. */
function localMaxima(g: Graph, score: string): string {
  const pooled = g.op(
    'MaxPool',
    [score],
    g.shape(score),
    { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) },
    9,
  );
  return g.mul(score, g.cast(g.op('Equal', [score, pooled], g.shape(score)), 'float32'));
}

function end2endHead(g: Graph, box: Edges, score: string, G: number, K: number): void {
  const peaks = g.reshape(localMaxima(g, score), [1, C * G * G]);
  const [values, indices] = g.opN(
    'TopK',
    [peaks, g.ints([K])],
    [
      [1, K],
      [1, K],
    ],
    {
      axis: attr.int(1),
      largest: attr.int(1),
      sorted: attr.int(1),
    },
  );
  g.flops += C * G * G * Math.log2(K);
  // Rows of [x1 y1 x2 y2] for every (class, cell), in the flattening order of `peaks`.
  const column = (v: string) => g.reshape(v, [C * G * G, 1]);
  const table = g.concat([column(box.x1), column(box.y1), column(box.x2), column(box.y2)], 1);
  const picked = g.op('Gather', [table, indices!], [1, K, 4], { axis: attr.int(0) }, 0);
  const cls = g.cast(g.op('Div', [indices!, g.ints([G * G], [1])], [1, K], {}, 1), 'float32');
  const unsq = (v: string) => g.reshape(v, [1, K, 1]);
  const out = g.op(
    'Concat',
    [picked, unsq(values!), unsq(cls)],
    [1, K, 6],
    { axis: attr.int(2) },
    0,
    'output0',
  );
  g.output(out);
}

function detrHead(g: Graph, box: Edges, score: string, G: number, S: number, Q: number): void {
  const peaks = localMaxima(g, score);
  const b = bestClassBox(g, box, peaks, G);
  const half = (a: string, c: string) => g.mulScalar(g.add(a, c), 0.5 / S);
  const width = (a: string, c: string) => g.mulScalar(g.sub(c, a), 1 / S);
  const cxcywh = g.concat([half(b.x1, b.x2), half(b.y1, b.y2), width(b.x1, b.x2), width(b.y1, b.y2)], 1);
  const best = g.op('ReduceMax', [peaks], [1, 1, G, G], { axes: attr.ints([1]), keepdims: attr.int(1) }, C);
  const [, indices] = g.opN(
    'TopK',
    [g.reshape(best, [1, G * G]), g.ints([Q])],
    [
      [1, Q],
      [1, Q],
    ],
    {
      axis: attr.int(1),
      largest: attr.int(1),
      sorted: attr.int(1),
    },
  );
  g.flops += G * G * Math.log2(Q);
  const rows = (v: string, n: number) => g.transpose(g.reshape(v, [n, G * G]), [1, 0]);
  const boxes = g.op('Gather', [rows(cxcywh, 4), indices!], [1, Q, 4], { axis: attr.int(0) }, 0, 'boxes');
  const probs = g.op('Gather', [rows(peaks, C), indices!], [1, Q, C], { axis: attr.int(0) }, 0);
  // Logits = log(p / (1 − p)), with p clipped away from 0 and 1.
  const p = g.op(
    'Clip',
    [probs, g.constant([1e-6], [], { hint: 'lo' }), g.constant([1 - 1e-6], [], { hint: 'hi' })],
    [1, Q, C],
  );
  const logitsOut = g.op(
    'Sub',
    [g.unary('Log', p), g.unary('Log', g.sub(g.scalar(1), p))],
    [1, Q, C],
    {},
    1,
    'logits',
  );
  g.output(boxes);
  g.output(logitsOut);
}
