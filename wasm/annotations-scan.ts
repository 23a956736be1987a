// AssemblyScript source of src/lib/eval/annotations-scan.wasm (`npm run build:wasm`). The GT
// reader's fast lane (src/lib/eval/annotations-lane.ts; read-gt.ts scanAnnotations does the same
// in JavaScript): a run of COCO annotations in their plain form, the keys id, image_id,
// category_id, bbox, area, iscrowd and segmentation (polygons: arrays of number arrays, checked
// and skipped) in any order, numbers and whitespace, read into nine float64 columns. At anything
// else (an RLE segmentation, another key, an escape, a number off the fast path, iscrowd other
// than 0 or 1) it stops, and the JavaScript goes on from the last annotation it took.
//
// Memory: a window of the file at IN (json-window.ts); the columns of the annotations taken at
// OUT, COLUMN apart: id, image_id, category_id, x, y, w, h, area (NaN where absent), iscrowd.

import { byte, IN, nextEntry, number, numberEnd, readBox, skipNumber, skipWs, WINDOW } from './json-window';

export { IN, WINDOW } from './json-window';
export const OUT: i32 = IN + WINDOW + (1 << 16);
/** Annotations per call at most. */
export const CAP: i32 = 4096;
const COLUMN: i32 = CAP * 8;

let end: i32 = 0;

/** Window offset just past the last annotation taken. */
export function lastEnd(): i32 {
  return end;
}

// The keys' bytes after the opening quote, as little-endian words.
const ID: u16 = 0x6469; // "id"
const IMAGE_ID: u64 = 0x64695f6567616d69; // "image_id"
const ISCROWD_Q: u64 = 0x2264776f72637369; // `iscrowd"`
const CATEGORY: u64 = 0x79726f6765746163; // "category"
const _ID_Q: u32 = 0x2264695f; // `_id"`
const BBOX: u32 = 0x786f6262;
const AREA: u32 = 0x61657261;
const SEGMENTA: u64 = 0x61746e656d676573;
const TION: u32 = 0x6e6f6974;

@inline
function put(column: i32, n: i32, v: f64): void {
  store<f64>(OUT + column * COLUMN + n * 8, v);
}

/** Past a polygon list `[[x, y, …], …]` at p (whitespace allowed), or -1 at anything else. */
function skipPolygons(p: i32): i32 {
  if (byte(p) != 91) return -1;
  p = skipWs(p + 1);
  if (byte(p) == 93) return p + 1;
  for (;;) {
    if (byte(p) != 91) return -1;
    p = skipWs(p + 1);
    if (byte(p) != 93) {
      for (;;) {
        p = skipNumber(p);
        if (p < 0) return -1;
        p = skipWs(p);
        const c = byte(p);
        if (c == 93) break;
        if (c != 44) return -1;
        p = skipWs(p + 1);
      }
    }
    p = skipWs(p + 1);
    const c = byte(p);
    if (c == 93) return p + 1;
    if (c != 44) return -1;
    p = skipWs(p + 1);
  }
  return -1; // not reached
}

/** Annotations from window offset p, at most `max`: how many were taken (see lastEnd). */
export function scan(p: i32, max: i32): i32 {
  let n = 0;
  while (n < max) {
    p = skipWs(p);
    if (byte(p) != 123) break;
    let seen = 0;
    let ok = false;
    put(7, n, NaN);
    put(8, n, 0);
    for (;;) {
      p = skipWs(p + 1);
      if (byte(p) != 34) break;
      const k = IN + p + 1;
      const first = byte(p + 1);
      // field: 0 id, 1 image_id, 2 category_id, 3 bbox, 4 area, 5 iscrowd, 6 segmentation
      let field = -1;
      if (first == 105) {
        if (load<u16>(k) == ID && load<u8>(k + 2) == 34) {
          field = 0;
          p += 4;
        } else if (load<u64>(k) == IMAGE_ID && load<u8>(k + 8) == 34) {
          field = 1;
          p += 10;
        } else if (load<u64>(k) == ISCROWD_Q) {
          field = 5;
          p += 9;
        }
      } else if (first == 99 && load<u64>(k) == CATEGORY && load<u32>(k + 8) == _ID_Q) {
        field = 2;
        p += 13;
      } else if (first == 98 && load<u32>(k) == BBOX && load<u8>(k + 4) == 34) {
        field = 3;
        p += 6;
      } else if (first == 97 && load<u32>(k) == AREA && load<u8>(k + 4) == 34) {
        field = 4;
        p += 6;
      } else if (first == 115 && load<u64>(k) == SEGMENTA && load<u32>(k + 8) == TION && load<u8>(k + 12) == 34) {
        field = 6;
        p += 14;
      }
      if (field < 0) break;
      p = skipWs(p);
      if (byte(p) != 58) break;
      p = skipWs(p + 1);
      if (field == 3) {
        p = readBox(p, OUT + 3 * COLUMN + n * 8, COLUMN);
        if (p < 0) break;
        seen |= 8;
      } else if (field == 6) {
        p = skipPolygons(p);
        if (p < 0) break;
      } else {
        const v = number(p);
        const at = numberEnd();
        if (at < 0) break;
        p = at;
        if (field == 5) {
          if (v != 0 && v != 1) break;
          put(8, n, v);
        } else if (field == 4) put(7, n, v);
        else {
          put(field, n, v);
          seen |= 1 << field;
        }
      }
      p = skipWs(p);
      const c = byte(p);
      if (c == 125) {
        ok = seen == 15;
        p++;
        break;
      }
      if (c != 44) break;
    }
    if (!ok) break;
    n++;
    end = p;
    p = nextEntry(p);
    if (p < 0) break;
  }
  return n;
}
