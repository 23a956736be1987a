/**
 * The model families the board knows, one per output decoder. The list belongs to the schema
 * (schemas depend on nothing else of ours); the runner's decoder registry is typed against it
 * (`satisfies { [F in Family]: Decoder<F> }`), so a family listed here without a decoder, or a
 * decoder without a family, fails to compile.
 */
export const FAMILIES = [
  'yolov8',
  'yolov5',
  'end2end',
  'detr',
  'yolox',
  'nanodet',
  'fastestdet',
  'postprocessed',
] as const;

export type Family = (typeof FAMILIES)[number];
