// AssemblyScript source of src/lib/eval/results-scan.wasm (`npm run build:wasm`; a test checks
// that the committed module is this file's build). The results reader's fast lane
// (src/lib/eval/results-lane.ts): a run of COCO results entries in their plain form (the four
// keys, numbers, whitespace; see results-plain-entry.ts, whose JavaScript does the same for one
// entry) read into seven float64 columns. It takes only what it is sure of: at anything else it
// stops, and the JavaScript reader goes on from the last entry it took. So it never accepts what
// JSON.parse rejects, and every number it keeps is the double JSON.parse gives: only Clinger's
// fast path (an integer of at most 18 digits below 2^53 times or over an exact power of ten),
// where one IEEE multiply or divide rounds correctly.
//
// Memory: the caller copies a window of the file to IN, followed by a 0 byte, which no JSON
// token contains, so that no entry is ever taken past the window; the columns of the entries
// taken go to OUT, COLUMN apart, in the order image_id, category_id, x, y, w, h, score.

import { byte, IN, nextEntry, number, numberEnd, readBox, skipWs, WINDOW } from './json-window';

export { IN, WINDOW } from './json-window';
export const OUT: i32 = IN + WINDOW + (1 << 16);
/** Entries per call at most. */
export const CAP: i32 = 8192;
const COLUMN: i32 = CAP * 8;

// Where the last entry taken ended (window offset just past its '}').
let end: i32 = 0;

/** Window offset just past the last entry taken. */
export function lastEnd(): i32 {
  return end;
}

// The keys' bytes after the opening quote, as little-endian words: "image_id", "category" + `_id"`,
// "bbox" + `"`, "scor" + `e"`.
const IMAGE_ID: u64 = 0x64695f6567616d69;
const CATEGORY: u64 = 0x79726f6765746163;
const _ID_Q: u32 = 0x2264695f;
const BBOX: u32 = 0x786f6262;
const SCOR: u32 = 0x726f6373;
const E_Q: u16 = 0x2265;

/**
 * Entries from window offset p (an entry's first byte, or whitespace before it), at most `max`,
 * stopping before an entry that would start at window offset stopAt: returns how many were taken
 * (lastEnd() says where the last one ended). Stops at the first byte it does not take, at the
 * array's end, or at the window's end.
 */
export function scan(p: i32, max: i32, stopAt: i32): i32 {
  let n = 0;
  while (n < max) {
    p = skipWs(p);
    if (byte(p) != 123) break;
    let seen = 0;
    let ok = false;
    for (;;) {
      p = skipWs(p + 1);
      if (byte(p) != 34) break;
      const first = byte(p + 1);
      let field = -1;
      const k = IN + p + 1;
      if (first == 105 && load<u64>(k) == IMAGE_ID && load<u8>(k + 8) == 34) {
        field = 0;
        p += 10;
      } else if (first == 99 && load<u64>(k) == CATEGORY && load<u32>(k + 8) == _ID_Q) {
        field = 1;
        p += 13;
      } else if (first == 98 && load<u32>(k) == BBOX && load<u8>(k + 4) == 34) {
        field = 2;
        p += 6;
      } else if (first == 115 && load<u32>(k) == SCOR && load<u16>(k + 4) == E_Q) {
        field = 3;
        p += 7;
      } else break;
      p = skipWs(p);
      if (byte(p) != 58) break;
      p = skipWs(p + 1);
      if (field == 2) {
        p = readBox(p, OUT + 2 * COLUMN + n * 8, COLUMN);
        if (p < 0) break;
      } else {
        const v = number(p);
        const at = numberEnd();
        if (at < 0) break;
        store<f64>(OUT + (field == 3 ? 6 : field) * COLUMN + n * 8, v);
        p = at;
      }
      seen |= 1 << field;
      p = skipWs(p);
      const c = byte(p);
      if (c == 125) {
        ok = seen == 15;
        p++;
        break;
      }
      if (c != 44) break;
    }
    // The reader's checks of an entry (a negative or NaN size goes to the JavaScript reader,
    // which then takes the JSON.parse path for its message).
    if (!ok) break;
    const w = load<f64>(OUT + 4 * COLUMN + n * 8);
    const h = load<f64>(OUT + 5 * COLUMN + n * 8);
    if (!(w >= 0 && h >= 0)) break;
    n++;
    end = p;
    p = nextEntry(p);
    if (p < 0 || p == stopAt) break;
  }
  return n;
}
