/**
 * COCO ground-truth bytes → CocoGt columns: annotations are scanned straight into typed columns
 * (segmentations and other fields skipped, validated but never built); the small images and
 * categories lists go through JSON.parse of their own text and gtHead. As in read-results.ts,
 * anything unusual or invalid reruns the JSON.parse path (gtFromJson), whose result or error
 * message is then the answer.
 */

import { annotationsLane } from './json-lanes.ts';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  FALLBACK,
  JsonScanner,
  keySet,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-scan.ts';

const BACKSLASH = 0x5c;

import type { CocoGt, GtColumns } from './load.ts';
import { gtFromJson, gtHead, parseJsonText } from './load.ts';
import { idLookup } from './results-rows.ts';

const ROOT_KEYS = keySet(['images', 'annotations', 'categories']);
const ANNOTATION_KEYS = keySet(['id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd']);

/** Annotation fields as read, before validation against images and categories. */
interface RawAnnotations {
  n: number;
  id: Float64Array;
  imageId: Float64Array;
  catId: Float64Array;
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  h: Float64Array;
  /** NaN where absent (then w * h). */
  area: Float64Array;
  crowd: Uint8Array;
}

function rawAnnotations(cap: number): RawAnnotations {
  return {
    n: 0,
    id: new Float64Array(cap),
    imageId: new Float64Array(cap),
    catId: new Float64Array(cap),
    x: new Float64Array(cap),
    y: new Float64Array(cap),
    w: new Float64Array(cap),
    h: new Float64Array(cap),
    area: new Float64Array(cap),
    crowd: new Uint8Array(cap),
  };
}

function growRaw(a: RawAnnotations): RawAnnotations {
  const b = rawAnnotations(Math.ceil(a.id.length * 1.5) + 16);
  b.n = a.n;
  for (const k of ['id', 'imageId', 'catId', 'x', 'y', 'w', 'h', 'area', 'crowd'] as const) b[k].set(a[k]);
  return b;
}

function scanAnnotations(s: JsonScanner, bytes: number): RawAnnotations {
  // Room for plain annotations (~110 bytes each); pages never written are never resident.
  let a = rawAnnotations(Math.max(16, Math.ceil(bytes / 100)));
  if (!s.open(OPEN_BRACKET, CLOSE_BRACKET)) return a;
  const lane = annotationsLane(s.buf);
  do {
    if (a.n === a.id.length) a = growRaw(a);
    const columns = [a.id, a.imageId, a.catId, a.x, a.y, a.w, a.h, a.area, a.crowd];
    const taken = lane ? lane.take(s.pos, a.id.length - a.n, -1, columns, a.n) : 0;
    if (lane && taken > 0) {
      a.n += taken;
      s.pos = lane.end;
      continue;
    }
    const i = a.n;
    let seen = 0;
    a.area[i] = Number.NaN;
    a.crowd[i] = 0;
    if (s.open(OPEN_BRACE, CLOSE_BRACE)) {
      do {
        const k = s.keyIn(ANNOTATION_KEYS);
        if (k === 0) {
          a.id[i] = s.numberValue();
          seen |= 1;
        } else if (k === 1) {
          a.imageId[i] = s.numberValue();
          seen |= 2;
        } else if (k === 2) {
          a.catId[i] = s.numberValue();
          seen |= 4;
        } else if (k === 3) {
          s.expect(OPEN_BRACKET);
          a.x[i] = s.numberValue();
          s.expect(44);
          a.y[i] = s.numberValue();
          s.expect(44);
          a.w[i] = s.numberValue();
          s.expect(44);
          a.h[i] = s.numberValue();
          s.expect(CLOSE_BRACKET);
          seen |= 8;
        } else if (k === 4) {
          a.area[i] = s.numberValue();
          // A literal NaN cannot come from JSON; the absent marker stays unambiguous.
        } else if (k === 5) {
          const c = s.ws();
          let v: number;
          if (c === 116 || c === 102) v = s.literal();
          else v = s.numberValue();
          if (v !== 0 && v !== 1) throw FALLBACK;
          a.crowd[i] = v;
        } else s.skip();
      } while (s.more(CLOSE_BRACE));
    }
    if (seen !== 15) throw FALLBACK;
    a.n++;
  } while (s.more(CLOSE_BRACKET));
  return a;
}

