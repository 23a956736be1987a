/**
 * FastestDet (dog-qiuqiu/FastestDet): written from its `example/onnx-runtime/runtime.py`
 * (the author's ONNX demo) and `module/detector.py`.
 *
 * One output [B, 5+nc, Gh, Gw], one prediction per grid cell (a single stride). Channels:
 *   0      objectness (already sigmoid in the graph)
 *   1, 2   x, y offsets in cells, raw: tanh applied here
 *   3, 4   width, height normalised to the image, raw: sigmoid applied here
 *   5..    class scores (already softmax in the graph)
 * Decoded as runtime.py does: cx = (gx + tanh(tx)) / Gw, cy = (gy + tanh(ty)) / Gh,
 * w = sigmoid(tw), h = sigmoid(th), all in 0..1 of the (stretched) input, scaled here to
 * input-tensor pixels; score per class = obj^0.6 × cls^0.4. NMS still needed.
 */
import { planeMaxima } from './dense-rows.ts';
import {
  type Candidates,
  type Decoder,
  DenseScoreBuffer,
  isKnown,
  mayEqual,
  type OutputSpec,
  SharedBoxBuffer,
  shapeMismatch,
} from './types.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const fastestdet: Decoder<'fastestdet'> = {
  family: 'fastestdet',
  expects: '[B, 5+nc, H, W] (objectness, tx, ty, tw, th, class scores per cell)',
  bind(outputs, options) {
    const fail = (detail?: string) =>
      shapeMismatch(this, outputs, detail === undefined ? options : { ...options, detail });
    if (outputs.length !== 1) throw fail(`expected one output, got ${outputs.length}`);
    const out = outputs[0] as OutputSpec;
    const nc = options.numClasses;
    const checkDims = (dims: readonly (number | string)[]) => {
      if (dims.length !== 4) throw fail();
      const c = dims[1]!;
      if (isKnown(c) && c < 6) throw fail();
      if (nc !== undefined && !mayEqual(c, 5 + nc))
        throw fail(`${nc} classes give 5+nc = ${5 + nc} channels`);
    };
    checkDims(out.dims);
    return {
      outputNames: [out.name],
      needsNms: true,
      decode(results, ctx) {
        const t = results[out.name];
        if (!t) throw new Error(`fastestdet: output '${out.name}' missing from results`);
        checkDims(t.dims);
        const [batch, channels, gh, gw] = t.dims as [number, number, number, number];
        const classes = channels - 5;
        const plane = gh * gw;
        const data = t.data;
        const W = ctx.inputWidth;
        const H = ctx.inputHeight;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const base = b * channels * plane;
          const conf = ctx.conf;
          if (ctx.multiLabel) {
            perImage.push(decodeDense(data, base, plane, classes, gw, gh, W, H, conf));
            continue;
          }
          // Single-label: the best class per cell, one candidate each.
          const buf = new SharedBoxBuffer(plane, plane);
          for (let i = 0; i < plane; i++) {
            const obj = data[base + i]!;
            if (!(obj > 0)) continue;
            const objPart = obj ** 0.6;
            let best = -1;
            let bestScore = conf;
            for (let c = 0; c < classes; c++) {
              const score = objPart * data[base + (5 + c) * plane + i]! ** 0.4;
              if (score > conf && score > bestScore) {
                bestScore = score;
                best = c;
              }
            }
            if (best >= 0) buf.push(cellBox(buf, data, base, plane, i, gw, gh, W, H), bestScore, best);
          }
          perImage.push(buf.finish(true));
        }
        return perImage;
      },
    };
  },
};

/**
 * Multi-label: every class of every cell above conf, dense (see Candidates.perBox), sized for
 * the worst case (every cell) so it never grows.
 *
 * A row's exact scores (a power per class, ~0.6 ms for all 38k of an image) are computed only
 * when read (Candidates.fillRow): NMS reads the rows whose best score is high enough. What every
 * row needs now is a score none of its entries exceeds, from the cell's best class value, read
 * plane by plane. How many of a row's entries pass conf is asked only of rows finalize drops
 * (rowCounter); NMS does not need the total, as it stops when the entries run out. A cell gets
 * a row when its bound passes conf: a few more rows than cells with an entry above conf, the
 * extra ones holding none, which leaves every candidate's order, and so every result, as it is.
 */
function decodeDense(
  data: Float32Array,
  base: number,
  plane: number,
  classes: number,
  gw: number,
  gh: number,
  W: number,
  H: number,
  conf: number,
): Candidates {
  const buf = new DenseScoreBuffer(plane, classes, conf);
  // Each cell's best class value (through the SIMD kernel, a fifth of the JavaScript's time).
  const maxCls =
    planeMaxima(data, base + 5 * plane, classes, plane) ?? classMaxima(data, base, plane, classes);
  const cellOf = new Int32Array(plane);
  const objParts = new Float64Array(plane);
  for (let i = 0; i < plane; i++) {
    const obj = data[base + i]!;
    const m = maxCls[i]!;
    // Every class value NaN or negative: every score is NaN, none passes conf.
    if (!(obj > 0) || !(m >= 0)) continue;
    const objPart = obj ** 0.6;
    // Above every class's score: the power is monotonic to within far less than the margin.
    let bound = objPart * m ** 0.4 * (1 + 1e-9);
    if (Number.isNaN(bound)) bound = Number.POSITIVE_INFINITY;
    if (bound <= conf) continue;
    const row = cellBox(buf, data, base, plane, i, gw, gh, W, H);
    cellOf[row] = i;
    objParts[row] = objPart;
    buf.setRowMax(row, bound);
  }
  const candidates = buf.finish(true, rowCounter(data, base, plane, classes, conf, cellOf, objParts));
  candidates.fillRow = rowFiller(data, base, plane, classes, conf, buf, cellOf, objParts);
  return candidates;
}

