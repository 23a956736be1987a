/**
 * Registry of output decoders, one per model family. The manifest schema's `family` enum is
 * built from FAMILIES, so a family exists exactly when a decoder for it does.
 *
 * (Placeholder while the decoders land: the names and export shapes here are final.)
 */
export const FAMILIES = ['yolov8', 'yolov5', 'end2end', 'detr'] as const satisfies readonly [
  string,
  ...string[],
];

export type Family = (typeof FAMILIES)[number];
