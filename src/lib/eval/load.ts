import { createHash } from 'node:crypto';
import { UserError } from '../util/errors.ts';

/**
 * COCO ground truth in columnar form. Images and categories are sorted by id, as pycocotools'
 * `np.unique(p.imgIds)` / `np.unique(p.catIds)` order them; annotations keep file order, which
 * decides pycocotools' tie-breaking between GT boxes.
 */
export interface CocoGt {
  readonly imageIds: Float64Array;
  readonly imageWidth: Float64Array;
  readonly imageHeight: Float64Array;
  readonly imageFile: readonly string[];
  readonly categoryIds: Float64Array;
  readonly categoryNames: readonly string[];
  readonly annotations: GtColumns;
  /** sha256 of the file bytes (or of the canonical JSON when built in memory). */
  readonly sha256: string;
}

/** Boxes of one kind (GT or detections), one entry per box. */
export interface BoxColumns {
  readonly length: number;
  /** Index into CocoGt.imageIds. */
  readonly img: Int32Array;
  /** Index into CocoGt.categoryIds. */
  readonly cat: Int32Array;
  /** bbox as COCO writes it: top-left x, y, width, height, in image pixels. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
}

export interface GtColumns extends BoxColumns {
  readonly id: Float64Array;
  /** The GT `area` field (segment area in COCO), which decides the size range; w*h when absent. */
  readonly area: Float64Array;
  readonly crowd: Uint8Array;
}

/** A COCO results list in columnar form, in file order (pycocotools' loadRes assigns ids in that order). */
export interface Detections extends BoxColumns {
  readonly score: Float64Array;
  readonly sha256: string;
}

/** Zeroed columns for n detections, filled in place by each reader. */
export function allocDetections(n: number, sha256: string): Detections {
  return {
    length: n,
    img: new Int32Array(n),
    cat: new Int32Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    w: new Float64Array(n),
    h: new Float64Array(n),
    score: new Float64Array(n),
    sha256,
  };
}

type Json = unknown;

export function parseJsonText(text: string, file: string): Json {
  if (text.trim() === '') throw new UserError('the file is empty', { file });
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Python's json module writes NaN and Infinity, which are not JSON; say so, and where.
    const bad = /[:[,]\s*(-?(?:NaN|Infinity))\b/.exec(text);
    const where = (offset: number) => {
      const before = text.slice(0, offset);
      return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
    };
    if (bad) {
      const offset = bad.index + bad[0].length - bad[1]!.length;
      throw new UserError(
        `${bad[1]} is not valid JSON (boxes and scores must be finite numbers) at ${where(offset)}`,
        {
          file,
        },
      );
    }
    const pos = /position (\d+)/.exec(message);
    throw new UserError(`invalid JSON: ${message}${pos ? ` (${where(Number(pos[1]))})` : ''}`, { file });
  }
}

function fail(file: string, path: string, message: string): never {
  throw new UserError(`${path}: ${message}`, { file });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(file: string, path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(file, path, `expected a finite number, got ${describe(v)}`);
  return v;
}

function integerId(file: string, path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(file, path, `expected an integer id, got ${describe(v)}`);
  return v;
}

function readBox(file: string, path: string, v: unknown, out: Float64Array[], i: number): void {
  if (!Array.isArray(v) || v.length !== 4) {
    fail(file, `${path}.bbox`, `expected [x, y, width, height], got ${describe(v)}`);
  }
  for (let j = 0; j < 4; j++) {
    const c = v[j];
    if (typeof c !== 'number' || !Number.isFinite(c)) {
      fail(file, `${path}.bbox[${j}]`, `expected a finite number, got ${describe(c)}`);
    }
    if (j >= 2 && c < 0) fail(file, `${path}.bbox[${j}]`, `negative ${j === 2 ? 'width' : 'height'} ${c}`);
    (out[j] as Float64Array)[i] = c;
  }
}

/** Sorts entries by id (pycocotools' np.unique order) and refuses a repeated id, naming both entries. */
function sortByUniqueId(
  entries: { id: number; index: number }[],
  file: string,
  list: string,
  what: string,
): void {
  entries.sort((a, b) => a.id - b.id);
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1]!;
    const b = entries[i]!;
    if (a.id === b.id)
      fail(file, `${list}[${b.index}].id`, `duplicate ${what} id ${b.id} (also ${list}[${a.index}])`);
  }
}

