/**
 * NanoDet-Plus (RangiLyu/nanodet), as opencv_zoo exports and decodes it: written from opencv_zoo's
 * `models/object_detection_nanodet/nanodet.py` (post_process) and NanoDet's GFL head
 * (`nanodet/model/head/gfl_head.py`, Integral).
 *
 * Outputs, per level (strides 8/16/32[/64], N = ceil(H/s)·ceil(W/s) cells, row-major):
 *   a class map        [B, N, nc]            scores, already sigmoid;
 *   a distribution map [B, N, 4·(reg_max+1)] per side (left, top, right, bottom) reg_max+1 bin
 *                                            logits: softmax over the bins, expected bin × s is
 *                                            the distance from the cell centre.
 * Outputs are matched BY SHAPE, not by name (exports name them by node numbers, and other
 * exports of NanoDet name them wrongly): outputs pair up by N; within a pair the class map is
 * the one whose last dim is nc; each level's stride comes from its N and the input size.
 * Cell centre as opencv_zoo: (x·s + (s−1)/2, y·s + (s−1)/2), input-tensor pixels. As opencv_zoo
 * (and NanoDet's own nms_pre), only the 1000 cells of each level with the best class score are
 * decoded; boxes are clipped to the input tensor before NMS. NMS still needed.
 */
import { sortByScore } from '../nms.ts';
import { loadDenseLevel } from './dense-rows.ts';
import {
  type BindOptions,
  type Candidates,
  type Decoder,
  DenseScoreBuffer,
  formatDims,
  isKnown,
  type OutputSpec,
  type OutputTensor,
  SharedBoxBuffer,
  shapeMismatch,
} from './types.ts';

interface Level {
  cls: string;
  dist: string;
  /** Cells of the level, when the export fixes them. */
  cells: number | undefined;
}

/** Pairs class and distribution maps by cell count; throws naming the shapes when they do not pair. */
function pairLevels(outputs: readonly OutputSpec[], options: BindOptions): Level[] {
  const fail = (detail: string) => shapeMismatch(nanodet, outputs, { ...options, detail });
  if (outputs.length < 2 || outputs.length % 2 !== 0) {
    throw fail(`expected a class map and a distribution map per level, got ${outputs.length} outputs`);
  }
  for (const o of outputs) {
    if (o.dims.length !== 3 || !isKnown(o.dims[1]!) || !isKnown(o.dims[2]!)) {
      throw fail(`output '${o.name}' ${formatDims(o.dims)} is not [B, N, C] with N and C fixed`);
    }
  }
  const nc = options.numClasses;
  const byCells = new Map<number, OutputSpec[]>();
  for (const o of outputs) {
    const n = o.dims[1] as number;
    byCells.set(n, [...(byCells.get(n) ?? []), o]);
  }
  const levels: Level[] = [];
  for (const [cells, pair] of [...byCells].sort((a, b) => b[0] - a[0])) {
    if (pair.length !== 2) throw fail(`${pair.length} outputs have ${cells} cells; a level has exactly two`);
    const [a, b] = pair as [OutputSpec, OutputSpec];
    const c = (o: OutputSpec) => o.dims[2] as number;
    const isDist = (o: OutputSpec, other: OutputSpec) =>
      c(o) % 4 === 0 && c(o) >= 8 && (nc === undefined ? c(other) % 4 !== 0 : c(other) === nc && c(o) !== nc);
    const dist = isDist(a, b) ? a : isDist(b, a) ? b : undefined;
    if (!dist) {
      throw fail(
        `cannot tell the class map (last dim ${nc ?? 'nc'}) from the distribution map (4·(reg_max+1)) among ${formatDims(a.dims)} and ${formatDims(b.dims)}`,
      );
    }
    const cls = dist === a ? b : a;
    levels.push({ cls: cls.name, dist: dist.name, cells });
  }
  const regs = new Set(levels.map((l) => outputs.find((o) => o.name === l.dist)!.dims[2]));
  if (regs.size !== 1) throw fail('levels disagree on reg_max');
  return levels;
}

/** The stride at which a level of `cells` cells tiles the input (ceil division, as the backbone pads). */
function strideOf(cells: number, width: number, height: number): number | undefined {
  for (const s of [8, 16, 32, 64, 128]) {
    if (Math.ceil(width / s) * Math.ceil(height / s) === cells) return s;
  }
  return undefined;
}

/** Cells decoded per level, best class score first (opencv_zoo's nms_pre). */
const NMS_PRE = 1000;

