/**
 * Geometry of fitting an image into the model input (no pixels here; see preprocess.ts).
 * Reproduces Ultralytics' LetterBox arithmetic exactly, including Python's round-half-to-even.
 */
import type { ImageTransform } from './boxes.ts';

/** Fixed input [height, width], or a dynamic size (longest side maxSize, sides padded to stride). */
export interface InputSize {
  size?: readonly [number, number];
  dynamic?: { maxSize: number; stride: number };
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
  let H: number;
  let W: number;
  let stride = 0;
  if (input.size) {
    [H, W] = input.size;
  } else if (input.dynamic) {
    H = W = input.dynamic.maxSize;
    stride = input.dynamic.stride;
  } else {
    throw new Error('input needs size or dynamic');
  }
  const r = Math.min(H / originalHeight, W / originalWidth);
  const w = Math.max(1, roundHalfEven(originalWidth * r));
  const h = Math.max(1, roundHalfEven(originalHeight * r));

  if (mode === 'stretch') {
    const sw = stride ? Math.ceil(w / stride) * stride : W;
    const sh = stride ? Math.ceil(h / stride) * stride : H;
    return {
      originalWidth,
      originalHeight,
      inputWidth: sw,
      inputHeight: sh,
      resizedWidth: sw,
      resizedHeight: sh,
      ratioX: sw / originalWidth,
      ratioY: sh / originalHeight,
      padLeft: 0,
      padTop: 0,
      padRight: 0,
      padBottom: 0,
    };
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
  return {
    originalWidth,
    originalHeight,
    inputWidth: w + left + right,
    inputHeight: h + top + bottom,
    resizedWidth: w,
    resizedHeight: h,
    // Ultralytics' scale_boxes divides by the gain r, not by the rounded w / w0.
    ratioX: r,
    ratioY: r,
    padLeft: left,
    padTop: top,
    padRight: right,
    padBottom: bottom,
  };
}
