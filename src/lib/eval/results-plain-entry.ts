/**
 * The results reader's fast lane (read-results.ts): one entry in the plain form results writers
 * use, read in one pass with no lookup per key. Anything else is left to the general loop.
 */
import {
  B_Colon,
  B_Comma,
  B_Minus,
  B_Nine,
  B_Quote,
  B_Zero,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  isWs,
  type JsonScanner,
  keyBytes,
  OPEN_BRACE,
  OPEN_BRACKET,
} from './json-scan.ts';

// The four keys as plainEntry compares them: the bytes after the opening quote, closing quote included.
const IMAGE_ID = keyBytes('image_id"');
const CATEGORY_ID = keyBytes('category_id"');
const BBOX = keyBytes('bbox"');
const SCORE = keyBytes('score"');
// The keys' first letters.
const B_i = 105;
const B_c = 99;
const B_b = 98;
const B_s = 115;

function startsWith(b: Uint8Array, p: number, key: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) if (b[p + i] !== key[i]) return false;
  return true;
}

/** image_id and category_id of the entry plainEntry read last. */
export const ids = new Float64Array(2);

/**
 * One entry in its plain form, as results writers spell it: the four keys in any order, numbers
 * and whitespace, nothing else (no other key, no escape). Reads it into row n and returns the bit
 * set of the fields seen (as the general loop counts them), with pos after its '}'; or returns -1
 * at anything else, and the general loop reads the entry again from its start. One pass, with no
 * lookup per key: this is where nearly all of a results file's bytes are read.
 */
export function plainEntry(
  s: JsonScanner,
  n: number,
  x: Float64Array,
  y: Float64Array,
  w: Float64Array,
  h: Float64Array,
  score: Float64Array,
): number {
  const b = s.buf;
  let p = s.pos;
  while (isWs(b[p])) p++;
  if (b[p] !== OPEN_BRACE) return -1;
  let seen = 0;
  for (;;) {
    p++;
    while (isWs(b[p])) p++;
    if (b[p] !== B_Quote) return -1;
    const first = b[p + 1];
    const field = first === B_i ? 0 : first === B_c ? 1 : first === B_b ? 2 : first === B_s ? 3 : -1;
    if (field < 0) return -1;
    const key = field === 0 ? IMAGE_ID : field === 1 ? CATEGORY_ID : field === 2 ? BBOX : SCORE;
    if (!startsWith(b, p + 1, key)) return -1;
    p += 1 + key.length;
    while (isWs(b[p])) p++;
    if (b[p] !== B_Colon) return -1;
    p++;
    while (isWs(b[p])) p++;
    if (field === 2) {
      if (b[p] !== OPEN_BRACKET) return -1;
      for (let i = 0; i < 4; i++) {
        p++;
        while (isWs(b[p])) p++;
        const c = b[p]!;
        if (c !== B_Minus && !(c >= B_Zero && c <= B_Nine)) return -1;
        s.pos = p;
        const v = s.number();
        p = s.pos;
        if (i === 0) x[n] = v;
        else if (i === 1) y[n] = v;
        else if (i === 2) w[n] = v;
        else h[n] = v;
        while (isWs(b[p])) p++;
        if (b[p] !== (i < 3 ? B_Comma : CLOSE_BRACKET)) return -1;
      }
      p++;
    } else {
      const c = b[p]!;
      if (c !== B_Minus && !(c >= B_Zero && c <= B_Nine)) return -1;
      s.pos = p;
      const v = s.number();
      p = s.pos;
      if (field === 3) score[n] = v;
      else ids[field] = v;
    }
    seen |= 1 << field;
    while (isWs(b[p])) p++;
    const c = b[p];
    if (c === CLOSE_BRACE) {
      s.pos = p + 1;
      return seen;
    }
    if (c !== B_Comma) return -1;
  }
}