/**
 * Each cell's best class value: NaN is never above it, and -Infinity ** 0.4 is +Infinity, so a
 * -Infinity value makes it +Infinity (the row's max then says so, and finalize takes the full
 * path). The order of the reads does not change the result. The kernel's planeMaxima computes
 * the same; this runs where it cannot.
 */
function classMaxima(data: Float32Array, base: number, plane: number, classes: number): Float64Array {
  const maxCls = new Float64Array(plane).fill(Number.NEGATIVE_INFINITY);
  for (let c = 0; c < classes; c++) {
    const p = base + (5 + c) * plane;
    for (let i = 0; i < plane; i++) {
      const v = data[p + i]!;
      if (v > maxCls[i]!) maxCls[i] = v;
      else if (v === Number.NEGATIVE_INFINITY) maxCls[i] = Number.POSITIVE_INFINITY;
    }
  }
  return maxCls;
}

/**
 * The number of a row's entries above conf, as fillRow stores them: a score above conf whose
 * float32 is above it too (a score just above conf may round down to it, one just below up).
 * Bounds spare most powers: a class value at least `hi` passes and one at most `lo` does not,
 * whatever rounding the power has (margins of 10⁻⁴ of conf against errors near 10⁻¹⁶); only
 * those between are computed.
 */
function rowCounter(
  data: Float32Array,
  base: number,
  plane: number,
  classes: number,
  conf: number,
  cellOf: Int32Array,
  objParts: Float64Array,
): (row: number) => number {
  return (row: number) => {
    const i = cellOf[row]!;
    const objPart = objParts[row]!;
    let hi = ((conf * (1 + 1e-4)) / objPart) ** 2.5;
    let lo = ((conf * (1 - 1e-4)) / objPart) ** 2.5;
    if (!(conf > 0 && Number.isFinite(objPart) && Number.isFinite(hi) && Number.isFinite(lo))) {
      hi = Number.POSITIVE_INFINITY; // no shortcut: every class computed exactly
      lo = Number.NEGATIVE_INFINITY;
    }
    let count = 0;
    for (let c = 0; c < classes; c++) {
      const v = data[base + (5 + c) * plane + i]!;
      if (v >= hi && v < Number.POSITIVE_INFINITY) count++;
      else if (v > lo || v === Number.NEGATIVE_INFINITY) {
        // An entry holds a score above conf, as stored: both, as fillRow writes it.
        const score = objPart * v ** 0.4;
        if (score > conf && Math.fround(score) > conf) count++;
      }
    }
    return count;
  };
}

/**
 * Candidates.fillRow for decodeDense's rows. A function of its own so that the decoding loop's
 * variables are not captured by the closure (captured ones are read through a context, slowly).
 */
function rowFiller(
  data: Float32Array,
  base: number,
  plane: number,
  classes: number,
  conf: number,
  buf: DenseScoreBuffer,
  cellOf: Int32Array,
  objParts: Float64Array,
): (row: number, atLeast?: number) => void {
  const out = buf.scores;
  // Per row, the score down to which its entries are exact (NaN: none yet, as +Infinity would
  // say of a row asked for its +Infinity scores); an entry not computed yet holds -Infinity,
  // below every threshold asked so far.
  const exactTo = new Float64Array(buf.rows).fill(Number.NaN);
  return (row: number, atLeast = Number.NEGATIVE_INFINITY) => {
    const was = exactTo[row]!;
    if (was <= atLeast) return;
    const first = Number.isNaN(was);
    exactTo[row] = atLeast;
    const i = cellOf[row]!;
    const objPart = objParts[row]!;
    // Classes below `need` score under atLeast (same margin as above): left for a later call.
    const need = ((atLeast * (1 - 1e-4)) / objPart) ** 2.5;
    const all = !(atLeast > 0 && Number.isFinite(need));
    const o = row * classes;
    let p = base + 5 * plane + i;
    if (first && !all) {
      // The common call, in a loop of its own: most classes are below `need`, one store each.
      for (let c = o; c < o + classes; c++, p += plane) {
        const v = data[p]!;
        if (v >= need || v === Number.NEGATIVE_INFINITY) {
          const score = objPart * v ** 0.4;
          out[c] = score > conf ? score : Number.NaN;
        } else out[c] = Number.NEGATIVE_INFINITY;
      }
      return;
    }
    for (let c = o; c < o + classes; c++, p += plane) {
      if (!first && out[c] !== Number.NEGATIVE_INFINITY) continue;
      const v = data[p]!;
      if (all || v >= need || v === Number.NEGATIVE_INFINITY) {
        const score = objPart * v ** 0.4;
        out[c] = score > conf ? score : Number.NaN;
      } else out[c] = Number.NEGATIVE_INFINITY;
    }
  };
}

/** Stores the cell's box in `buf`; returns its row. */
function cellBox(
  buf: SharedBoxBuffer | DenseScoreBuffer,
  data: Float32Array,
  base: number,
  plane: number,
  i: number,
  gw: number,
  gh: number,
  W: number,
  H: number,
): number {
  const gx = i % gw;
  const gy = Math.floor(i / gw);
  const cx = ((gx + Math.tanh(data[base + plane + i]!)) / gw) * W;
  const cy = ((gy + Math.tanh(data[base + 2 * plane + i]!)) / gh) * H;
  const hw = (sigmoid(data[base + 3 * plane + i]!) * W) / 2;
  const hh = (sigmoid(data[base + 4 * plane + i]!) * H) / 2;
  return buf.addBox(cx - hw, cy - hh, cx + hw, cy + hh);
}
