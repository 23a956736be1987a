/**
 * Registry of output decoders, one per model family. The manifest schema's `family` enum is
 * built from FAMILIES, so a family exists exactly when a decoder for it does.
 *
 * Adding a family: write decoders/<family>.ts exporting a Decoder<'<family>'>, add one line to
 * DECODERS below.
 *
 * Decoder options a manifest may need: the 'detr' family reads logits with a sigmoid by default;
 * models whose logits end in a "no object" class (original DETR) need softmax. The manifest
 * would declare it as `decoder: { activation: softmax }` and the runner passes it as
 * BindOptions.activation.
 */
import { UserError } from '../../util/errors.ts';
import { detr } from './detr.ts';
import { end2end } from './end2end.ts';
import type { Decoder } from './types.ts';
import { yolov5 } from './yolov5.ts';
import { yolov8 } from './yolov8.ts';

const DECODERS = {
  yolov8,
  yolov5,
  end2end,
  detr,
} as const satisfies { [F in string]: Decoder<F> };

export type Family = keyof typeof DECODERS;

/** Family names as a non-empty tuple, for z.enum(FAMILIES). */
export const FAMILIES = Object.keys(DECODERS) as [Family, ...Family[]];

/** The decoder for a family; an unknown family is a hard error, never a fallback. */
export function getDecoder(family: string, file?: string): Decoder {
  if (!Object.hasOwn(DECODERS, family)) {
    throw new UserError(`unknown model family '${family}'; known families: ${FAMILIES.join(', ')}`, {
      ...(file === undefined ? {} : { file }),
    });
  }
  return DECODERS[family as Family];
}

export type {
  BindOptions,
  BoundDecoder,
  Candidates,
  DecodeContext,
  Decoder,
  LogitActivation,
  OutputSpec,
  OutputTensor,
} from './types.ts';
