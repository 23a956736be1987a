/**
 * COCO results bytes → Detections columns in one pass, with no object per detection. Any valid
 * JSON document is read (whitespace, key order, extra keys of any shape, escapes, duplicate keys:
 * the last wins, as in JSON.parse); anything the scanner does not take, and any entry that fails
 * validation, reruns the JSON.parse path (detectionsFromJson), so results and error messages are
 * those of that path by construction. tests/eval/read-fast.test.ts checks both against JSON.parse.
 */

import { resultsLane } from './json-lanes.ts';
import {
  B_Comma,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  FALLBACK,
  isWs,
  JsonScanner,
  keySet,
  OPEN_BRACE,
  OPEN_BRACKET,
} from './json-scan.ts';
import type { CocoGt, Detections } from './load.ts';
import { allocDetections, detectionsFromJson, parseJsonText } from './load.ts';
import { ids, plainEntry } from './results-plain-entry.ts';
import type { MappedRows } from './results-rows.ts';
import { free, lookups, mapIds, prefault, toDetections } from './results-rows.ts';

const KEYS = keySet(['image_id', 'category_id', 'bbox', 'score']);
const ALL_FIELDS = 15;

/**
 * Entries as scanned, before the GT is consulted: raw image and category ids, boxes and scores,
 * every array exactly n long, each a view from the start of a buffer that may hold more (the
 * scan's estimate: pages never written are never resident). A second thread scans the tail of a
 * large file into these (eval-worker.ts); toDetections maps the ids of all parts at once and
 * keeps the first part's box and score columns, appending the others' where the room is there.
 */
export interface ScannedRows {
  readonly n: number;
  readonly imageId: Float64Array;
  readonly catId: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
  readonly score: Float64Array;
}

function grow(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  free(a);
  return b;
}

/**
 * One entry at s.pos, by the JavaScript scanner, into row n: every check of detectionsFromJson
 * but the ids' (a failure throws FALLBACK, and that path gives the message).
 */
function readEntry(
  s: JsonScanner,
  n: number,
  imageIds: Float64Array,
  catIds: Float64Array,
  x: Float64Array,
  y: Float64Array,
  w: Float64Array,
  h: Float64Array,
  score: Float64Array,
): void {
  const start = s.pos;
  let seen = plainEntry(s, n, x, y, w, h, score);
  let imageId = ids[0]!;
  let catId = ids[1]!;
  if (seen < 0) {
    s.pos = start;
    seen = 0;
  }
  if (s.pos === start && s.open(OPEN_BRACE, CLOSE_BRACE)) {
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
        s.expect(B_Comma);
        y[n] = s.numberValue();
        s.expect(B_Comma);
        w[n] = s.numberValue();
        s.expect(B_Comma);
        h[n] = s.numberValue();
        s.expect(CLOSE_BRACKET);
        seen |= 4;
      } else if (k === 3) {
        score[n] = s.numberValue();
        seen |= 8;
      } else s.skip();
    } while (s.more(CLOSE_BRACE));
  }
  if (seen !== ALL_FIELDS) throw FALLBACK;
  if (!(w[n]! >= 0 && h[n]! >= 0)) throw FALLBACK;
  if (!(Number.isFinite(x[n]! + y[n]! + w[n]! + h[n]!) && Number.isFinite(score[n]!))) throw FALLBACK;
  imageIds[n] = imageId;
  catIds[n] = catId;
}

/**
 * Scans entries from s.pos (the first byte of an entry, or whitespace before it) until the array
 * closes, when the document must end; or, with stopAt >= 0, until the next entry would start
 * exactly at stopAt (`stopped`). Every check of detectionsFromJson but the ids' is made here.
 */
export function scanEntries(
  s: JsonScanner,
  sizeHint: number,
  stopAt: number,
): { rows: ScannedRows; stopped: boolean } {
  let cap = Math.max(16, Math.ceil(sizeHint / 64));
  let imageIds = new Float64Array(cap);
  let catIds = new Float64Array(cap);
  let x = new Float64Array(cap);
  let y = new Float64Array(cap);
  let w = new Float64Array(cap);
  let h = new Float64Array(cap);
  let score = new Float64Array(cap);
  let n = 0;
  let stopped = false;
  const lane = resultsLane(s.buf);
  for (;;) {
    if (n === cap) {
      cap = Math.ceil(cap * 1.5);
      imageIds = grow(imageIds, cap);
      catIds = grow(catIds, cap);
      x = grow(x, cap);
      y = grow(y, cap);
      w = grow(w, cap);
      h = grow(h, cap);
      score = grow(score, cap);
    }
    const taken = lane ? lane.take(s.pos, cap - n, stopAt, [imageIds, catIds, x, y, w, h, score], n) : 0;
    if (lane && taken > 0) {
      s.pos = lane.end;
      n += taken;
    } else readEntry(s, n++, imageIds, catIds, x, y, w, h, score);
    if (!s.more(CLOSE_BRACKET)) {
      if (!s.atEnd()) throw FALLBACK;
      break;
    }
    if (stopAt >= 0) {
      s.ws();
      if (s.pos === stopAt) {
        stopped = true;
        break;
      }
    }
  }
  const rows = {
    n,
    imageId: imageIds.subarray(0, n),
    catId: catIds.subarray(0, n),
    x: x.subarray(0, n),
    y: y.subarray(0, n),
    w: w.subarray(0, n),
    h: h.subarray(0, n),
    score: score.subarray(0, n),
  };
  return { rows, stopped };
}

