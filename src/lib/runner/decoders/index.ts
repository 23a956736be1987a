/**
 * Registry of output decoders, one per model family. The family list belongs to the schema
 * (schema/families.ts); DECODERS is typed against it, so a family without a decoder (or a
 * decoder without a family) fails to compile.
 *
 * Adding a family: add its name to FAMILIES in schema/families.ts, write decoders/<family>.ts
 * exporting a Decoder<'<family>'>, add one line to DECODERS below.
 *
 * Decoder options a manifest may need: the 'detr' family reads logits with a sigmoid by default;
 * models whose logits end in a "no object" class (original DETR) need softmax. The manifest
 * would declare it as `decoder: { activation: softmax }` and the runner passes it as
 * BindOptions.activation.
 */
import { FAMILIES, type Family } from '../../schema/families.ts';
import type { DecoderOptions } from '../../schema/model-manifest.ts';
import { UserError } from '../../util/errors.ts';
import { detr } from './detr.ts';
import { end2end } from './end2end.ts';
import { fastestdet } from './fastestdet.ts';
import { nanodet } from './nanodet.ts';
import type { PostprocessedOptions } from './postprocessed.ts';
import { postprocessed } from './postprocessed.ts';
import type { BindOptions, Decoder } from './types.ts';
import { yolov5 } from './yolov5.ts';
import { yolov8 } from './yolov8.ts';
import { yolox } from './yolox.ts';

const DECODERS = {
  yolov8,
  yolov5,
  end2end,
  detr,
  yolox,
  nanodet,
  fastestdet,
  postprocessed,
} as const satisfies { [F in Family]: Decoder<F> };

export { FAMILIES, type Family };

/** A manifest's decoder block and class list → the options a decoder binds with. */
export function bindOptionsFor(
  manifest: { classes: 'coco80' | readonly string[]; decoder?: DecoderOptions | undefined },
  file?: string,
): BindOptions {
  const d = manifest.decoder ?? {};
  const postprocessed: PostprocessedOptions = {
    ...(d.boxFormat === undefined ? {} : { boxFormat: d.boxFormat }),
    ...(d.boxSpace === undefined ? {} : { boxSpace: d.boxSpace }),
    ...(d.labelIndex === undefined ? {} : { labelIndex: d.labelIndex }),
    ...(d.outputs === undefined ? {} : { outputs: d.outputs }),
  };
  return {
    numClasses: manifest.classes === 'coco80' ? 80 : manifest.classes.length,
    ...(file === undefined ? {} : { file }),
    ...(d.activation === undefined ? {} : { activation: d.activation }),
    ...(d.labelIndex === undefined ? {} : { labelIndex: d.labelIndex }),
    postprocessed,
  };
}

/** The decoder for a family; an unknown family is a hard error, never a fallback. */
export function getDecoder(family: string, file?: string): Decoder {
  if (!Object.hasOwn(DECODERS, family)) {
    throw new UserError(`unknown model family '${family}'; known families: ${FAMILIES.join(', ')}`, {
      ...(file === undefined ? {} : { file }),
    });
  }
  return DECODERS[family as Family] as Decoder;
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
