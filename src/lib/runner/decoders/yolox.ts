/**
 * YOLOX (Megvii), exported without its decode step (`--decode_in_inference` off, the default of
 * tools/export_onnx.py). Written from YOLOX's `yolox/utils/demo_utils.py::demo_postprocess` and
 * `yolox/utils/boxes.py::postprocess`.
 *
 * One output [B, N, 5+nc], N = Σ over strides 8/16/32 of (H/s)·(W/s) cells, levels in stride
 * order, cells row-major (y, then x) within a level. Per cell: x, y offsets in cells, log w,
 * log h (in stride units), objectness and nc class scores (both already sigmoid in the graph).
 * Decoded as demo_postprocess does, into input-tensor pixels:
 *   cx = (x + gx)·s, cy = (y + gy)·s, w = exp(log w)·s, h = exp(log h)·s
 * score per class = objectness × class score. NMS still needed.
 *
 * Preprocessing is the manifest's (YOLOX's preproc: BGR, 0–255, top-left letterbox on 114).
 */
import { bindSingleOutput, type Candidates, type Decoder, SharedBoxBuffer, shapeMismatch } from './types.ts';

const STRIDE_SETS = [
  [8, 16, 32],
  [8, 16, 32, 64], // the P6 variants
] as const;

/** Per cell: gx, gy, stride, for an input size; cached (one or two sizes per run). */
const grids = new Map<string, Float32Array>();

export function yoloxGrid(width: number, height: number, cells: number): Float32Array | undefined {
  const key = `${width}x${height}x${cells}`;
  const cached = grids.get(key);
  if (cached) return cached;
  for (const strides of STRIDE_SETS) {
    const total = strides.reduce((n, s) => n + Math.floor(height / s) * Math.floor(width / s), 0);
    if (total !== cells) continue;
    const grid = new Float32Array(cells * 3);
    let i = 0;
    for (const s of strides) {
      const hs = Math.floor(height / s);
      const ws = Math.floor(width / s);
      for (let y = 0; y < hs; y++) {
        for (let x = 0; x < ws; x++, i++) {
          grid[i * 3] = x;
          grid[i * 3 + 1] = y;
          grid[i * 3 + 2] = s;
        }
      }
    }
    grids.set(key, grid);
    return grid;
  }
  return undefined;
}

export const yolox: Decoder<'yolox'> = {
  family: 'yolox',
  expects: '[B, N, 5+nc] raw grid output (N cells over strides 8/16/32)',
  bind(outputs, options) {
    const { out, checkDims } = bindSingleOutput(this, outputs, options, {
      channelAxis: 2,
      fixed: 5,
      rowsName: 'cells',
    });
    return {
      outputNames: [out.name],
      needsNms: true,
      decode(results, ctx) {
        const t = results[out.name];
        if (!t) throw new Error(`yolox: output '${out.name}' missing from results`);
        checkDims(t.dims);
        const [batch, rows, stride] = t.dims as [number, number, number];
        const grid = yoloxGrid(ctx.inputWidth, ctx.inputHeight, rows);
        if (!grid) {
          throw shapeMismatch(yolox, [t], {
            ...(options.file === undefined ? {} : { file: options.file }),
            detail: `${rows} cells do not tile a ${ctx.inputWidth}x${ctx.inputHeight} input at strides 8/16/32 (or 8..64)`,
          });
        }
        const classes = stride - 5;
        const data = t.data;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const buf = new SharedBoxBuffer();
          for (let r = 0; r < rows; r++) {
            const o = (b * rows + r) * stride;
            const obj = data[o + 4]!;
            if (!(obj > ctx.conf)) continue; // class scores are <= 1: no class can pass either
            const s = grid[r * 3 + 2]!;
            const cx = (data[o]! + grid[r * 3]!) * s;
            const cy = (data[o + 1]! + grid[r * 3 + 1]!) * s;
            const hw = (Math.exp(data[o + 2]!) * s) / 2;
            const hh = (Math.exp(data[o + 3]!) * s) / 2;
            // One box per cell for all its classes (taken back below if none passes conf).
            const row = buf.addBox(cx - hw, cy - hh, cx + hw, cy + hh);
            let best = -1;
            let bestScore = ctx.conf;
            for (let c = 0; c < classes; c++) {
              const score = obj * data[o + 5 + c]!;
              if (!(score > ctx.conf)) continue;
              if (ctx.multiLabel) buf.push(row, score, c);
              else if (score > bestScore) {
                bestScore = score;
                best = c;
              }
            }
            if (!ctx.multiLabel && best >= 0) buf.push(row, bestScore, best);
            buf.dropUnusedBox(row);
          }
          perImage.push(buf.finish(true));
        }
        return perImage;
      },
    };
  },
};
