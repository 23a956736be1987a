// Over 400 lines: the Candidates contract and the three buffers that build its layouts (one box per candidate, shared boxes, dense rows) change together; apart, each layout rule would be stated twice.
/**
 * The contract between the runner and a family's output decoder.
 *
 * A decoder turns the model's raw outputs into candidate detections in INPUT-tensor pixels
 * (x1 y1 x2 y2, origin top-left of the input tensor, including any letterbox padding), or in
 * original-image pixels when the export maps them itself (Candidates.space). Mapping to
 * original-image pixels, dropping of non-finite and empty boxes, NMS and top-k happen afterwards
 * in postprocess.ts, the same for every family.
 */
import { UserError } from '../../util/errors.ts';
import type { LabelIndex } from './label-index.ts';
import type { PostprocessedOptions } from './postprocessed.ts';

/** A model output as the session declares it before running: symbolic or unknown dims allowed. */
export interface OutputSpec {
  name: string;
  /** Numbers for fixed sizes; strings (symbolic) or non-positive numbers for unknown sizes. */
  dims: readonly (number | string)[];
}

/** A model output after a run, converted to float32 (see ort-tensor.ts). */
export interface OutputTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** Candidate detections of one image. */
export interface Candidates {
  /**
   * x1 y1 x2 y2 in input-tensor pixels: [count, 4], one row per candidate, or, with boxIndex,
   * the rows candidates share.
   */
  boxes: Float32Array;
  /** [count] confidence in [0, 1]. */
  scores: Float32Array;
  /** [count] index into the model's own class list. */
  classes: Int32Array;
  /**
   * [count] the row of `boxes` each candidate's box is. Multi-label grid heads score one box
   * for many classes (NanoDet: ~146k candidates from ~1.8k boxes at conf 0.001), so they store
   * it once; absent, candidate k's box is row k.
   */
  boxIndex?: Int32Array;
  /**
   * Dense grid heads (NanoDet, FastestDet): each box row has perBox consecutive entries, one per
   * class (classes[k] = k % perBox, boxIndex[k] = ⌊k / perBox⌋, shared read-only arrays), and an
   * entry whose score is NaN is padding, not a candidate (its class missed conf). Copying a
   * cell's scores is far cheaper than pushing 80 candidates one by one.
   */
  perBox?: number;
  /**
   * Dense only, from the decoder's own pass at `conf`: per box row, a score no entry exceeds and
   * the number of entries above conf (or a function giving it, for decoders that count only the
   * rows asked: finalizeDetections asks for those it drops). With them finalizeDetections reads
   * only the rows NMS needs instead of every entry (see nmsDenseRows).
   */
  rowStats?: { conf: number; max: Float32Array; count: Int32Array | ((row: number) => number) };
  /**
   * Dense only: rows whose scores are computed when read (FastestDet's exact powers). Call it
   * before reading a row's entries: every entry scoring at least `atLeast` (all, when absent)
   * is then exact, and one not computed yet holds -Infinity. Repeatable; fillAllRows() computes
   * everything. Absent: every row is filled already.
   */
  fillRow?: (row: number, atLeast?: number) => void;
  /**
   * Hands the candidates' arrays back for the next image's decode (dense heads: a NanoDet
   * image's rows are 600 KB, which a fresh allocation pays for in page faults and collection).
   * Call it once they are finalized; nothing may read them after. Absent: nothing to hand back.
   */
  release?: () => void;
  /** Whether overlapping duplicates remain (true for YOLO heads; false for NMS-free models). */
  needsNms: boolean;
  /**
   * Which pixels `boxes` are in: the input tensor's (the default) or the original image's, for
   * exports that map boxes back themselves (DETR exports with orig_target_sizes, keras-yolo3).
   */
  space?: 'input' | 'original';
}

/**
 * How to read a DETR-style logits tensor:
 * - 'sigmoid': independent per-class probabilities, top-k over queries × classes (RT-DETR, D-FINE,
 *   DEIM, RF-DETR; trained with focal loss). The default.
 * - 'softmax': one distribution per query whose last entry is "no object"; each query gives its
 *   best real class (the original DETR, Conditional/Deformable DETR exports from transformers).
 * A manifest chooses it with `decoder: { activation: softmax }` (see decoders/index.ts).
 */
export type LogitActivation = 'sigmoid' | 'softmax';

