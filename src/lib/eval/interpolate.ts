/** np.spacing(1): pycocotools adds it to precision's denominator. */
export const EPS = 2.220446049250313e-16;

/**
 * pycocotools' interpolated precision on the recall thresholds for one class, from the cumulative
 * true and false positive counts at each true positive in score order (the only prefixes that
 * decide the result: recall grows only there, and precision only falls in between; see
 * accumulate.ts, which calls it for every class, area range, maxDets and IoU threshold, as the
 * analysis' recomputed APs do): recall tp / npig, precision tp / (fp + tp + eps), running maximum
 * from the right, searchsorted(side='left').
 *
 * Reads the n points tpAt[from..], fpAt[from..]; writes out[offset + r * stride] for each recall
 * threshold r, 0 past the last recall reached. `env` and `rc` are scratch of length >= n.
 */
export function interpolatedPrecision(
  tpAt: Float64Array,
  fpAt: Float64Array,
  from: number,
  n: number,
  npig: number,
  recThrs: Float64Array,
  env: Float64Array,
  rc: Float64Array,
  out: Float64Array,
  offset: number,
  stride: number,
): void {
  // Read before the loops: optimized code entered mid-loop would find no feedback for it after.
  const R = recThrs.length;
  let running = 0;
  for (let e = n - 1; e >= 0; e--) {
    const tp = tpAt[from + e]!;
    const pr = tp / (fpAt[from + e]! + tp + EPS);
    if (pr > running) running = pr;
    env[e] = running;
    rc[e] = tp / npig;
  }
  let e = 0;
  for (let r = 0; r < R; r++) {
    while (e < n && rc[e]! < recThrs[r]!) e++;
    out[offset + r * stride] = e < n ? env[e]! : 0;
  }
}
