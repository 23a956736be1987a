/**
 * Exports that end in their own NMS or top-k and give final boxes, scores and labels: one
 * declarative family whose manifest states the conventions instead of a decoder per exporter.
 * Written from each exporter's own post-processing:
 *   - D-FINE / DEIM / DEIMv2 / RT-DETRv2 `tools/deployment/export_onnx.py` (PostProcessor):
 *     inputs images + orig_target_sizes [N, 2] = (w, h); outputs labels [N, Q] (0-based),
 *     boxes [N, Q, 4] x1 y1 x2 y2 in original pixels, scores [N, Q];
 *   - TF Object Detection API (ONNX Model Zoo SSD-MobileNetV1-12): num_detections [B],
 *     detection_boxes [B, N, 4] y1 x1 y2 x2 normalised, detection_scores [B, N],
 *     detection_classes [B, N] COCO category ids;
 *   - maskrcnn-benchmark (ONNX Model Zoo Faster R-CNN-12): boxes [n, 4] x1 y1 x2 y2 in the
 *     resized input, labels [n] 1-based (0 is __background), scores [n] (no batch dim);
 *   - MLPerf SSD-ResNet34 (ONNX Model Zoo SSD-12): boxes [1, n, 4] x1 y1 x2 y2 normalised,
 *     labels [1, n] 1-based, scores [1, n] (mlperf inference's PostProcessCocoOnnx);
 *   - keras-yolo3 (ONNX Model Zoo YOLOv3-12, Tiny-YOLOv3): boxes [1, n, 4] y1 x1 y2 x2 in
 *     original pixels, scores [1, nc, n], indices [m, 3] or [1, m, 3] = (batch, class, box)
 *     picked by the graph's NonMaxSuppression.
 *
 * Manifest (`decoder`): boxFormat xyxy | yxyx | cxcywh (default xyxy); boxSpace original |
 * input | normalised (to the input tensor; default original); labelIndex zero-based |
 * one-based | coco-category-id (default zero-based); outputs {boxes, scores, labels, count,
 * indices} by name when the usual names and shapes cannot tell them apart.
 *
 * Binding: boxes is the output whose last dim is 4; indices, among three outputs, the one
 * [m, 3] / [B, m, 3]; count a rank-1 output (or [B, 1]) named like num_detections; scores and
 * labels by name, or scores as the one output left. Without a batch dim (boxes [n, 4]) the batch is 1. The candidates are final: no NMS,
 * only the conf threshold and the top maxDet by score.
 */
import type { DecoderOptions } from '../../schema/model-manifest.ts';
import { type LabelIndex, labelMapper } from './label-index.ts';
import {
  type BindOptions,
  CandidateBuffer,
  type Candidates,
  type Decoder,
  formatDims,
  isKnown,
  mayEqual,
  type OutputSpec,
  type OutputTensor,
  shapeMismatch,
} from './types.ts';

export interface PostprocessedOptions {
  boxFormat?: NonNullable<DecoderOptions['boxFormat']>;
  boxSpace?: NonNullable<DecoderOptions['boxSpace']>;
  labelIndex?: LabelIndex;
  outputs?: DecoderOptions['outputs'];
}

type Role = 'boxes' | 'scores' | 'labels' | 'count' | 'indices';

const NAME: Record<Role, RegExp> = {
  boxes: /box|bbox/i,
  scores: /score|conf/i,
  labels: /label|class/i,
  count: /num|count/i,
  indices: /indices|index|selected/i,
};

const last = (o: OutputSpec) => o.dims[o.dims.length - 1];