export interface BindOptions {
  /** Number of classes the manifest declares; checked against the output shapes when known. */
  numClasses?: number;
  activation?: LogitActivation;
  /** What a label or logit index means (manifest decoder.labelIndex; see label-index.ts). */
  labelIndex?: LabelIndex;
  /** The post-processed family's declared conventions (manifest decoder block). */
  postprocessed?: PostprocessedOptions;
  /** Model file, named in shape-mismatch errors. */
  file?: string;
}

export interface DecodeContext {
  /** Input tensor size (dims 3 and 2 of NCHW), for decoders whose boxes are normalised. */
  inputWidth: number;
  inputHeight: number;
  /** Candidates with score <= conf are dropped during decoding (cheap, and NMS would drop them). */
  conf: number;
  /** Cap for NMS-free decoders that select top-k themselves (DETR). */
  maxDet: number;
  /**
   * YOLO heads: one candidate per class above conf for each anchor (true, as Ultralytics' val
   * does with multi_label) or only the best class per anchor (false, as its predict does).
   */
  multiLabel: boolean;
}

/** A decoder checked against a particular model's outputs. */
export interface BoundDecoder {
  /** Outputs the decoder reads, to pass as fetches to session.run. */
  readonly outputNames: readonly string[];
  readonly needsNms: boolean;
  /** One Candidates per batch item. Re-checks the actual shapes (symbolic dims are resolved now). */
  decode(outputs: Readonly<Record<string, OutputTensor>>, ctx: DecodeContext): Candidates[];
}

export interface Decoder<F extends string = string> {
  readonly family: F;
  /** Accepted output layout, in words, for error messages: "[B, 4+nc, N]". */
  readonly expects: string;
  /** Checks the model's declared outputs; throws UserError naming the shapes when they don't fit. */
  bind(outputs: readonly OutputSpec[], options: BindOptions): BoundDecoder;
}

/** "[1,84,8400]", with symbolic dims by name. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}

/** The uniform shape-mismatch error. */
export function shapeMismatch(
  decoder: { family: string; expects: string },
  outputs: readonly { dims: readonly (number | string)[] }[],
  options: { file?: string; detail?: string } = {},
): UserError {
  const shapes = outputs.map((o) => formatDims(o.dims)).join(', ');
  const detail = options.detail ? ` (${options.detail})` : '';
  const file = options.file === undefined ? {} : { file: options.file };
  return new UserError(
    `model outputs ${shapes} do not match family '${decoder.family}', which expects ${decoder.expects}${detail}`,
    file,
  );
}

/**
 * The shape check shared by the one-output YOLO heads, [B, fixed+nc, N] (channels first) or
 * [B, N, fixed+nc] (channels last): checks the declared output now, and returns the check to
 * repeat on each result (symbolic dims are only resolved at run time).
 */
export function bindSingleOutput(
  decoder: { family: string; expects: string },
  outputs: readonly OutputSpec[],
  options: BindOptions,
  layout: { channelAxis: 1 | 2; fixed: number; rowsName: string },
): { out: OutputSpec; checkDims(dims: readonly (number | string)[]): void } {
  const fail = (detail?: string) =>
    shapeMismatch(decoder, outputs, detail === undefined ? options : { ...options, detail });
  if (outputs.length !== 1) throw fail(`expected one output, got ${outputs.length}`);
  const out = outputs[0] as OutputSpec;
  const nc = options.numClasses;
  const { fixed } = layout;
  const checkDims = (dims: readonly (number | string)[]) => {
    if (dims.length !== 3) throw fail();
    const c = dims[layout.channelAxis] as number | string;
    const n = dims[3 - layout.channelAxis] as number | string;
    if (isKnown(c) && c < fixed + 1) throw fail();
    if (nc !== undefined && !mayEqual(c, fixed + nc))
      throw fail(`${nc} classes give ${fixed}+nc = ${fixed + nc}`);
    if (nc === undefined && isKnown(c) && isKnown(n) && c > n) {
      throw fail(`more channels than ${layout.rowsName}: the output looks transposed`);
    }
  };
  checkDims(out.dims);
  return { out, checkDims };
}

/** Dim is a known size. */
export function isKnown(d: number | string): d is number {
  return typeof d === 'number' && d > 0;
}

/** Dim equals n, or is unknown (and so may equal n at run time). */
export function mayEqual(d: number | string, n: number): boolean {
  return !isKnown(d) || d === n;
}

