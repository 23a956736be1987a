/**
 * numpy's float64 sum: pairwise summation in blocks of 128 with an 8-way unrolled inner loop
 * (numpy/core/src/umath/loops_utils.h.src). pycocotools' means go through it, so reproducing it
 * keeps our stats equal to theirs in the last bit, not just to 1e-15.
 */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    // Eight accumulators in locals (an array of eight would cost more than the additions).
    let r0 = a[start]!;
    let r1 = a[start + 1]!;
    let r2 = a[start + 2]!;
    let r3 = a[start + 3]!;
    let r4 = a[start + 4]!;
    let r5 = a[start + 5]!;
    let r6 = a[start + 6]!;
    let r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[start + i]!;
      r1 += a[start + i + 1]!;
      r2 += a[start + i + 2]!;
      r3 += a[start + i + 3]!;
      r4 += a[start + i + 4]!;
      r5 += a[start + i + 5]!;
      r6 += a[start + i + 6]!;
      r7 += a[start + i + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * numpy's reduction iterator hands the add loop at most its buffer size (8192 elements) at a
 * time, so a long sum is pairwise within each block and sequential across blocks.
 */
const NUMPY_BUFSIZE = 8192;

/** Scratch for the kept values, grown on demand (means run one at a time). */
let kept = new Float64Array(1024);

/**
 * `np.mean(s[s > -1])` over values[start, start + n), or -1 when nothing is left: pycocotools'
 * summarize rule.
 */
export function meanOfDefined(values: ArrayLike<number>, n = values.length, start = 0): number {
  if (kept.length < n) kept = new Float64Array(n);
  const count = keepDefined(values, n, start);
  return count === 0 ? -1 : sumOfKept(count) / count;
}

// The two loops are functions of their own, with nothing after them: V8 enters a long loop's
// optimized (OSR) code on every call, and code after the loop that had not run when it was
// compiled made it deoptimize on every call (270 times in one `podium eval`).

/** values[start, start + n) greater than -1, into `kept`; their count. */
function keepDefined(values: ArrayLike<number>, n: number, start: number): number {
  let count = 0;
  for (let i = start; i < start + n; i++) {
    const v = values[i]!;
    if (v > -1) kept[count++] = v;
  }
  return count;
}

function sumOfKept(count: number): number {
  let sum = 0;
  for (let start = 0; start < count; start += NUMPY_BUFSIZE) {
    sum += pairwiseSum(kept, start, Math.min(NUMPY_BUFSIZE, count - start));
  }
  return sum;
}
