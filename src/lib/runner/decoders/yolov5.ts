/**
 * YOLOv5 / YOLOv7 and other anchor-based heads with objectness.
 *
 * One output [B, N, 5+nc]: for each of N predictions, cx cy w h in input-tensor pixels,
 * objectness, then nc class probabilities (all already sigmoid). As in YOLOv5's NMS, a
 * prediction is considered only when objectness > conf, and its score per class is
 * objectness × class probability. NMS still needed.
 */
import { bindSingleOutput, CandidateBuffer, type Candidates, type Decoder } from './types.ts';

export const yolov5: Decoder<'yolov5'> = {
  family: 'yolov5',
  expects: '[B, N, 5+nc]',
  bind(outputs, options) {
    const { out, checkDims } = bindSingleOutput(this, outputs, options, {
      channelAxis: 2,
      fixed: 5,
      rowsName: 'predictions',
    });
    return {
      outputNames: [out.name],
      needsNms: true,
      decode(results, ctx) {
        const t = results[out.name];
        if (!t) throw new Error(`yolov5: output '${out.name}' missing from results`);
        checkDims(t.dims);
        const [batch, rows, stride] = t.dims as [number, number, number];
        const classes = stride - 5;
        const data = t.data;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const buf = new CandidateBuffer();
          for (let r = 0; r < rows; r++) {
            const o = (b * rows + r) * stride;
            const obj = data[o + 4]!;
            if (obj <= ctx.conf) continue;
            const cx = data[o]!;
            const cy = data[o + 1]!;
            const hw = data[o + 2]! / 2;
            const hh = data[o + 3]! / 2;
            let best = -1;
            let bestScore = ctx.conf;
            for (let c = 0; c < classes; c++) {
              const s = obj * data[o + 5 + c]!;
              if (s <= ctx.conf) continue;
              if (ctx.multiLabel) buf.push(cx - hw, cy - hh, cx + hw, cy + hh, s, c);
              else if (s > bestScore) {
                bestScore = s;
                best = c;
              }
            }
            if (!ctx.multiLabel && best >= 0) buf.push(cx - hw, cy - hh, cx + hw, cy + hh, bestScore, best);
          }
          perImage.push(buf.finish(true));
        }
        return perImage;
      },
    };
  },
};
