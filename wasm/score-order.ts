// AssemblyScript source of src/lib/eval/score-order.wasm (`npm run build:wasm`). mergeOrder of
// src/lib/eval/accumulate.ts: every evaluated detection by descending score (ties by index), an
// LSD radix sort on the float64 bits as sortByScoreDesc in stable-sort.ts does it, then that
// order regrouped stably by class (countingSortBy).
//
// Memory: the caller (src/lib/eval/score-order.ts) writes the scores and class starts at the
// offsets offsetOf gives, then calls keys, offsets and scatter for digits 0 to 3, regroupStart,
// classes and regroup (src/lib/eval/score-order.ts runs them).

const COUNT: i32 = 65536;

@inline
function align(n: i32): i32 {
  return (n + 15) & ~15;
}

/** Bytes of region r: score, catStart, byScore, order, keys, keys2, idx2, count. */
function sizeOf(r: i32, E: i32, K: i32): i32 {
  if (r == 1) return (K + 1) * 4;
  if (r == 0 || r == 4 || r == 5) return E * 8;
  if (r == 7) return 4 * COUNT * 4;
  return E * 4;
}

/**
 * Offset of region r (8: the end), after a 256-byte header. No allocation here: the stub
 * runtime's heap would start where these regions lie.
 */
export function offsetOf(region: i32, E: i32, K: i32): i32 {
  let at = 256;
  for (let r = 0; r < region; r++) at += align(sizeOf(r, E, K));
  return at;
}

// Every stage runs as calls over chunks of the detections: V8 tiers a WebAssembly function up
// for its next call, never within one, so a stage done in one call would run entirely in its
// baseline code (~6 times slower here than the optimized code the later chunks run).

/** Keys of detections [from, to) (ascending-sortable, complemented for descending), histograms. */
export function keys(E: i32, K: i32, from: i32, to: i32): void {
  const score = offsetOf(0, E, K);
  const byScore = offsetOf(2, E, K);
  const keys = offsetOf(4, E, K);
  const count = offsetOf(7, E, K);
  if (from == 0) memory.fill(count, 0, 4 * COUNT * 4);
  for (let i = from; i < to; i++) {
    const f = load<f64>(score + (i << 3)) + 0; // -0 + 0 is +0
    let b = reinterpret<u64>(f);
    // Ascending-sortable bits (all flipped for negatives, the sign bit for positives), then
    // complemented, for descending.
    b = (b >> 63) != 0 ? ~b : b ^ 0x8000000000000000;
    b = ~b;
    store<u64>(keys + (i << 3), b);
    store<i32>(byScore + (i << 2), i);
    for (let d = 0; d < 4; d++) {
      const c = count + ((d * COUNT + <i32>((b >> (16 * d)) & 0xffff)) << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
  }
}

/**
 * Digit d's histogram to starting offsets; 0 where every key has the same digit (the pass would
 * move nothing, and is skipped), else 1.
 */
export function offsets(E: i32, K: i32, d: i32): i32 {
  const c = offsetOf(7, E, K) + d * COUNT * 4;
  let single = false;
  let sum = 0;
  for (let r = 0; r < COUNT; r++) {
    const x = load<i32>(c + (r << 2));
    if (x == E) single = true;
    store<i32>(c + (r << 2), sum);
    sum += x;
  }
  return single ? 0 : 1;
}

/**
 * Radix pass on digit d over positions [from, to): from (keys, byScore) to (keys2, idx2) when
 * `flip` is 0, back when 1. Chunks in order keep the pass stable.
 */
export function scatter(E: i32, K: i32, d: i32, flip: i32, from: i32, to: i32): void {
  const c = offsetOf(7, E, K) + d * COUNT * 4;
  const keys = offsetOf(flip == 0 ? 4 : 5, E, K);
  const keys2 = offsetOf(flip == 0 ? 5 : 4, E, K);
  const idx = offsetOf(flip == 0 ? 2 : 6, E, K);
  const idx2 = offsetOf(flip == 0 ? 6 : 2, E, K);
  const shift = <u64>(16 * d);
  for (let i = from; i < to; i++) {
    const k = load<u64>(keys + (i << 3));
    const slot = c + (<i32>((k >> shift) & 0xffff) << 2);
    const at = load<i32>(slot);
    store<i32>(slot, at + 1);
    store<u64>(keys2 + (at << 3), k);
    store<i32>(idx2 + (at << 2), load<i32>(idx + (i << 2)));
  }
}

/**
 * Before regrouping: byScore copied back from idx2 when the passes left it there (`flip` 1),
 * and the counters set to the classes' starts.
 */
export function regroupStart(E: i32, K: i32, flip: i32): void {
  const catStart = offsetOf(1, E, K);
  if (flip != 0) memory.copy(offsetOf(2, E, K), offsetOf(6, E, K), E << 2);
  const next = offsetOf(7, E, K); // the counters, reused: K + 1 of them
  for (let k = 0; k <= K; k++) store<i32>(next + (k << 2), load<i32>(catStart + (k << 2)));
}

/** The class of evaluated detections of classes [k0, k1) (in keys2, reused as i32 each). */
export function classes(E: i32, K: i32, k0: i32, k1: i32): void {
  const catStart = offsetOf(1, E, K);
  const catOf = offsetOf(5, E, K);
  for (let k = k0; k < k1; k++)
    for (let e = load<i32>(catStart + (k << 2)); e < load<i32>(catStart + ((k + 1) << 2)); e++) store<i32>(catOf + (e << 2), k);
}

/**
 * byScore [from, to) regrouped stably by class into order: class k holds [catStart[k],
 * catStart[k+1]) of the evaluated detections. Chunks in order keep it stable.
 */
export function regroup(E: i32, K: i32, from: i32, to: i32): void {
  const byScore = offsetOf(2, E, K);
  const order = offsetOf(3, E, K);
  const next = offsetOf(7, E, K);
  const catOf = offsetOf(5, E, K);
  for (let p = from; p < to; p++) {
    const e = load<i32>(byScore + (p << 2));
    const slot = next + (load<i32>(catOf + (e << 2)) << 2);
    const at = load<i32>(slot);
    store<i32>(slot, at + 1);
    store<i32>(order + (at << 2), e);
  }
}