export function sortedIndex(ids: Float64Array): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i]!, i);
  return m;
}

/** The images and categories of a ground truth, validated and sorted by id, with id → index maps. */
export function gtHead(
  images: unknown[],
  categories: unknown[],
  file: string,
): {
  gt: Omit<CocoGt, 'annotations' | 'sha256'>;
  imgIndex: Map<number, number>;
  catIndex: Map<number, number>;
} {
  const imgOrder = images.map((im, i) => {
    const p = `images[${i}]`;
    if (!isRecord(im)) fail(file, p, `expected an object, got ${describe(im)}`);
    const id = integerId(file, `${p}.id`, im['id']);
    const width = im['width'] === undefined ? 0 : finite(file, `${p}.width`, im['width']);
    const height = im['height'] === undefined ? 0 : finite(file, `${p}.height`, im['height']);
    const fileName = im['file_name'];
    if (fileName !== undefined && typeof fileName !== 'string') {
      fail(file, `${p}.file_name`, `expected a string, got ${describe(fileName)}`);
    }
    return { id, width, height, fileName: fileName ?? '', index: i };
  });
  sortByUniqueId(imgOrder, file, 'images', 'image');
  const catOrder = categories.map((c, i) => {
    const p = `categories[${i}]`;
    if (!isRecord(c)) fail(file, p, `expected an object, got ${describe(c)}`);
    const id = integerId(file, `${p}.id`, c['id']);
    const name = c['name'] === undefined ? String(id) : c['name'];
    if (typeof name !== 'string') fail(file, `${p}.name`, `expected a string, got ${describe(name)}`);
    return { id, name, index: i };
  });
  sortByUniqueId(catOrder, file, 'categories', 'category');
  const imageIds = Float64Array.from(imgOrder, (im) => im.id);
  const categoryIds = Float64Array.from(catOrder, (c) => c.id);
  const imgIndex = sortedIndex(imageIds);
  const catIndex = sortedIndex(categoryIds);

  return {
    gt: {
      imageIds,
      imageWidth: Float64Array.from(imgOrder, (im) => im.width),
      imageHeight: Float64Array.from(imgOrder, (im) => im.height),
      imageFile: imgOrder.map((im) => im.fileName),
      categoryIds,
      categoryNames: catOrder.map((c) => c.name),
    },
    imgIndex,
    catIndex,
  };
}

/**
 * Validates a COCO instances ground truth and converts it to columns.
 * Duplicate ids, annotations pointing at unknown images or categories, and malformed boxes are
 * errors naming the entry, because pycocotools silently drops or overwrites such entries.
 */