/** Two dims that may be equal at run time (either unknown, or the same size). */
export function compatible(a: number | string, b: number | string): boolean {
  return !isKnown(a) || !isKnown(b) || a === b;
}

/** The row of `boxes` that candidate k's box is. */
export function boxRow(c: Pick<Candidates, 'boxIndex'>, k: number): number {
  return c.boxIndex ? c.boxIndex[k]! : k;
}

/** Computes every row of dense candidates whose scores are filled on demand (Candidates.fillRow). */
export function fillAllRows(c: Candidates): void {
  if (!c.fillRow) return;
  for (let r = 0; r < c.boxes.length / 4; r++) c.fillRow(r);
}

/** The candidates' indices, without the padding of dense candidates (see Candidates.perBox). */
export function candidateIndices(c: Candidates): number[] {
  fillAllRows(c);
  const out: number[] = [];
  for (let k = 0; k < c.scores.length; k++) {
    if (c.perBox === undefined || !Number.isNaN(c.scores[k])) out.push(k);
  }
  return out;
}

/** Candidate k's box, x1 y1 x2 y2 (a view). */
export function candidateBox(c: Candidates, k: number): Float32Array {
  const r = boxRow(c, k);
  return c.boxes.subarray(r * 4, r * 4 + 4);
}

/** A typed array twice as long, starting with a's values: how the candidate buffers grow. */
function doubled<T extends Float32Array | Int32Array>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** Scratch arrays that grow as needed, trimmed to size at the end. */
export class CandidateBuffer {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.boxes = new Float32Array(capacity * 4);
    this.scores = new Float32Array(capacity);
    this.classes = new Int32Array(capacity);
  }

  push(x1: number, y1: number, x2: number, y2: number, score: number, cls: number): void {
    if (this.count === this.scores.length) this.grow();
    const k = this.count++;
    this.boxes[k * 4] = x1;
    this.boxes[k * 4 + 1] = y1;
    this.boxes[k * 4 + 2] = x2;
    this.boxes[k * 4 + 3] = y2;
    this.scores[k] = score;
    this.classes[k] = cls;
  }

  private grow(): void {
    this.boxes = doubled(this.boxes);
    this.scores = doubled(this.scores);
    this.classes = doubled(this.classes);
  }

  /** Views of the filled part (no copy: at conf 0.001 a buffer holds 10⁵ candidates, copied per image). */
  finish(needsNms: boolean): Candidates {
    return {
      boxes: this.boxes.subarray(0, this.count * 4),
      scores: this.scores.subarray(0, this.count),
      classes: this.classes.subarray(0, this.count),
      needsNms,
    };
  }
}

/**
 * Candidates whose boxes are shared: addBox() stores a box once, push() adds one (score, class)
 * of it. Grows as needed; a grid head that knows its worst case from the output shape presizes
 * it so that it never does.
 */
export class SharedBoxBuffer {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  boxIndex: Int32Array;
  rows = 0;
  count = 0;

  constructor(maxBoxes = 256, maxCandidates = 1024) {
    this.boxes = new Float32Array(Math.max(1, maxBoxes) * 4);
    this.scores = new Float32Array(Math.max(1, maxCandidates));
    this.classes = new Int32Array(this.scores.length);
    this.boxIndex = new Int32Array(this.scores.length);
  }

  /** Stores a box; returns its row for push(). */
  addBox(x1: number, y1: number, x2: number, y2: number): number {
    if (this.rows * 4 === this.boxes.length) this.boxes = doubled(this.boxes);
    const r = this.rows++;
    this.boxes[r * 4] = x1;
    this.boxes[r * 4 + 1] = y1;
    this.boxes[r * 4 + 2] = x2;
    this.boxes[r * 4 + 3] = y2;
    return r;
  }

  push(row: number, score: number, cls: number): void {
    if (this.count === this.scores.length) this.grow();
    const k = this.count++;
    this.scores[k] = score;
    this.classes[k] = cls;
    this.boxIndex[k] = row;
  }

  /** Takes back the box just added when no candidate uses it (a cell whose classes all missed conf). */
  dropUnusedBox(row: number): void {
    if (row === this.rows - 1 && (this.count === 0 || this.boxIndex[this.count - 1] !== row)) this.rows--;
  }

  private grow(): void {
    this.scores = doubled(this.scores);
    this.classes = doubled(this.classes);
    this.boxIndex = doubled(this.boxIndex);
  }

