/**
 * DETR-style set predictors: RT-DETR, D-FINE, DEIM, RF-DETR (sigmoid logits) and the original
 * DETR family (softmax logits with a trailing "no object" class).
 *
 * Two outputs:
 *   boxes  [B, Q, 4] cx cy w h, normalised to [0, 1] of the input tensor (width, height)
 *   logits [B, Q, C] raw logits (C = nc for sigmoid, nc + 1 for softmax)
 * Which is which: the one whose last dim is 4 and the other's is not; when both could be 4
 * (or are unknown), by name (boxes / bbox / dets vs logits / scores / labels / class).
 *
 * Logit index c is class c of the manifest's list, unless decoder.labelIndex says otherwise:
 * RF-DETR's export has C = 91 logits indexed by COCO category id (labelIndex: coco-category-id);
 * logits of indices that map to no class are skipped before the top-k.
 *
 * Selection, following the reference post-processors, needs no NMS:
 *   sigmoid: top-k (k = maxDet) over all Q × C (query, class) scores;
 *   softmax: each query's best real class, then top-k over queries.
 */
import { sortByScore } from '../nms.ts';
import { labelMapper } from './label-index.ts';
import {
  type BindOptions,
  CandidateBuffer,
  type Candidates,
  compatible,
  type Decoder,
  isKnown,
  mayEqual,
  type OutputSpec,
  shapeMismatch,
} from './types.ts';

const BOX_NAME = /box|bbox|dets/i;
const LOGIT_NAME = /logit|score|label|class|cls/i;

/** Picks [boxesOutput, logitsOutput] from two outputs, or undefined when it cannot tell. */
export function identifyDetrOutputs(outputs: readonly OutputSpec[]): [OutputSpec, OutputSpec] | undefined {
  if (outputs.length !== 2) return undefined;
  const [a, b] = outputs as [OutputSpec, OutputSpec];
  const last = (o: OutputSpec) => o.dims[o.dims.length - 1];
  const is4 = (o: OutputSpec) => last(o) === 4;
  const not4 = (o: OutputSpec) => isKnown(last(o) ?? 0) && last(o) !== 4;
  if (is4(a) && not4(b)) return [a, b];
  if (is4(b) && not4(a)) return [b, a];
  const named = (box: OutputSpec, logit: OutputSpec) =>
    BOX_NAME.test(box.name) && !BOX_NAME.test(logit.name) && LOGIT_NAME.test(logit.name);
  if (named(a, b)) return [a, b];
  if (named(b, a)) return [b, a];
  return undefined;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export const detr: Decoder<'detr'> = {
  family: 'detr',
  expects: 'two outputs, boxes [B, Q, 4] (cx cy w h in 0..1) and logits [B, Q, C]',
  bind(outputs, options: BindOptions) {
    const fail = (detail?: string) =>
      shapeMismatch(this, outputs, detail === undefined ? options : { ...options, detail });
    const pair = identifyDetrOutputs(outputs);
    if (!pair) {
      throw fail(
        outputs.length === 2
          ? 'cannot tell which output holds the boxes'
          : `expected 2 outputs, got ${outputs.length}`,
      );
    }
    const [boxesOut, logitsOut] = pair;
    const activation = options.activation ?? 'sigmoid';
    const nc = options.numClasses;
    const remap = options.labelIndex !== undefined && options.labelIndex !== 'zero-based';
    const toClass = labelMapper(options.labelIndex);
    // With a remapped index the logit count follows the index space (e.g. 91 COCO ids), not nc.
    const expectedC = nc === undefined || remap ? undefined : activation === 'softmax' ? nc + 1 : nc;
    const checkDims = (bd: readonly (number | string)[], ld: readonly (number | string)[]) => {
      if (bd.length !== 3 || ld.length !== 3 || !mayEqual(bd[2]!, 4)) throw fail();
      if (!compatible(bd[0]!, ld[0]!) || !compatible(bd[1]!, ld[1]!)) {
        throw fail('boxes and logits disagree on batch or query count');
      }
      if (expectedC !== undefined && !mayEqual(ld[2]!, expectedC)) {
        throw fail(
          `${nc} classes with ${activation} logits need C = ${expectedC}` +
            (activation === 'softmax' ? ' (the last is "no object")' : ''),
        );
      }
      if (activation === 'softmax' && isKnown(ld[2]!) && ld[2] < 2) throw fail('softmax needs C >= 2');
    };
    checkDims(boxesOut.dims, logitsOut.dims);
    return {
      outputNames: [boxesOut.name, logitsOut.name],
      needsNms: false,
      decode(results, ctx) {
        const bt = results[boxesOut.name];
        const lt = results[logitsOut.name];
        if (!bt || !lt) throw new Error('detr: outputs missing from results');
        checkDims(bt.dims, lt.dims);
        const [batch, queries, numLogits] = lt.dims as [number, number, number];
        const W = ctx.inputWidth;
        const H = ctx.inputHeight;
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const boxes = bt.data.subarray(b * queries * 4, (b + 1) * queries * 4);
          const logits = lt.data.subarray(b * queries * numLogits, (b + 1) * queries * numLogits);
          // Flat scores over (query, class) and the class each stands for.
          const perQuery = activation === 'softmax' ? 1 : numLogits;
          const scores = new Float32Array(queries * perQuery);
          const labels = new Int32Array(queries * perQuery);
          if (activation === 'sigmoid') {
            for (let i = 0; i < scores.length; i++) {
              const cls = remap ? toClass(i % numLogits) : i % numLogits;
              scores[i] = cls < 0 ? 0 : sigmoid(logits[i]!);
              labels[i] = cls;
            }
          } else {
            for (let q = 0; q < queries; q++) {
              const row = q * numLogits;
              let max = Number.NEGATIVE_INFINITY;
              for (let c = 0; c < numLogits; c++) max = Math.max(max, logits[row + c]!);
              let sum = 0;
              for (let c = 0; c < numLogits; c++) sum += Math.exp(logits[row + c]! - max);
              let best = 0;
              for (let c = 1; c < numLogits - 1; c++) if (logits[row + c]! > logits[row + best]!) best = c;
              const cls = remap ? toClass(best) : best;
              scores[q] = cls < 0 ? 0 : Math.exp(logits[row + best]! - max) / sum;
              labels[q] = cls;
            }
          }
          const order = sortByScore(scores, ctx.conf, ctx.maxDet);
          const k = order.length;
          const buf = new CandidateBuffer(Math.max(k, 1));
          for (let j = 0; j < k; j++) {
            const i = order[j]!;
            const q = Math.floor(i / perQuery);
            const cx = boxes[q * 4]! * W;
            const cy = boxes[q * 4 + 1]! * H;
            const hw = (boxes[q * 4 + 2]! * W) / 2;
            const hh = (boxes[q * 4 + 3]! * H) / 2;
            buf.push(cx - hw, cy - hh, cx + hw, cy + hh, scores[i]!, labels[i]!);
          }
          perImage.push(buf.finish(false));
        }
        return perImage;
      },
    };
  },
};