/**
 * The first offset at or after `from` that looks like the start of an entry (`}`, a comma, `{`,
 * whitespace between): where a second thread can begin scanning; -1 when there is none. A guess
 * only (the bytes could sit inside a string): the first thread accepts it only if its own scan
 * reaches an entry start exactly there (scanEntries' stopAt).
 */
export function entryBoundary(bytes: Uint8Array, from: number): number {
  for (let p = Math.max(from, 0); p < bytes.length; p++) {
    if (bytes[p] !== CLOSE_BRACE) continue;
    let q = p + 1;
    while (isWs(bytes[q])) q++;
    if (bytes[q] !== B_Comma) continue;
    q++;
    while (isWs(bytes[q])) q++;
    if (bytes[q] === OPEN_BRACE) return q;
  }
  return -1;
}

/** The fast path alone: throws FALLBACK where readDetections would take the JSON.parse path. */
/**
 * A scanner past the results array's '[', or null for an empty array (`[]` and nothing after it,
 * else FALLBACK).
 */
function openResults(bytes: Uint8Array): JsonScanner | null {
  const s = new JsonScanner(bytes);
  if (s.open(OPEN_BRACKET, CLOSE_BRACKET)) return s;
  if (!s.atEnd()) throw FALLBACK;
  return null;
}

export function scanDetections(bytes: Uint8Array, sha256: string, gt: CocoGt): Detections {
  const s = openResults(bytes);
  if (!s) return allocDetections(0, sha256);
  const { rows } = scanEntries(s, bytes.length, -1);
  const { imgs, cats } = lookups(gt);
  return toDetections([mapIds(rows, imgs, cats)], sha256);
}

/**
 * The fast path on two threads: this one scans up to `split` (an entryBoundary) while `tail`
 * brings the rows another thread scanned from there (their ids mapped against the same GT, or
 * not: this thread maps them then). If this thread's scan does not reach an entry
 * start exactly at `split`, or the tail failed (undefined), this thread scans on by itself: the
 * result is scanDetections' in every case. With `headOnly`, `bytes` stops some way past `split`,
 * and whatever would need more of the file throws FALLBACK instead. `fileSize` sizes the head's
 * columns for the whole file, so that the tail's rows append to them in place. `whileWaiting`
 * runs once the head is scanned and before the tail is awaited, with an estimate of all rows.
 */
export async function scanDetectionsSplit(
  bytes: Uint8Array,
  sha256: string,
  gt: CocoGt,
  split: number,
  tail: Promise<ScannedRows | MappedRows | undefined>,
  headOnly = false,
  fileSize = bytes.length,
  whileWaiting?: (rows: number) => void,
): Promise<Detections> {
  const s = openResults(bytes);
  // With only the head of the file, reaching its end says nothing of the document's.
  if (!s) {
    if (headOnly) throw FALLBACK;
    return allocDetections(0, sha256);
  }
  const head = scanEntries(s, fileSize, split);
  if (!head.stopped && headOnly) throw FALLBACK;
  const { imgs, cats } = lookups(gt);
  // The head's columns have room for the whole file (scanEntries sized them by fileSize).
  const parts = [mapIds(head.rows, imgs, cats, head.rows.x.buffer.byteLength / 8)];
  if (head.stopped) {
    const tailRows = Math.floor(((head.rows.n * (fileSize - split)) / split) * 0.98);
    prefault(parts[0]!, tailRows);
    whileWaiting?.(head.rows.n + tailRows);
    const rows = (await tail) ?? (headOnly ? undefined : scanEntries(s, bytes.length - split, -1).rows);
    if (!rows) throw FALLBACK;
    parts.push('img' in rows ? rows : mapIds(rows, imgs, cats));
  }
  return toDetections(parts, sha256);
}

/** Detections from the bytes of a COCO results file; `file` names it in error messages. */
export function readDetections(bytes: Uint8Array, file: string, sha256: string, gt: CocoGt): Detections {
  try {
    return scanDetections(bytes, sha256, gt);
  } catch (err) {
    if (err !== FALLBACK) throw err;
  }
  return viaJsonParse(bytes, file, sha256, gt);
}

/** The JSON.parse path the fast readers fall back to: its result, or its error message, is the answer. */
function viaJsonParse(bytes: Uint8Array, file: string, sha256: string, gt: CocoGt): Detections {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return detectionsFromJson(parseJsonText(text, file), file, sha256, gt);
}

/**
 * readDetections with the tail from another thread (scanDetectionsSplit); the same result, or the
 * same error, as readDetections. `bytes` may be only the head of the file, up to some way past
 * `split`: `whole` then gives the whole file, for the JSON.parse path (a parse error, a worker that
 * failed, a split the head's scan did not stop at). `fileSize`: see scanDetectionsSplit.
 */
export async function readDetectionsSplit(
  bytes: Uint8Array,
  file: string,
  sha256: string,
  gt: CocoGt,
  split: number,
  tail: Promise<ScannedRows | MappedRows | undefined>,
  whole?: () => Uint8Array,
  fileSize = bytes.length,
  whileWaiting?: (rows: number) => void,
): Promise<Detections> {
  try {
    return await scanDetectionsSplit(
      bytes,
      sha256,
      gt,
      split,
      tail,
      whole !== undefined,
      fileSize,
      whileWaiting,
    );
  } catch (err) {
    if (err !== FALLBACK) throw err;
  }
  return viaJsonParse(whole ? whole() : bytes, file, sha256, gt);
}
