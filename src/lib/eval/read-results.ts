/**
 * COCO results bytes → Detections columns in one pass, with no object per detection. Any valid
 * JSON document is read (whitespace, key order, extra keys of any shape, escapes, duplicate keys:
 * the last wins, as in JSON.parse); anything the scanner does not take, and any entry that fails
 * validation, reruns the JSON.parse path (detectionsFromJson), so results and error messages are
 * those of that path by construction. tests/eval/read-fast.test.ts checks both against JSON.parse.
 */
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  FALLBACK,
  JsonScanner,
  keySet,
  OPEN_BRACE,
  OPEN_BRACKET,
} from './json-scan.ts';
import type { CocoGt, Detections } from './load.ts';
import { detectionsFromJson, parseJsonText } from './load.ts';

const KEYS = keySet(['image_id', 'category_id', 'bbox', 'score']);
const ALL_FIELDS = 15;

/**
 * Id → index lookup: a dense table when the ids are small non-negative integers (COCO's are),
 * else a Map. Both answer -1 for a value that is not one of the ids (SameValueZero, as Map.get).
 */
export interface IdLookup {
  get(id: number): number;
}

export function idLookup(sortedIds: Float64Array): IdLookup {
  const n = sortedIds.length;
  const max = n === 0 ? -1 : sortedIds[n - 1]!;
  if (n > 0 && sortedIds[0]! >= 0 && max <= Math.max(1 << 20, 4 * n) && Number.isInteger(max)) {
    const table = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) table[sortedIds[i]!] = i;
    return {
      get: (id) => ((id | 0) === id && id >= 0 && id <= max ? table[id]! : -1),
    };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set(sortedIds[i]!, i);
  return { get: (id) => map.get(id) ?? -1 };
}

function grow<T extends Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** The fast path alone: throws FALLBACK where readDetections would take the JSON.parse path. */
export function scanDetections(bytes: Uint8Array, sha256: string, gt: CocoGt): Detections {
  const s = new JsonScanner(bytes);
  const imgs = idLookup(gt.imageIds);
  const cats = idLookup(gt.categoryIds);
  let cap = Math.max(16, Math.ceil(bytes.length / 64));
  let img = new Int32Array(cap);
  let cat = new Int32Array(cap);
  let x = new Float64Array(cap);
  let y = new Float64Array(cap);
  let w = new Float64Array(cap);
  let h = new Float64Array(cap);
  let score = new Float64Array(cap);
  let n = 0;
  let lastImageId = Number.NaN;
  let lastImg = -1;
  if (s.open(OPEN_BRACKET, CLOSE_BRACKET)) {
    do {
      if (n === cap) {
        cap = Math.ceil(cap * 1.5);
        img = grow(img, cap);
        cat = grow(cat, cap);
        x = grow(x, cap);
        y = grow(y, cap);
        w = grow(w, cap);
        h = grow(h, cap);
        score = grow(score, cap);
      }
      let seen = 0;
      let imageId = 0;
      let catId = 0;
      if (s.open(OPEN_BRACE, CLOSE_BRACE)) {
        do {
          const k = s.keyIn(KEYS);
          if (k === 0) {
            imageId = s.numberValue();
            seen |= 1;
          } else if (k === 1) {
            catId = s.numberValue();
            seen |= 2;
          } else if (k === 2) {
            s.expect(OPEN_BRACKET);
            x[n] = s.numberValue();
            s.expect(44);
            y[n] = s.numberValue();
            s.expect(44);
            w[n] = s.numberValue();
            s.expect(44);
            h[n] = s.numberValue();
            s.expect(CLOSE_BRACKET);
            seen |= 4;
          } else if (k === 3) {
            score[n] = s.numberValue();
            seen |= 8;
          } else s.skip();
        } while (s.more(CLOSE_BRACE));
      }
      // Every check of detectionsFromJson; a failure reruns it for its message.
      if (seen !== ALL_FIELDS) throw FALLBACK;
      if (imageId !== lastImageId) {
        lastImg = imgs.get(imageId);
        if (lastImg < 0) throw FALLBACK;
        lastImageId = imageId;
      }
      const c = cats.get(catId);
      if (c < 0) throw FALLBACK;
      if (!(w[n]! >= 0 && h[n]! >= 0)) throw FALLBACK;
      if (!(Number.isFinite(x[n]! + y[n]! + w[n]! + h[n]!) && Number.isFinite(score[n]!))) throw FALLBACK;
      img[n] = lastImg;
      cat[n] = c;
      n++;
    } while (s.more(CLOSE_BRACKET));
  }
  if (!s.atEnd()) throw FALLBACK;
  return {
    length: n,
    img: exact(img, n),
    cat: exact(cat, n),
    x: exact(x, n),
    y: exact(y, n),
    w: exact(w, n),
    h: exact(h, n),
    score: exact(score, n),
    sha256,
  };
}

/**
 * The first n entries in an array of their own; the estimate-sized original is freed at once
 * (detached) rather than left to a full GC, so that only exact-size columns stay resident.
 */
function exact<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (n === a.length) return a;
  const out = a.slice(0, n) as T;
  (a.buffer as ArrayBuffer).transfer(0);
  return out;
}

/** Detections from the bytes of a COCO results file; `file` names it in error messages. */
export function readDetections(bytes: Uint8Array, file: string, sha256: string, gt: CocoGt): Detections {
  try {
    return scanDetections(bytes, sha256, gt);
  } catch (err) {
    if (err !== FALLBACK) throw err;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return detectionsFromJson(parseJsonText(text, file), file, sha256, gt);
}
