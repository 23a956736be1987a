/**
 * The value at index k of `a` sorted ascending (as TypedArray sort puts it, NaN last), by
 * quickselect: a stage needs one order statistic of the row maxima, not all of them in order
 * (sorting NanoDet's 1.9k took 3% of its decode). Reorders `a`; a later call may ask another k.
 * ±0 may come back as each other, which no threshold comparison tells apart.
 */
export function ascendingAt(a: Float32Array, k: number): number {
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]!)) return a.sort()[k]!;
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Hoare partition around the middle value: [lo, j] <= pivot <= [j + 1, hi].
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo - 1;
    let j = hi + 1;
    for (;;) {
      do i++;
      while (a[i]! < pivot);
      do j--;
      while (a[j]! > pivot);
      if (i >= j) break;
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    if (k <= j) hi = j;
    else lo = j + 1;
  }
  return a[k]!;
}
