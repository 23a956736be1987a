/**
 * YOLOv8 / YOLO11 / YOLO12 (Ultralytics anchor-free heads, no objectness).
 *
 * One output [B, 4+nc, N]: for each of N anchors, cx cy w h in input-tensor pixels, then nc
 * class scores (already sigmoid). Anchor-major candidates, one per class above conf when
 * multiLabel, as Ultralytics' validator produces them; NMS still needed.
 */
import { bindSingleOutput, CandidateBuffer, type Candidates, type Decoder } from './types.ts';

export const yolov8: Decoder<'yolov8'> = {
  family: 'yolov8',
  expects: '[B, 4+nc, N]',
  bind(outputs, options) {
    const { out, checkDims } = bindSingleOutput(this, outputs, options, {
      channelAxis: 1,
      fixed: 4,
      rowsName: 'anchors',
    });
    return {
      outputNames: [out.name],
      needsNms: true,
      decode(results, ctx) {
        const t = results[out.name];
        if (!t) throw new Error(`yolov8: output '${out.name}' missing from results`);
        checkDims(t.dims);
        const [batch, channels, anchors] = t.dims as [number, number, number];
        const classes = channels - 4;
        const data = t.data;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const base = b * channels * anchors;
          const buf = new CandidateBuffer();
          for (let a = 0; a < anchors; a++) {
            let best = -1;
            let bestScore = ctx.conf;
            for (let c = 0; c < classes; c++) {
              const s = data[base + (4 + c) * anchors + a]!;
              if (s <= ctx.conf) continue;
              if (ctx.multiLabel) pushBox(buf, data, base, anchors, a, s, c);
              else if (s > bestScore) {
                bestScore = s;
                best = c;
              }
            }
            if (!ctx.multiLabel && best >= 0) pushBox(buf, data, base, anchors, a, bestScore, best);
          }
          perImage.push(buf.finish(true));
        }
        return perImage;
      },
    };
  },
};

function pushBox(
  buf: CandidateBuffer,
  data: Float32Array,
  base: number,
  anchors: number,
  a: number,
  score: number,
  cls: number,
): void {
  const cx = data[base + a]!;
  const cy = data[base + anchors + a]!;
  const hw = data[base + 2 * anchors + a]! / 2;
  const hh = data[base + 3 * anchors + a]! / 2;
  buf.push(cx - hw, cy - hh, cx + hw, cy + hh, score, cls);
}