/**
 * End (exclusive) of the array or object at `at` in valid JSON: brackets counted outside strings,
 * nothing else checked (-1 where the bytes end first). Its text goes to JSON.parse, which checks
 * the rest; a mismatch such as `[}` fails there, and the scanner checks what follows it.
 */
function containerEnd(b: Uint8Array, at: number): number {
  let depth = 0;
  for (let p = at; p < b.length; p++) {
    const c = b[p]!;
    if (c === QUOTE) {
      for (p++; p < b.length && b[p] !== QUOTE; p++) if (b[p] === BACKSLASH) p++;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && --depth === 0) return p + 1;
  }
  return -1;
}

/**
 * Text of the value at the scanner's position, skipped: for JSON.parse, which validates it (the
 * scanner's own skip validates as it goes, a cost paid twice on the 5,000 images of val2017).
 */
function valueText(s: JsonScanner): string {
  const c = s.ws();
  const start = s.pos;
  if (c === OPEN_BRACKET || c === OPEN_BRACE) {
    const end = containerEnd(s.buf, start);
    if (end < 0) throw FALLBACK;
    s.pos = end;
  } else s.skip();
  return s.buf.toString('utf8', start, s.pos);
}

/** The fast path alone: throws (FALLBACK) where readGt would take the JSON.parse path. */
export function scanGt(bytes: Uint8Array, file: string, sha256: string): CocoGt {
  const s = new JsonScanner(bytes);
  let images: unknown;
  let categories: unknown;
  let raw: RawAnnotations | null = null;
  if (s.open(OPEN_BRACE, CLOSE_BRACE)) {
    do {
      const k = s.keyIn(ROOT_KEYS);
      if (k === 0) images = JSON.parse(valueText(s));
      else if (k === 2) categories = JSON.parse(valueText(s));
      else if (k === 1) {
        if (s.ws() !== OPEN_BRACKET) throw FALLBACK;
        raw = scanAnnotations(s, bytes.length);
      } else s.skip();
    } while (s.more(CLOSE_BRACE));
  }
  if (!s.atEnd() || raw === null || !Array.isArray(images) || !Array.isArray(categories)) throw FALLBACK;
  const head = gtHead(images, categories, file);
  // Dense tables for COCO's small integer ids (gtHead's maps answer the same).
  const imgs = idLookup(head.gt.imageIds);
  const cats = idLookup(head.gt.categoryIds);

  // gtFromJson's checks, in its order; a failure reruns it for its message.
  const n = raw.n;
  const cols: GtColumns = {
    length: n,
    id: raw.id.slice(0, n),
    img: new Int32Array(n),
    cat: new Int32Array(n),
    x: raw.x.slice(0, n),
    y: raw.y.slice(0, n),
    w: raw.w.slice(0, n),
    h: raw.h.slice(0, n),
    area: raw.area.slice(0, n),
    crowd: raw.crowd.slice(0, n),
  };
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(cols.id[i]!)) throw FALLBACK;
    const imageId = raw.imageId[i]!;
    const catId = raw.catId[i]!;
    if (!Number.isInteger(imageId) || !Number.isInteger(catId)) throw FALLBACK;
    const img = imgs.get(imageId);
    const cat = cats.get(catId);
    if (img < 0 || cat < 0) throw FALLBACK;
    const w = cols.w[i]!;
    const h = cols.h[i]!;
    if (!(Number.isFinite(cols.x[i]!) && Number.isFinite(cols.y[i]!) && w >= 0 && h >= 0)) throw FALLBACK;
    if (!Number.isFinite(w) || !Number.isFinite(h)) throw FALLBACK;
    let area = cols.area[i]!;
    if (Number.isNaN(area)) area = cols.area[i] = w * h;
    if (!Number.isFinite(area) || area < 0) throw FALLBACK;
    cols.img[i] = img;
    cols.cat[i] = cat;
  }
  // Distinct ids: neighbours once sorted (a typed sort, faster than a Set of 36k ids).
  const ids = cols.id.slice().sort();
  for (let i = 1; i < n; i++) if (ids[i] === ids[i - 1]) throw FALLBACK;
  return { ...head.gt, annotations: cols, sha256 };
}

/** The ground truth from the bytes of a COCO instances file; `file` names it in error messages. */
export function readGt(bytes: Uint8Array, file: string, sha256: string): CocoGt {
  try {
    return scanGt(bytes, file, sha256);
  } catch {
    // FALLBACK, or a UserError from gtHead that gtFromJson reports in its own order.
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return gtFromJson(parseJsonText(text, file), file, sha256);
}
