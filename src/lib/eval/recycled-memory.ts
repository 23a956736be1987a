/**
 * Memory the evaluator has already touched, handed on instead of freed: the input files' bytes,
 * once scanned, hold the arrays of matching and accumulation. Fresh memory costs a page fault per
 * 4 KiB at first touch (~0.3 ms per MB on this project's machines: ~37 MB of such arrays on the
 * 500k case); these pages are resident already. Per thread.
 */

interface Region {
  readonly buffer: ArrayBuffer;
  /** Where its free part starts. */
  at: number;
}

const pool: Region[] = [];

/** At most this many buffers wait in the pool (a caller that never drains it holds no more). */
const POOL_MAX = 4;

/** Gives a buffer nothing else will read or write again to the next arrays. */
export function recycle(buffer: ArrayBufferLike): void {
  if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) pool.push({ buffer, at: 0 });
  if (pool.length > POOL_MAX) pool.shift();
}

/**
 * Ends a computation's use of the pool: buffers it never used are freed now; the others live
 * on in the arrays carved from them (a view keeps its whole buffer resident).
 */
export function drainRecycled(): void {
  for (const r of pool.splice(0)) if (r.at === 0) r.buffer.transfer(0);
}

function take(bytes: number): [ArrayBuffer, number] | undefined {
  for (const r of pool) {
    if (r.buffer.byteLength - r.at < bytes) continue;
    const offset = r.at;
    // Cache-line aligned, which 8-byte elements need and the next array likes.
    r.at = Math.ceil((r.at + bytes) / 64) * 64;
    return [r.buffer, offset];
  }
  return undefined;
}

/** Zeroed typed arrays: views of recycled memory where a buffer has room, fresh arrays else. */
export const recycled = {
  i32(n: number): Int32Array {
    const got = take(4 * n);
    return got ? new Int32Array(got[0], got[1], n).fill(0) : new Int32Array(n);
  },
  u32(n: number): Uint32Array {
    const got = take(4 * n);
    return got ? new Uint32Array(got[0], got[1], n).fill(0) : new Uint32Array(n);
  },
  f64(n: number): Float64Array {
    const got = take(8 * n);
    return got ? new Float64Array(got[0], got[1], n).fill(0) : new Float64Array(n);
  },
};
