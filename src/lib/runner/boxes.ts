/**
 * Box formats and the mapping between input-tensor pixels and original-image pixels.
 *
 * Boxes travel as flat Float32Arrays of 4 values per box. Coordinates are pixels with the origin
 * at the image's top-left corner; x grows right, y grows down; x2/y2 are exclusive edges (a box
 * covering the whole W×H image is [0, 0, W, H]), as in COCO and Ultralytics.
 */

/**
 * How an original image was fitted into the input tensor, so boxes can be mapped back:
 *   x_input = x_original * ratioX + padLeft,   y_input = y_original * ratioY + padTop
 */
export interface ImageTransform {
  /** Original size after EXIF orientation, in pixels. */
  originalWidth: number;
  originalHeight: number;
  /** Size of the input tensor's spatial dims (W, H of the NCHW tensor). */
  inputWidth: number;
  inputHeight: number;
  /** Scale from original to input pixels; equal for letterbox, independent for stretch. */
  ratioX: number;
  ratioY: number;
  /** Padding added on the left / top of the resized image (letterbox), 0 for stretch. */
  padLeft: number;
  padTop: number;
}

/** [cx, cy, w, h] → [x1, y1, x2, y2], n boxes; may write in place (dst === src). */
export function cxcywhToXyxy(
  src: Float32Array,
  dst: Float32Array = new Float32Array(src.length),
): Float32Array {
  for (let i = 0; i < src.length; i += 4) {
    const cx = src[i]!;
    const cy = src[i + 1]!;
    const hw = src[i + 2]! / 2;
    const hh = src[i + 3]! / 2;
    dst[i] = cx - hw;
    dst[i + 1] = cy - hh;
    dst[i + 2] = cx + hw;
    dst[i + 3] = cy + hh;
  }
  return dst;
}

/** [x1, y1, x2, y2] → [cx, cy, w, h]; may write in place. */
export function xyxyToCxcywh(
  src: Float32Array,
  dst: Float32Array = new Float32Array(src.length),
): Float32Array {
  for (let i = 0; i < src.length; i += 4) {
    const x1 = src[i]!;
    const y1 = src[i + 1]!;
    const x2 = src[i + 2]!;
    const y2 = src[i + 3]!;
    dst[i] = (x1 + x2) / 2;
    dst[i + 1] = (y1 + y2) / 2;
    dst[i + 2] = x2 - x1;
    dst[i + 3] = y2 - y1;
  }
  return dst;
}

/** Clips xyxy boxes to [0, width] × [0, height], in place. */
export function clipXyxy(boxes: Float32Array, width: number, height: number): Float32Array {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = Math.min(Math.max(boxes[i]!, 0), width);
    boxes[i + 1] = Math.min(Math.max(boxes[i + 1]!, 0), height);
    boxes[i + 2] = Math.min(Math.max(boxes[i + 2]!, 0), width);
    boxes[i + 3] = Math.min(Math.max(boxes[i + 3]!, 0), height);
  }
  return boxes;
}

/**
 * xyxy boxes in input-tensor pixels → xyxy in original-image pixels, clipped to the original
 * image (what Ultralytics' scale_boxes does). Returns a new array.
 */
export function inputToOriginal(boxes: Float32Array, t: ImageTransform): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = (boxes[i]! - t.padLeft) / t.ratioX;
    out[i + 1] = (boxes[i + 1]! - t.padTop) / t.ratioY;
    out[i + 2] = (boxes[i + 2]! - t.padLeft) / t.ratioX;
    out[i + 3] = (boxes[i + 3]! - t.padTop) / t.ratioY;
  }
  return clipXyxy(out, t.originalWidth, t.originalHeight);
}

/** xyxy in original pixels → input-tensor pixels (the forward transform; used by tests and tools). */
export function originalToInput(boxes: Float32Array, t: ImageTransform): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i]! * t.ratioX + t.padLeft;
    out[i + 1] = boxes[i + 1]! * t.ratioY + t.padTop;
    out[i + 2] = boxes[i + 2]! * t.ratioX + t.padLeft;
    out[i + 3] = boxes[i + 3]! * t.ratioY + t.padTop;
  }
  return out;
}

/** IoU of box i in a and box j in b (flat xyxy arrays). Zero-area boxes have IoU 0. */
export function iou(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const ax1 = a[i * 4]!;
  const ay1 = a[i * 4 + 1]!;
  const ax2 = a[i * 4 + 2]!;
  const ay2 = a[i * 4 + 3]!;
  const bx1 = b[j * 4]!;
  const by1 = b[j * 4 + 1]!;
  const bx2 = b[j * 4 + 2]!;
  const by2 = b[j * 4 + 3]!;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}
