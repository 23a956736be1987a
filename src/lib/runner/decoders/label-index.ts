/**
 * What a label (or a logit's index) in a model's output means, as a manifest's
 * `decoder.labelIndex` declares it, turned into an index into the manifest's class list:
 *   zero-based        the index itself (COCO's 80-class order for coco80 models);
 *   one-based         1 is the first class, 0 is background (maskrcnn-benchmark, MLPerf SSD);
 *   coco-category-id  COCO's sparse ids 1..90 (TF Object Detection API, RF-DETR's logits):
 *                     mapped to COCO's 80 classes; the 11 unused ids and 0 map to nothing.
 * An index that maps to nothing comes back -1 (dropped as an unmapped class downstream).
 */
import type { DecoderOptions } from '../../schema/model-manifest.ts';
import { COCO80 } from '../class-map.ts';

export type LabelIndex = NonNullable<DecoderOptions['labelIndex']>;

/** COCO category id → 80-class index, -1 where COCO has no class. */
const COCO_ID_TO_INDEX: Int32Array = (() => {
  const table = new Int32Array(92).fill(-1);
  COCO80.forEach((c, i) => {
    table[c.id] = i;
  });
  return table;
})();

/** A function from a raw label (an integer, read as a float) to a class index, or -1. */
export function labelMapper(kind: LabelIndex = 'zero-based'): (label: number) => number {
  switch (kind) {
    case 'zero-based':
      return (l) => (Number.isInteger(l) && l >= 0 ? l : -1);
    case 'one-based':
      return (l) => (Number.isInteger(l) && l >= 1 ? l - 1 : -1);
    case 'coco-category-id':
      return (l) =>
        Number.isInteger(l) && l >= 0 && l < COCO_ID_TO_INDEX.length ? COCO_ID_TO_INDEX[l]! : -1;
  }
}
