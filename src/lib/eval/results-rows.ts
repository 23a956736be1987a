/**
 * Scanned rows of a COCO results file to Detections (read-results.ts scans them): image and
 * category ids to the GT's indices, part by part (a helper thread maps its own part), and the
 * parts appended in file order into the first part's columns.
 */
import { FALLBACK } from './json-scan.ts';
import type { CocoGt, Detections } from './load.ts';
import type { ScannedRows } from './read-results.ts';

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

/** Frees a scanned column's whole buffer now (its views are the only users of it). */
export function free(...columns: Float64Array[]): void {
  for (const a of columns) (a.buffer as ArrayBuffer).transfer(0);
}

/**
 * `a` (a view from the start of its buffer) extended to n values with `rest` after its own, in
 * place when its buffer has the room, else in a new array (a's buffer then freed).
 */
function appended<A extends Float64Array | Int32Array>(
  a: A,
  rest: readonly A[],
  n: number,
  make: (buffer: ArrayBuffer | number, length?: number) => A,
): A {
  let o = a.length;
  const room = a.byteOffset === 0 && a.buffer.byteLength >= a.BYTES_PER_ELEMENT * n;
  const out = room ? make(a.buffer as ArrayBuffer, n) : make(n);
  if (!room) {
    out.set(a);
    (a.buffer as ArrayBuffer).transfer(0);
  }
  for (const r of rest) {
    out.set(r, o);
    o += r.length;
  }
  return out;
}

const f64 = (b: ArrayBuffer | number, n?: number) =>
  typeof b === 'number' ? new Float64Array(b) : new Float64Array(b, 0, n);
const i32 = (b: ArrayBuffer | number, n?: number) =>
  typeof b === 'number' ? new Int32Array(b) : new Int32Array(b, 0, n);

/** Scanned rows with their ids mapped to the GT's image and category indices: n of Detections' columns. */
export type MappedRows = Omit<Detections, 'length' | 'sha256'> & { readonly n: number };

/**
 * A part's ids to indices (throws FALLBACK for an unknown one), into columns with room for
 * `capacity` rows; the part's id columns are freed. Mapped part by part as each is scanned: the
 * head's while the tail is still being scanned, the tail's by the thread that scanned it.
 */
export function mapIds(rows: ScannedRows, imgs: IdLookup, cats: IdLookup, capacity = rows.n): MappedRows {
  const img = new Int32Array(Math.max(capacity, rows.n));
  const cat = new Int32Array(Math.max(capacity, rows.n));
  let lastImageId = Number.NaN;
  let lastImg = -1;
  for (let i = 0; i < rows.n; i++) {
    const imageId = rows.imageId[i]!;
    // Results list an image's detections together: one lookup per run of the same image.
    if (imageId !== lastImageId) {
      lastImg = imgs.get(imageId);
      if (lastImg < 0) throw FALLBACK;
      lastImageId = imageId;
    }
    const c = cats.get(rows.catId[i]!);
    if (c < 0) throw FALLBACK;
    img[i] = lastImg;
    cat[i] = c;
  }
  // The ids are indices now: free them at once.
  free(rows.imageId, rows.catId);
  const { n, x, y, w, h, score } = rows;
  return { n, img: img.subarray(0, n), cat: cat.subarray(0, n), x, y, w, h, score };
}

/**
 * Touches the room after a part's rows where the next part will be appended, up to `rows` rows
 * (no further than each column's buffer): done while this thread waits for the other's part,
 * the page faults of fresh memory (~0.3 ms per MB here) are off the append's critical path.
 * Values there are never read before the append overwrites them.
 */
export function prefault(part: MappedRows, rows: number): void {
  for (const a of [part.x, part.y, part.w, part.h, part.score, part.img, part.cat]) {
    if (a.byteOffset !== 0) continue;
    const end = Math.min(a.buffer.byteLength / a.BYTES_PER_ELEMENT, part.n + Math.max(rows, 0));
    const room =
      a instanceof Float64Array ? new Float64Array(a.buffer, 0, end) : new Int32Array(a.buffer, 0, end);
    room.fill(0, part.n);
  }
}

/** The GT's id lookups, for mapIds. */
export function lookups(gt: CocoGt): { imgs: IdLookup; cats: IdLookup } {
  return { imgs: idLookup(gt.imageIds), cats: idLookup(gt.categoryIds) };
}

/**
 * Mapped parts, in file order, to Detections. The columns are the first part's, appended to (no
 * copy of its values); the parts are not to be used after.
 */
export function toDetections(parts: readonly MappedRows[], sha256: string): Detections {
  const n = parts.reduce((sum, part) => sum + part.n, 0);
  const [first, ...rest] = parts as [MappedRows, ...MappedRows[]];
  const column = (key: 'x' | 'y' | 'w' | 'h' | 'score') =>
    appended(
      first[key],
      rest.map((r) => r[key]),
      n,
      f64,
    );
  const out: Detections = {
    length: n,
    img: appended(
      first.img,
      rest.map((r) => r.img),
      n,
      i32,
    ),
    cat: appended(
      first.cat,
      rest.map((r) => r.cat),
      n,
      i32,
    ),
    x: column('x'),
    y: column('y'),
    w: column('w'),
    h: column('h'),
    score: column('score'),
    sha256,
  };
  // The other parts' columns are copied: free them at once.
  for (const part of rest) free(part.x, part.y, part.w, part.h, part.score);
  for (const part of rest) for (const a of [part.img, part.cat]) (a.buffer as ArrayBuffer).transfer(0);
  return out;
}