  /** Views of the filled part, as CandidateBuffer.finish. */
  finish(needsNms: boolean): Candidates {
    return {
      boxes: this.boxes.subarray(0, this.rows * 4),
      scores: this.scores.subarray(0, this.count),
      classes: this.classes.subarray(0, this.count),
      boxIndex: this.boxIndex.subarray(0, this.count),
      needsNms,
    };
  }
}

/** The constant classes / boxIndex of dense candidates (see Candidates.perBox), shared by all. */
const densePatterns = new Map<number, { classes: Int32Array; boxIndex: Int32Array }>();

function densePattern(perBox: number, rows: number): { classes: Int32Array; boxIndex: Int32Array } {
  let p = densePatterns.get(perBox);
  if (!p || p.classes.length < rows * perBox) {
    const cap = Math.max(rows, 2 * (p ? p.classes.length / perBox : 0), 256);
    const classes = new Int32Array(cap * perBox);
    const boxIndex = new Int32Array(cap * perBox);
    for (let r = 0; r < cap; r++) {
      for (let c = 0; c < perBox; c++) {
        classes[r * perBox + c] = c;
        boxIndex[r * perBox + c] = r;
      }
    }
    p = { classes, boxIndex };
    densePatterns.set(perBox, p);
  }
  return { classes: p.classes.subarray(0, rows * perBox), boxIndex: p.boxIndex.subarray(0, rows * perBox) };
}

/** Released dense arrays by length (see Candidates.release); a few per length at most. */
const densePool = new Map<number, Float32Array[]>();
const POOLED_PER_LENGTH = 4;

/** A Float32Array of `length`, released by an earlier image or new (zeros). Contents undefined. */
function pooledFloat32(length: number): Float32Array {
  return densePool.get(length)?.pop() ?? new Float32Array(length);
}

function pool(a: Float32Array): void {
  let free = densePool.get(a.length);
  if (!free) {
    free = [];
    densePool.set(a.length, free);
  }
  if (free.length < POOLED_PER_LENGTH && !free.includes(a)) free.push(a);
}

/**
 * Dense candidates (see Candidates.perBox): addBox() stores a box and returns its row; the
 * decoder then writes the row's perBox scores at scores[row · perBox + class], NaN for a class
 * that is not a candidate. Capacity is the most boxes the head can produce; it never grows.
 */
export class DenseScoreBuffer {
  readonly boxes: Float32Array;
  /** Row entries; a row holds what an earlier image left there until the decoder writes it. */
  readonly scores: Float32Array;
  readonly perBox: number;
  /** Per row, set by setRowStats: see Candidates.rowStats. */
  readonly rowMax: Float32Array;
  readonly rowCount: Int32Array;
  readonly conf: number;
  rows = 0;

  constructor(maxBoxes: number, perBox: number, conf: number) {
    this.perBox = perBox;
    this.conf = conf;
    this.boxes = pooledFloat32(maxBoxes * 4);
    this.scores = pooledFloat32(maxBoxes * perBox);
    this.rowMax = new Float32Array(maxBoxes);
    this.rowCount = new Int32Array(maxBoxes);
  }

  addBox(x1: number, y1: number, x2: number, y2: number): number {
    const r = this.rows++;
    this.boxes[r * 4] = x1;
    this.boxes[r * 4 + 1] = y1;
    this.boxes[r * 4 + 2] = x2;
    this.boxes[r * 4 + 3] = y2;
    return r;
  }

  /** Row r's best score (or any score none of its entries exceeds) and its entries above conf. */
  setRowStats(r: number, max: number, count: number): void {
    this.rowMax[r] = max;
    this.rowCount[r] = count;
  }

  /** Row r's best score, or any score none of its entries exceeds (counts come to finish). */
  setRowMax(r: number, max: number): void {
    this.rowMax[r] = max;
  }

  /** `countRow`: the rows' counts when asked, instead of those given to setRowStats. */
  finish(needsNms: boolean, countRow?: (row: number) => number): Candidates {
    return {
      boxes: this.boxes.subarray(0, this.rows * 4),
      scores: this.scores.subarray(0, this.rows * this.perBox),
      ...densePattern(this.perBox, this.rows),
      perBox: this.perBox,
      rowStats: {
        conf: this.conf,
        max: this.rowMax.subarray(0, this.rows),
        count: countRow ?? this.rowCount.subarray(0, this.rows),
      },
      release: () => {
        pool(this.boxes);
        pool(this.scores);
      },
      needsNms,
    };
  }
}