/** Assigns roles to outputs: declared names first, then shape, then the usual names. */
function assignRoles(
  outputs: readonly OutputSpec[],
  options: BindOptions,
): Partial<Record<Role, OutputSpec>> {
  const listed = outputs.map((o) => `${o.name} ${formatDims(o.dims)}`).join(', ');
  const fail = (detail: string) =>
    shapeMismatch(postprocessed, outputs, { ...options, detail: `${detail}; outputs: ${listed}` });
  const declared = options.postprocessed?.outputs ?? {};
  const roles: Partial<Record<Role, OutputSpec>> = {};
  const free = new Set(outputs);
  const take = (role: Role, o: OutputSpec) => {
    roles[role] = o;
    free.delete(o);
  };
  for (const role of ['boxes', 'scores', 'labels', 'count', 'indices'] as const) {
    const name = declared[role];
    if (name === undefined) continue;
    const o = outputs.find((x) => x.name === name);
    if (!o) throw fail(`decoder.outputs.${role} is '${name}', which the model does not output`);
    take(role, o);
  }
  const pick = (role: Role, test: (o: OutputSpec) => boolean) => {
    if (roles[role]) return;
    const found = [...free].filter(test);
    const named = found.length > 1 ? found.filter((o) => NAME[role].test(o.name)) : found;
    if (named.length === 1) take(role, named[0]!);
  };
  pick('boxes', (o) => (o.dims.length === 2 || o.dims.length === 3) && last(o) === 4);
  pick(
    'indices',
    (o) => (o.dims.length === 2 || o.dims.length === 3) && last(o) === 3 && outputs.length === 3,
  );
  pick(
    'count',
    (o) => (o.dims.length === 1 || (o.dims.length === 2 && last(o) === 1)) && NAME.count.test(o.name),
  );
  pick('scores', (o) => NAME.scores.test(o.name) && !NAME.labels.test(o.name));
  pick('labels', (o) => NAME.labels.test(o.name) && !NAME.scores.test(o.name));
  // What is left once the rest is known: the scores (keras-yolo3 names its outputs by node).
  if (!roles.scores && (roles.labels || roles.indices) && free.size === 1 && !roles.count) {
    const [rest] = free;
    if (rest && (roles.indices ? rest.dims.length === 3 : true)) take('scores', rest);
  }
  if (!roles.boxes) throw fail('no output of boxes [B, N, 4] or [N, 4] (name it with decoder.outputs.boxes)');
  if (!roles.scores)
    throw fail('cannot tell which output holds the scores (name it with decoder.outputs.scores)');
  if (!roles.indices && !roles.labels) {
    throw fail('cannot tell which output holds the labels (name it with decoder.outputs.labels)');
  }
  return roles;
}

