/**
 * Model class index → dataset category id.
 *
 * Models predict an index into their own class list; COCO-style results need the dataset's
 * category ids. 'coco80' models use COCO's usual 80 contiguous labels, which correspond to COCO's
 * sparse 1..90 category ids (COCO80 below). Mapping to a dataset is by name (case, spaces,
 * underscores and hyphens ignored), so a COCO-trained model maps correctly onto COCO itself and
 * onto any dataset that uses COCO's names, whatever ids it chose.
 */
import { UserError } from '../util/errors.ts';

export interface Category {
  id: number;
  name: string;
}

/** COCO's 80 labels in model order, with their official category ids (of 1..90; 11 ids are unused). */
export const COCO80: readonly Category[] = (
  [
    [1, 'person'],
    [2, 'bicycle'],
    [3, 'car'],
    [4, 'motorcycle'],
    [5, 'airplane'],
    [6, 'bus'],
    [7, 'train'],
    [8, 'truck'],
    [9, 'boat'],
    [10, 'traffic light'],
    [11, 'fire hydrant'],
    [13, 'stop sign'],
    [14, 'parking meter'],
    [15, 'bench'],
    [16, 'bird'],
    [17, 'cat'],
    [18, 'dog'],
    [19, 'horse'],
    [20, 'sheep'],
    [21, 'cow'],
    [22, 'elephant'],
    [23, 'bear'],
    [24, 'zebra'],
    [25, 'giraffe'],
    [27, 'backpack'],
    [28, 'umbrella'],
    [31, 'handbag'],
    [32, 'tie'],
    [33, 'suitcase'],
    [34, 'frisbee'],
    [35, 'skis'],
    [36, 'snowboard'],
    [37, 'sports ball'],
    [38, 'kite'],
    [39, 'baseball bat'],
    [40, 'baseball glove'],
    [41, 'skateboard'],
    [42, 'surfboard'],
    [43, 'tennis racket'],
    [44, 'bottle'],
    [46, 'wine glass'],
    [47, 'cup'],
    [48, 'fork'],
    [49, 'knife'],
    [50, 'spoon'],
    [51, 'bowl'],
    [52, 'banana'],
    [53, 'apple'],
    [54, 'sandwich'],
    [55, 'orange'],
    [56, 'broccoli'],
    [57, 'carrot'],
    [58, 'hot dog'],
    [59, 'pizza'],
    [60, 'donut'],
    [61, 'cake'],
    [62, 'chair'],
    [63, 'couch'],
    [64, 'potted plant'],
    [65, 'bed'],
    [67, 'dining table'],
    [70, 'toilet'],
    [72, 'tv'],
    [73, 'laptop'],
    [74, 'mouse'],
    [75, 'remote'],
    [76, 'keyboard'],
    [77, 'cell phone'],
    [78, 'microwave'],
    [79, 'oven'],
    [80, 'toaster'],
    [81, 'sink'],
    [82, 'refrigerator'],
    [84, 'book'],
    [85, 'clock'],
    [86, 'vase'],
    [87, 'scissors'],
    [88, 'teddy bear'],
    [89, 'hair drier'],
    [90, 'toothbrush'],
  ] as const
).map(([id, name]) => ({ id, name }));

/** The model's class names in output order. Structurally the manifest's `classes`. */
export type ModelClasses = 'coco80' | readonly string[];

export function modelClassNames(classes: ModelClasses): string[] {
  return classes === 'coco80' ? COCO80.map((c) => c.name) : [...classes];
}

export interface ClassMap {
  /** [numClasses] dataset category id per model class index; -1 where dropped (see dropUnmapped). */
  categoryIds: Int32Array;
  /** Model class names in output order. */
  modelNames: string[];
  /** Model classes with no dataset category (only when dropUnmapped). */
  unmapped: string[];
}

export interface ClassMapOptions {
  /** File named in errors (the dataset annotations, usually). */
  file?: string;
  /**
   * Drop detections of model classes the dataset lacks instead of refusing (for a dataset that
   * deliberately covers a subset of the model's classes). Off by default: a missing class is
   * more often a naming mismatch that would silently cost AP.
   */
  dropUnmapped?: boolean;
}

/** Name normalisation for matching: "Traffic_Light" ≡ "traffic light". */
export function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

export function buildClassMap(
  classes: ModelClasses,
  datasetCategories: readonly Category[],
  options: ClassMapOptions = {},
): ClassMap {
  const where = options.file === undefined ? {} : { file: options.file };
  const byName = new Map<string, number>();
  for (const c of datasetCategories) {
    const key = normaliseName(c.name);
    const other = byName.get(key);
    if (other !== undefined && other !== c.id) {
      throw new UserError(
        `categories ${other} and ${c.id} have the same name "${c.name}"; classes are matched by name`,
        where,
      );
    }
    byName.set(key, c.id);
  }
  const modelNames = modelClassNames(classes);
  const categoryIds = new Int32Array(modelNames.length);
  const missing: string[] = [];
  modelNames.forEach((name, i) => {
    const id = byName.get(normaliseName(name));
    if (id === undefined) missing.push(name);
    categoryIds[i] = id ?? -1;
  });
  if (missing.length > 0 && !options.dropUnmapped) {
    const shown = missing.slice(0, 20).map((n) => `"${n}"`);
    const more = missing.length > 20 ? ` and ${missing.length - 20} more` : '';
    throw new UserError(
      `the dataset has no category for ${missing.length} of the model's ${modelNames.length} classes: ` +
        `${shown.join(', ')}${more} (classes are matched by name)`,
      where,
    );
  }
  return { categoryIds, modelNames, unmapped: missing };
}
