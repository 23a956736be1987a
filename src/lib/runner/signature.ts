/**
 * Recognising a detector export from its ONNX signature (input and output names, types, dims),
 * so `podium new-model --weights` can propose the family and the inputs to declare. Only
 * signatures that say who made them are recognised; anything else gets no proposal (the
 * contributor picks the family), never a guess presented as fact.
 */
import type { ModelInfo, TensorInfo } from '../onnx/inspect.ts';
import type { Family } from '../schema/families.ts';
import type { DecoderOptions, ModelInput } from '../schema/model-manifest.ts';

export interface SignatureProposal {
  family: Family;
  /** In words: what the signature was recognised as, and why. */
  reason: string;
  /** Input fields to declare (the rest keep the scaffold's defaults). */
  input: Partial<ModelInput>;
  decoder?: DecoderOptions;
}

const fixed = (d: TensorInfo['dims'][number] | undefined): d is number => typeof d === 'number' && d > 0;
const last = (t: TensorInfo) => t.dims[t.dims.length - 1];

/** The [H, W] of an NCHW image input, when both are fixed. */
function nchwSize(t: TensorInfo): [number, number] | undefined {
  const [, c, h, w] = t.dims;
  return t.dims.length === 4 && c === 3 && fixed(h) && fixed(w) ? [h, w] : undefined;
}

export function proposeFromSignature(
  info: Pick<ModelInfo, 'inputs' | 'outputs'>,
): SignatureProposal | undefined {
  const { inputs, outputs } = info;
  const named = (re: RegExp) => outputs.filter((o) => re.test(o.name));

  // D-FINE / DEIM / DEIMv2 / RT-DETRv2 export_onnx.py: images + orig_target_sizes → labels, boxes, scores.
  const sizes = inputs.find((i) => i.name === 'orig_target_sizes');
  if (sizes && inputs.length === 2) {
    const image = inputs.find((i) => i !== sizes)!;
    const size = nchwSize(image);
    const dtype = sizes.dtype === 'int32' || sizes.dtype === 'float32' ? sizes.dtype : 'int64';
    return {
      family: 'postprocessed',
      reason: `two inputs, '${image.name}' and orig_target_sizes: a DETR export with its post-processor (D-FINE, DEIM, DEIMv2, RT-DETRv2 export_onnx.py), boxes x1 y1 x2 y2 in original pixels`,
      input: {
        ...(size ? { size } : {}),
        resize: 'stretch',
        name: image.name,
        extra: [{ name: 'orig_target_sizes', value: 'original-size', order: 'wh', dtype }],
      },
      decoder: { boxFormat: 'xyxy', boxSpace: 'original', labelIndex: 'zero-based' },
    };
  }

  // TF Object Detection API: uint8 NHWC image_tensor → num_detections, detection_boxes/scores/classes.
  if (
    inputs.length === 1 &&
    inputs[0]!.dtype === 'uint8' &&
    last(inputs[0]!) === 3 &&
    named(/detection_boxes/).length === 1 &&
    named(/num_detections/).length === 1
  ) {
    return {
      family: 'postprocessed',
      reason:
        'a uint8 NHWC input and num_detections / detection_boxes outputs: a TensorFlow Object Detection API export (boxes y1 x1 y2 x2 normalised, classes as COCO ids)',
      input: { asIs: true, layout: 'NHWC', dtype: 'uint8', scale: 1 },
      decoder: { boxFormat: 'yxyx', boxSpace: 'normalised', labelIndex: 'coco-category-id' },
    };
  }

  // keras-yolo3 (ONNX Model Zoo YOLOv3, Tiny-YOLOv3): input_1 + image_shape → boxes, scores, indices.
  const shape = inputs.find((i) => i.name === 'image_shape');
  if (shape && inputs.length === 2 && outputs.length === 3 && outputs.some((o) => last(o) === 3)) {
    const image = inputs.find((i) => i !== shape)!;
    const size = nchwSize(image);
    const dtype = shape.dtype === 'int32' || shape.dtype === 'int64' ? shape.dtype : 'float32';
    return {
      family: 'postprocessed',
      reason: `'${image.name}' and image_shape inputs with selected indices among the outputs: a keras-yolo3 export (boxes y1 x1 y2 x2 in original pixels)`,
      input: {
        ...(size ? { size } : {}),
        padValue: 128,
        kernel: 'cubic',
        name: image.name,
        extra: [{ name: 'image_shape', value: 'original-size', order: 'hw', dtype }],
      },
      decoder: { boxFormat: 'yxyx', boxSpace: 'original' },
    };
  }

  if (inputs.length !== 1) return undefined;
  const size = nchwSize(inputs[0]!);
  const sized = size ? { size } : {};
  // YOLO26 / YOLOv10 end-to-end heads: one output [B, N, 6].
  if (outputs.length === 1 && outputs[0]!.dims.length === 3 && last(outputs[0]!) === 6) {
    return {
      family: 'end2end',
      reason: 'one output [B, N, 6]: an end-to-end head (YOLOv10, YOLO26) or an export with NMS inside',
      input: sized,
    };
  }
  // Ultralytics YOLOv8/11: one output [B, 4+nc, N] with N > 4+nc.
  const o = outputs[0];
  if (
    outputs.length === 1 &&
    o &&
    o.dims.length === 3 &&
    fixed(o.dims[1]) &&
    fixed(o.dims[2]) &&
    o.dims[1] < o.dims[2]
  ) {
    return {
      family: 'yolov8',
      reason: `one output [B, ${o.dims[1]}, ${o.dims[2]}], channels first: an Ultralytics YOLOv8/11 head`,
      input: sized,
    };
  }
  return undefined;
}