export const postprocessed: Decoder<'postprocessed'> = {
  family: 'postprocessed',
  expects:
    'final detections: boxes [B, N, 4] or [N, 4], scores and labels [B, N] or [N] (optional num_detections [B]), or boxes, scores [B, nc, N] and selected indices [M, 3]',
  bind(outputs, options) {
    const roles = assignRoles(outputs, options);
    const fail = (detail: string, shapes: readonly { dims: readonly (number | string)[] }[] = outputs) =>
      shapeMismatch(this, shapes, { ...options, detail });
    const boxes = roles.boxes!;
    const batched = boxes.dims.length === 3;
    const perClass = roles.indices !== undefined;
    const conv = options.postprocessed ?? {};
    const toClass = labelMapper(conv.labelIndex);
    const nc = options.numClasses;

    const check = (t: Partial<Record<Role, { dims: readonly (number | string)[] } | undefined>>) => {
      const shapes = Object.values(t).filter((x) => x !== undefined);
      const bd = t.boxes!.dims;
      const n = bd[bd.length - 2]!;
      const rowShape = batched ? `[B, ${formatDims([n])}]` : `[${n}]`;
      if (perClass) {
        const sd = t.scores!.dims;
        if (sd.length !== 3 || !mayEqual(sd[2]!, isKnown(n) ? n : 0)) {
          throw fail(`with selected indices, scores must be [B, nc, N] for boxes ${formatDims(bd)}`, shapes);
        }
        if (nc !== undefined && !mayEqual(sd[1]!, nc))
          throw fail(`scores have ${sd[1]} classes, the manifest ${nc}`, shapes);
        return;
      }
      for (const role of ['scores', 'labels'] as const) {
        const d = t[role]!.dims;
        const ok = batched
          ? d.length === 2 && mayEqual(d[1]!, isKnown(n) ? n : 0)
          : d.length === 1 && mayEqual(d[0]!, isKnown(n) ? n : 0);
        if (!ok)
          throw fail(
            `${role} ${formatDims(d)} do not line up with boxes ${formatDims(bd)}: expected ${rowShape}`,
            shapes,
          );
      }
    };
    check(roles);
    const names = Object.values(roles).map((o) => o.name);

    return {
      outputNames: names,
      needsNms: false,
      decode(results, ctx) {
        const get = (role: Role): OutputTensor | undefined => {
          const o = roles[role];
          if (!o) return undefined;
          const t = results[o.name];
          if (!t) throw new Error(`postprocessed: output '${o.name}' missing from results`);
          return t;
        };
        const t = {
          boxes: get('boxes')!,
          scores: get('scores')!,
          labels: get('labels'),
          count: get('count'),
          indices: get('indices'),
        };
        check(t);
        const bd = t.boxes.dims;
        const batch = batched ? bd[0]! : 1;
        const n = bd[bd.length - 2]!;
        const box = boxReader(
          conv.boxFormat ?? 'xyxy',
          conv.boxSpace ?? 'original',
          ctx.inputWidth,
          ctx.inputHeight,
        );
        const space = (conv.boxSpace ?? 'original') === 'original' ? 'original' : 'input';
        const perImage: Candidates[] = [];
        for (let b = 0; b < batch; b++) {
          const buf = new CandidateBuffer(Math.min(n, 1024) || 1);
          const push = (row: number, score: number, cls: number) => {
            box(t.boxes.data, (b * n + row) * 4, buf, score, cls);
          };
          if (t.indices) {
            const id = t.indices.dims;
            const m = id[id.length - 2]!;
            const classes = t.scores.dims[1]!;
            for (let k = 0; k < m; k++) {
              const bi = t.indices.data[k * 3]!;
              const c = t.indices.data[k * 3 + 1]!;
              const r = t.indices.data[k * 3 + 2]!;
              if (bi !== b || c < 0 || c >= classes || r < 0 || r >= n) continue;
              const score = t.scores.data[(b * classes + c) * n + r]!;
              if (score > ctx.conf || !Number.isFinite(score)) push(r, score, toClass(c));
            }
          } else {
            const rows = t.count ? Math.max(0, Math.min(n, Math.round(t.count.data[b]!))) : n;
            for (let r = 0; r < rows; r++) {
              const score = t.scores.data[b * n + r]!;
              if (score > ctx.conf || !Number.isFinite(score))
                push(r, score, toClass(t.labels!.data[b * n + r]!));
            }
          }
          perImage.push({ ...buf.finish(false), space });
        }
        return perImage;
      },
    };
  },
};

type BoxReader = (data: Float32Array, o: number, buf: CandidateBuffer, score: number, cls: number) => void;

/** Reads one box in the declared order and space into x1 y1 x2 y2 (input or original pixels). */
function boxReader(
  format: NonNullable<PostprocessedOptions['boxFormat']>,
  space: NonNullable<PostprocessedOptions['boxSpace']>,
  W: number,
  H: number,
): BoxReader {
  const sx = space === 'normalised' ? W : 1;
  const sy = space === 'normalised' ? H : 1;
  switch (format) {
    case 'xyxy':
      return (d, o, buf, s, c) => buf.push(d[o]! * sx, d[o + 1]! * sy, d[o + 2]! * sx, d[o + 3]! * sy, s, c);
    case 'yxyx':
      return (d, o, buf, s, c) => buf.push(d[o + 1]! * sx, d[o]! * sy, d[o + 3]! * sx, d[o + 2]! * sy, s, c);
    case 'cxcywh':
      return (d, o, buf, s, c) => {
        const hw = d[o + 2]! / 2;
        const hh = d[o + 3]! / 2;
        buf.push((d[o]! - hw) * sx, (d[o + 1]! - hh) * sy, (d[o]! + hw) * sx, (d[o + 1]! + hh) * sy, s, c);
      };
  }
}
