/**
 * Geometry of fitting an image into the model input (no pixels here; see preprocess.ts).
 * Reproduces Ultralytics' LetterBox arithmetic exactly, including Python's round-half-to-even.
 */
import type { ImageTransform } from './boxes.ts';

/**
 * How big the input tensor is: a fixed [height, width]; a dynamic size (longest side maxSize,
 * sides padded to stride); the shorter side to a length (longer side capped, padded to stride);
 * or the image as it is (the model resizes it itself).
 */
export interface InputSize {
  size?: readonly [number, number] | undefined;
  dynamic?: { maxSize: number; stride: number } | undefined;
  shorterSide?: { size: number; maxSize?: number | undefined; stride: number } | undefined;
  asIs?: true | undefined;
  /** Where a padded image sits. Default centre. */
  placement?: 'centre' | 'top-left' | undefined;
}

export type ResizeMode = 'letterbox' | 'stretch';

/** Python 3's round(): halves go to the even neighbour (2.5 → 2, 3.5 → 4). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // `+ 0` turns -0 (from Math.round(-0.1)) into 0, as Python's int(round()) has no negative zero.
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}

/** Where the resized image goes inside the input tensor. */
export interface Placement extends ImageTransform {
  /** Size the image is resized to before padding. */
  resizedWidth: number;
  resizedHeight: number;
  padRight: number;
  padBottom: number;
}

/**
 * Letterbox, as Ultralytics' LetterBox(new_shape, auto=dynamic, stride):
 *   r = min(H / h0, W / w0); unpadded = (round(w0 r), round(h0 r))
 *   dw, dh = W - w, H - h (for a dynamic size: taken modulo stride, so the tensor is the
 *   smallest multiple of stride around the resized image), split as
 *   left = round(dw/2 - 0.1), right = round(dw/2 + 0.1) (same for top/bottom).
 * Stretch resizes to the whole input (for a dynamic size: the letterbox size rounded up to stride).
 */
export function computePlacement(
  originalWidth: number,
  originalHeight: number,
  input: InputSize,
  mode: ResizeMode,
): Placement {
  if (!(originalWidth > 0 && originalHeight > 0)) {
    throw new Error(`image has no pixels (${originalWidth}x${originalHeight})`);
  }
  if (input.asIs) return fitted(originalWidth, originalHeight, originalWidth, originalHeight, 1, 1, 0, 0);
  if (input.shorterSide) return shorterSidePlacement(originalWidth, originalHeight, input.shorterSide, input);
  let H: number;
  let W: number;
  let stride = 0;
  if (input.size) {
    [H, W] = input.size;
  } else if (input.dynamic) {
    H = W = input.dynamic.maxSize;
    stride = input.dynamic.stride;
  } else {
    throw new Error('input needs size, dynamic, shorterSide or asIs');
  }
  const r = Math.min(H / originalHeight, W / originalWidth);
  if (input.placement === 'top-left' && mode === 'letterbox') {
    // YOLOX's preproc: cv2.resize to (int(w r), int(h r)), pasted at the top-left of the canvas;
    // boxes are mapped back by dividing by r.
    const w = Math.max(1, Math.floor(originalWidth * r));
    const h = Math.max(1, Math.floor(originalHeight * r));
    const cw = stride ? Math.ceil(w / stride) * stride : W;
    const ch = stride ? Math.ceil(h / stride) * stride : H;
    return fitted(originalWidth, originalHeight, w, h, r, r, 0, 0, cw - w, ch - h);
  }
  const w = Math.max(1, roundHalfEven(originalWidth * r));
  const h = Math.max(1, roundHalfEven(originalHeight * r));

  if (mode === 'stretch') {
    const sw = stride ? Math.ceil(w / stride) * stride : W;
    const sh = stride ? Math.ceil(h / stride) * stride : H;
    return fitted(originalWidth, originalHeight, sw, sh, sw / originalWidth, sh / originalHeight, 0, 0);
  }

  let dw = W - w;
  let dh = H - h;
  if (stride) {
    dw %= stride;
    dh %= stride;
  }
  const left = roundHalfEven(dw / 2 - 0.1);
  const right = roundHalfEven(dw / 2 + 0.1);
  const top = roundHalfEven(dh / 2 - 0.1);
  const bottom = roundHalfEven(dh / 2 + 0.1);
  // Ultralytics' scale_boxes divides by the gain r, not by the rounded w / w0.
  return fitted(originalWidth, originalHeight, w, h, r, r, left, top, right, bottom);
}

/**
 * maskrcnn-benchmark's Resize.get_size (and the ONNX Model Zoo's Faster R-CNN recipe): the
 * shorter side becomes `size` unless the longer would then exceed maxSize, sides rounded down;
 * the tensor is padded at the right and bottom to a multiple of stride (to_image_list). Boxes
 * come back in resized pixels, so the per-axis ratio is the resized size over the original.
 */
function shorterSidePlacement(
  w0: number,
  h0: number,
  spec: NonNullable<InputSize['shorterSide']>,
  input: InputSize,
): Placement {
  let size = spec.size;
  const short = Math.min(w0, h0);
  const long = Math.max(w0, h0);
  if (spec.maxSize !== undefined && (long / short) * size > spec.maxSize) {
    size = roundHalfEven((spec.maxSize * short) / long);
  }
  const w = Math.max(1, w0 <= h0 ? size : Math.floor((size * w0) / h0));
  const h = Math.max(1, w0 <= h0 ? Math.floor((size * h0) / w0) : size);
  const stride = spec.stride;
  const padW = Math.ceil(w / stride) * stride - w;
  const padH = Math.ceil(h / stride) * stride - h;
  const left = input.placement === 'centre' ? Math.floor(padW / 2) : 0;
  const top = input.placement === 'centre' ? Math.floor(padH / 2) : 0;
  return fitted(w0, h0, w, h, w / w0, h / h0, left, top, padW - left, padH - top);
}

function fitted(
  originalWidth: number,
  originalHeight: number,
  resizedWidth: number,
  resizedHeight: number,
  ratioX: number,
  ratioY: number,
  padLeft: number,
  padTop: number,
  padRight = 0,
  padBottom = 0,
): Placement {
  return {
    originalWidth,
    originalHeight,
    inputWidth: resizedWidth + padLeft + padRight,
    inputHeight: resizedHeight + padTop + padBottom,
    resizedWidth,
    resizedHeight,
    ratioX,
    ratioY,
    padLeft,
    padTop,
    padRight,
    padBottom,
  };
}
