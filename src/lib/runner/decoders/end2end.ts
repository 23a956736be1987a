/**
 * NMS-free or NMS-exported models: YOLOv10, YOLO26 (end-to-end heads), and models exported with
 * NMS inside the graph.
 *
 * One output [B, N, 6]: x1 y1 x2 y2 in input-tensor pixels, score, class index (as a float).
 * Rows are final detections (padding rows have score 0); only conf filtering and top-k remain.
 */
import {
  CandidateBuffer,
  type Candidates,
  type Decoder,
  mayEqual,
  type OutputSpec,
  shapeMismatch,
} from './types.ts';

export const end2end: Decoder<'end2end'> = {
  family: 'end2end',
  expects: '[B, N, 6] (x1 y1 x2 y2 score class)',
  bind(outputs, options) {
    const fail = (detail?: string) =>
      shapeMismatch(this, outputs, detail === undefined ? options : { ...options, detail });
    if (outputs.length !== 1) throw fail(`expected one output, got ${outputs.length}`);
    const out = outputs[0] as OutputSpec;
    const checkDims = (dims: readonly (number | string)[]) => {
      if (dims.length !== 3 || !mayEqual(dims[2]!, 6)) throw fail();
    };
    checkDims(out.dims);
    const nc = options.numClasses;
    return {
      outputNames: [out.name],
      needsNms: false,
      decode(results, ctx) {
        const t = results[out.name];
        if (!t) throw new Error(`end2end: output '${out.name}' missing from results`);
        checkDims(t.dims);
        const [batch, rows] = t.dims as [number, number];
        const data = t.data;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const buf = new CandidateBuffer(rows);
          for (let r = 0; r < rows; r++) {
            const o = (b * rows + r) * 6;
            const score = data[o + 4]!;
            if (!(score > ctx.conf)) continue;
            const cls = Math.round(data[o + 5]!);
            if (cls < 0 || (nc !== undefined && cls >= nc)) {
              throw shapeMismatch(end2end, [t], {
                ...(options.file === undefined ? {} : { file: options.file }),
                detail: `row ${r} has class ${data[o + 5]}, outside 0..${nc === undefined ? '' : nc - 1}`,
              });
            }
            buf.push(data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!, score, cls);
          }
          perImage.push(buf.finish(false));
        }
        return perImage;
      },
    };
  },
};
