/**
 * Memory the evaluator has already touched, handed on instead of freed: the results file's
 * bytes, once scanned, hold matching's output arrays. Fresh memory costs a page fault per 4 KiB
 * at first touch (~0.3 ms per MB on this project's machines: 20 MB of outputs on the 500k case);
 * these pages are resident already. Per thread; a recycled buffer serves one arena, once.
 */

const pool: ArrayBuffer[] = [];

/** At most this many wait for an arena (a caller that never makes one holds no more). */
const POOL_MAX = 4;

/** Gives a buffer nothing else will read or write again to the next arena. */
export function recycle(buffer: ArrayBufferLike): void {
  if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) pool.push(buffer);
  if (pool.length > POOL_MAX) pool.shift();
}

export interface Arena {
  i32(n: number): Int32Array;
  u32(n: number): Uint32Array;
  f64(n: number): Float64Array;
}

/**
 * Zeroed typed arrays for one computation of about `bytes` in all: views of the recycled buffers
 * (the pool is emptied) while they have room, fresh arrays after. A view keeps its whole buffer
 * resident, so a buffer over twice the need is freed instead of used.
 */
export function arena(bytes: number): Arena {
  const buffers: ArrayBuffer[] = [];
  for (const b of pool.splice(0)) {
    if (b.byteLength <= 2 * bytes) buffers.push(b);
    else b.transfer(0);
  }
  let i = 0;
  let at = 0;
  const take = (bytes: number): [ArrayBuffer, number] | undefined => {
    for (; i < buffers.length; i++, at = 0) {
      const b = buffers[i]!;
      if (b.byteLength - at >= bytes) {
        const offset = at;
        // Cache-line aligned, which 8-byte elements need and the next view likes.
        at = Math.ceil((at + bytes) / 64) * 64;
        return [b, offset];
      }
    }
    return undefined;
  };
  const view = <A extends Int32Array | Uint32Array | Float64Array>(
    n: number,
    size: number,
    make: (b: ArrayBuffer, offset: number, n: number) => A,
    fresh: (n: number) => A,
  ): A => {
    const got = take(n * size);
    if (!got) return fresh(n);
    const a = make(got[0], got[1], n);
    a.fill(0);
    return a;
  };
  return {
    i32: (n) =>
      view(
        n,
        4,
        (b, o, k) => new Int32Array(b, o, k),
        (k) => new Int32Array(k),
      ),
    u32: (n) =>
      view(
        n,
        4,
        (b, o, k) => new Uint32Array(b, o, k),
        (k) => new Uint32Array(k),
      ),
    f64: (n) =>
      view(
        n,
        8,
        (b, o, k) => new Float64Array(b, o, k),
        (k) => new Float64Array(k),
      ),
  };
}