export const nanodet: Decoder<'nanodet'> = {
  family: 'nanodet',
  expects: 'per level a class map [B, N, nc] and a distribution map [B, N, 4·(reg_max+1)]',
  bind(outputs, options) {
    const levels = pairLevels(outputs, options);
    const where = options.file === undefined ? {} : { file: options.file };
    return {
      outputNames: levels.flatMap((l) => [l.cls, l.dist]),
      needsNms: true,
      decode(results, ctx) {
        const W = ctx.inputWidth;
        const H = ctx.inputHeight;
        const tensors = levels.map((l) => {
          const cls = results[l.cls];
          const dist = results[l.dist];
          if (!cls || !dist) throw new Error('nanodet: outputs missing from results');
          const stride = strideOf(cls.dims[1]!, W, H);
          if (stride === undefined) {
            throw shapeMismatch(nanodet, [cls, dist], {
              ...where,
              detail: `${cls.dims[1]} cells do not tile a ${W}x${H} input at any stride 8..128`,
            });
          }
          return { cls, dist, stride };
        });
        const batch = tensors[0]!.cls.dims[0]!;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          // Sized for the worst case (one box per decoded cell), so it never grows. Multi-label:
          // dense, each cell's class scores copied as a row (see Candidates.perBox).
          const boxes = tensors.reduce((n, l) => n + Math.min(l.cls.dims[1]!, NMS_PRE), 0);
          const nc = tensors[0]!.cls.dims[2]!;
          const buf =
            ctx.multiLabel && tensors.every((l) => l.cls.dims[2] === nc)
              ? new DenseScoreBuffer(boxes, nc, ctx.conf)
              : new SharedBoxBuffer(
                  boxes,
                  ctx.multiLabel ? boxes * Math.max(...tensors.map((l) => l.cls.dims[2]!)) : boxes,
                );
          for (const level of tensors) decodeLevel(level, b, W, H, ctx.conf, ctx.multiLabel, buf);
          perImage.push(buf.finish(true));
        }
        return perImage;
      },
    };
  },
};

function decodeLevel(
  level: { cls: OutputTensor; dist: OutputTensor; stride: number },
  b: number,
  W: number,
  H: number,
  conf: number,
  multiLabel: boolean,
  buf: SharedBoxBuffer | DenseScoreBuffer,
): void {
  const { cls, dist, stride: s } = level;
  const cells = cls.dims[1]!;
  const nc = cls.dims[2]!;
  const bins = dist.dims[2]! / 4;
  const cols = Math.ceil(W / s);
  const scores = cls.data;
  const d = dist.data;
  const side = new Float64Array(4);
  // Best class score per cell, then the top NMS_PRE cells (opencv_zoo's nms_pre). Dense rows
  // take both, and the rows' copies, from the kernel where it runs (dense-rows.ts).
  const dense = buf instanceof DenseScoreBuffer;
  const kernel = dense ? loadDenseLevel(scores, b * cells * nc, cells, nc, Math.min(cells, NMS_PRE)) : null;
  let maxScore: Float32Array;
  if (kernel) maxScore = kernel.maxima;
  else {
    maxScore = new Float32Array(cells);
    for (let i = 0; i < cells; i++) {
      let m = Number.NEGATIVE_INFINITY;
      const so = (b * cells + i) * nc;
      for (let c = 0; c < nc; c++) m = Math.max(m, scores[so + c]!);
      maxScore[i] = m;
    }
  }
  const off = (s - 1) / 2;
  const chosen = sortByScore(maxScore, conf, NMS_PRE);
  const row0 = buf.rows;
  for (const i of chosen) {
    const so = (b * cells + i) * nc;
    // Softmax over each side's bins, expectation × stride (GFL's Integral).
    const dof = (b * cells + i) * 4 * bins;
    for (let k = 0; k < 4; k++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < bins; j++) max = Math.max(max, d[dof + k * bins + j]!);
      let sum = 0;
      let acc = 0;
      for (let j = 0; j < bins; j++) {
        // The best bin's term is exp(0) = 1 exactly: one exp a side spared.
        const t = d[dof + k * bins + j]! - max;
        const e = t === 0 ? 1 : Math.exp(t);
        sum += e;
        acc += e * j;
      }
      side[k] = (acc / sum) * s;
    }
    const cx = (i % cols) * s + off;
    const cy = Math.floor(i / cols) * s + off;
    const row = buf.addBox(
      Math.min(Math.max(cx - side[0]!, 0), W),
      Math.min(Math.max(cy - side[1]!, 0), H),
      Math.min(Math.max(cx + side[2]!, 0), W),
      Math.min(Math.max(cy + side[3]!, 0), H),
    );
    if (kernel) continue; // its rows are copied below, all at once
    if (buf instanceof DenseScoreBuffer) {
      const out = buf.scores;
      const o = row * nc;
      // Copy the row whole (at conf 0.001 nearly every class passes), then pad the few that miss.
      out.set(scores.subarray(so, so + nc), o);
      let count = nc;
      for (let k = o; k < o + nc; k++) {
        if (!(out[k]! > conf)) {
          out[k] = Number.NaN;
          count--;
        }
      }
      buf.setRowStats(row, maxScore[i]!, count);
    } else if (multiLabel) {
      // Levels with different class counts (no known export has them): one candidate at a time.
      for (let c = 0; c < nc; c++) {
        const v = scores[so + c]!;
        if (v > conf) buf.push(row, v, c);
      }
    } else {
      let best = -1;
      let bestScore = conf;
      for (let c = 0; c < nc; c++) {
        const v = scores[so + c]!;
        if (v > bestScore) {
          bestScore = v;
          best = c;
        }
      }
      buf.push(row, bestScore, best);
    }
  }
  if (kernel && buf instanceof DenseScoreBuffer) {
    const counts = new Int32Array(chosen.length);
    kernel.copyRows(chosen, buf.scores, row0 * nc, conf, counts);
    for (let k = 0; k < chosen.length; k++) buf.setRowStats(row0 + k, maxScore[chosen[k]!]!, counts[k]!);
  }
}
