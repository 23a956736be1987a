// AssemblyScript source of src/lib/runner/decoders/dense-rows.wasm (`npm run build:wasm`). The
// class-score side of NanoDet's decode (src/lib/runner/decoders/nanodet.ts) in 4-lane vectors:
// each cell's best class score, then the chosen cells' scores copied as dense rows with NaN for
// those not above conf; and FastestDet's (fastestdet.ts) per-cell bound over class planes. f32x4.max and f32.max are Math.max on float32 values (NaN if any is,
// +0 above -0), and a lane passes where the float32 comparison the loader picks says the score
// is above conf, so the results are the JavaScript's bits.
//
// Memory (the loader's, dense-rows.ts): the class map [cells, nc] at `src`, the maxima, the
// chosen cells, the rows and their counts at offsets it picks.

/** Per cell of [cells, nc] float32 at src, its largest score, as float32 at dst. */
export function rowMaxima(src: i32, dst: i32, cells: i32, nc: i32): void {
  const whole = nc & ~3;
  for (let i = 0; i < cells; i++) {
    const row = src + ((i * nc) << 2);
    let m = f32x4.splat(-Infinity);
    let c = 0;
    for (; c < whole; c += 4) m = f32x4.max(m, v128.load(row + (c << 2)));
    let x = f32.max(
      f32.max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)),
      f32.max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)),
    );
    for (; c < nc; c++) x = f32.max(x, load<f32>(row + (c << 2)));
    store<f32>(dst + (i << 2), x);
  }
}

/**
 * The rows of the n cells listed (int32) at sel, from the class map at src, into consecutive
 * rows at dst: a score that passes (>= t when inclusive, else > t) as it is, NaN otherwise; each
 * row's count of passing scores (int32) at counts.
 */
export function copyRows(src: i32, sel: i32, n: i32, nc: i32, dst: i32, counts: i32, t: f32, inclusive: i32): void {
  const whole = nc & ~3;
  const tv = f32x4.splat(t);
  const nan = f32x4.splat(NaN);
  for (let k = 0; k < n; k++) {
    const from = src + ((load<i32>(sel + (k << 2)) * nc) << 2);
    const to = dst + ((k * nc) << 2);
    let count = 0;
    let c = 0;
    for (; c < whole; c += 4) {
      const v = v128.load(from + (c << 2));
      const pass = inclusive ? f32x4.ge(v, tv) : f32x4.gt(v, tv);
      v128.store(to + (c << 2), v128.bitselect(v, nan, pass));
      count += popcnt<i32>(i32x4.bitmask(pass));
    }
    for (; c < nc; c++) {
      const v = load<f32>(from + (c << 2));
      const pass = inclusive ? v >= t : v > t;
      store<f32>(to + (c << 2), pass ? v : NaN);
      if (pass) count++;
    }
    store<i32>(counts + (k << 2), count);
  }
}

/**
 * Per position of `len`, over `planes` consecutive planes of float32 at src, what fastestdet.ts's
 * loop gives: the largest value, NaN skipped (pmax keeps the running value unless the new one
 * is above it, as `v > m` does, so of ±0 the first stays), and +Infinity where any value is
 * -Infinity; as float32 at dst.
 */
export function planeMaxima(src: i32, planes: i32, len: i32, dst: i32): void {
  const whole = len & ~3;
  const ninf = f32x4.splat(-Infinity);
  const pinf = f32x4.splat(Infinity);
  const stride = len << 2;
  let i = 0;
  for (; i < whole; i += 4) {
    let m = ninf;
    let sawNinf = v128.splat<i32>(0);
    let at = src + (i << 2);
    for (let c = 0; c < planes; c++, at += stride) {
      const v = v128.load(at);
      m = f32x4.pmax(m, v);
      sawNinf = v128.or(sawNinf, f32x4.eq(v, ninf));
    }
    v128.store(dst + (i << 2), v128.bitselect(pinf, m, sawNinf));
  }
  for (; i < len; i++) {
    let m: f32 = -Infinity;
    let sawNinf = false;
    let at = src + (i << 2);
    for (let c = 0; c < planes; c++, at += stride) {
      const v = load<f32>(at);
      if (v > m) m = v;
      if (v == -Infinity) sawNinf = true;
    }
    store<f32>(dst + (i << 2), sawNinf ? Infinity : m);
  }
}