export function gtFromJson(value: Json, file: string, sha256: string): CocoGt {
  if (!isRecord(value)) {
    fail(
      file,
      '(root)',
      `expected a COCO ground-truth object with images, annotations and categories, got ${describe(value)}`,
    );
  }
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(value[key])) {
      fail(
        file,
        key,
        value[key] === undefined
          ? 'missing (not a COCO ground-truth file?)'
          : `expected an array, got ${describe(value[key])}`,
      );
    }
  }
  const images = value['images'] as unknown[];
  const categories = value['categories'] as unknown[];
  const anns = value['annotations'] as unknown[];
  const head = gtHead(images, categories, file);
  const { imgIndex, catIndex } = head;

  const n = anns.length;
  const cols = {
    length: n,
    id: new Float64Array(n),
    img: new Int32Array(n),
    cat: new Int32Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    w: new Float64Array(n),
    h: new Float64Array(n),
    area: new Float64Array(n),
    crowd: new Uint8Array(n),
  };
  const box = [cols.x, cols.y, cols.w, cols.h];
  const seenIds = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = anns[i];
    const p = `annotations[${i}]`;
    if (!isRecord(a)) fail(file, p, `expected an object, got ${describe(a)}`);
    const id = integerId(file, `${p}.id`, a['id']);
    const prev = seenIds.get(id);
    if (prev !== undefined)
      fail(file, `${p}.id`, `duplicate annotation id ${id} (also annotations[${prev}])`);
    seenIds.set(id, i);
    const imageId = integerId(file, `${p}.image_id`, a['image_id']);
    const img = imgIndex.get(imageId);
    if (img === undefined) fail(file, `${p}.image_id`, `image id ${imageId} is not in images`);
    const catId = integerId(file, `${p}.category_id`, a['category_id']);
    const cat = catIndex.get(catId);
    if (cat === undefined) fail(file, `${p}.category_id`, `category id ${catId} is not in categories`);
    readBox(file, p, a['bbox'], box, i);
    const area = a['area'] === undefined ? cols.w[i]! * cols.h[i]! : finite(file, `${p}.area`, a['area']);
    if (area < 0) fail(file, `${p}.area`, `negative area ${area}`);
    const crowd = a['iscrowd'];
    if (crowd !== undefined && crowd !== 0 && crowd !== 1 && crowd !== true && crowd !== false) {
      fail(file, `${p}.iscrowd`, `expected 0 or 1, got ${describe(crowd)}`);
    }
    cols.id[i] = id;
    cols.img[i] = img;
    cols.cat[i] = cat;
    cols.area[i] = area;
    cols.crowd[i] = crowd === 1 || crowd === true ? 1 : 0;
  }
  return { ...head.gt, annotations: cols, sha256 };
}

/**
 * Validates a COCO results list against its ground truth and converts it to columns.
 * Hand-written rather than zod: this is the hot path (500k entries), and zod costs more than the
 * JSON.parse itself there. The rules are those of CocoResultSchema in src/lib/schema/coco.ts.
 */
export function detectionsFromJson(value: Json, file: string, sha256: string, gt: CocoGt): Detections {
  if (!Array.isArray(value)) {
    const hint =
      isRecord(value) && Array.isArray(value['annotations']) ? ' (this looks like a ground-truth file)' : '';
    fail(
      file,
      '(root)',
      `expected a COCO results list [{image_id, category_id, bbox, score}, …], got ${describe(value)}${hint}`,
    );
  }
  const n = value.length;
  const imgIndex = sortedIndex(gt.imageIds);
  const catIndex = sortedIndex(gt.categoryIds);
  const cols = allocDetections(n, sha256);
  const box = [cols.x, cols.y, cols.w, cols.h];
  // Caching the last lookups: results files list an image's detections together.
  let lastImageId = Number.NaN;
  let lastImg = -1;
  for (let i = 0; i < n; i++) {
    const d = value[i];
    if (!isRecord(d)) fail(file, `[${i}]`, `expected an object, got ${describe(d)}`);
    const imageId = d['image_id'];
    if (imageId !== lastImageId) {
      const img = typeof imageId === 'number' ? imgIndex.get(imageId) : undefined;
      if (img === undefined) {
        integerId(file, `[${i}].image_id`, imageId);
        fail(file, `[${i}].image_id`, `image id ${imageId} is not in the ground truth`);
      }
      lastImageId = imageId as number;
      lastImg = img;
    }
    const catId = d['category_id'];
    const cat = typeof catId === 'number' ? catIndex.get(catId) : undefined;
    if (cat === undefined) {
      integerId(file, `[${i}].category_id`, catId);
      fail(file, `[${i}].category_id`, `category id ${catId} is not in the ground truth's categories`);
    }
    readBox(file, `[${i}]`, d['bbox'], box, i);
    const score = d['score'];
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      fail(file, `[${i}].score`, `expected a finite number, got ${describe(score)}`);
    }
    cols.img[i] = lastImg;
    cols.cat[i] = cat;
    cols.score[i] = score;
  }
  return cols;
}

/** sha256 of a JSON value's canonical text, for inputs built in memory. */
export function sha256OfJson(value: Json): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
