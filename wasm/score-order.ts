// AssemblyScript source of src/lib/eval/score-order.wasm (`npm run build:wasm`). mergeOrder of
// src/lib/eval/accumulate.ts: every evaluated detection by descending score (ties by index), an
// LSD radix sort on the float64 bits as sortByScoreDesc in stable-sort.ts does it, then that
// order regrouped stably by class (countingSortBy).
//
// Memory: the caller (src/lib/eval/score-order.ts) writes the scores and class starts at the
// offsets offsetOf gives, and passes E and K to run.

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

export function run(E: i32, K: i32): void {
  const score = offsetOf(0, E, K);
  const catStart = offsetOf(1, E, K);
  const byScore = offsetOf(2, E, K);
  const order = offsetOf(3, E, K);
  let keys = offsetOf(4, E, K);
  let keys2 = offsetOf(5, E, K);
  const idx2Base = offsetOf(6, E, K);
  const count = offsetOf(7, E, K);
  memory.fill(count, 0, 4 * COUNT * 4);
  let idx = byScore;
  let idx2 = idx2Base;
  for (let i = 0; i < E; i++) {
    const f = load<f64>(score + (i << 3)) + 0; // -0 + 0 is +0
    let b = reinterpret<u64>(f);
    // Ascending-sortable bits (all flipped for negatives, the sign bit for positives), then
    // complemented, for descending.
    b = (b >> 63) != 0 ? ~b : b ^ 0x8000000000000000;
    b = ~b;
    store<u64>(keys + (i << 3), b);
    store<i32>(idx + (i << 2), i);
    for (let d = 0; d < 4; d++) {
      const c = count + ((d * COUNT + <i32>((b >> (16 * d)) & 0xffff)) << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
  }
  for (let d = 0; d < 4; d++) {
    const c = count + d * COUNT * 4;
    let single = false;
    let sum = 0;
    for (let r = 0; r < COUNT; r++) {
      const x = load<i32>(c + (r << 2));
      if (x == E) single = true;
      store<i32>(c + (r << 2), sum);
      sum += x;
    }
    if (single) continue;
    const shift = <u64>(16 * d);
    for (let i = 0; i < E; i++) {
      const k = load<u64>(keys + (i << 3));
      const slot = c + (<i32>((k >> shift) & 0xffff) << 2);
      const at = load<i32>(slot);
      store<i32>(slot, at + 1);
      store<u64>(keys2 + (at << 3), k);
      store<i32>(idx2 + (at << 2), load<i32>(idx + (i << 2)));
    }
    const tk = keys;
    keys = keys2;
    keys2 = tk;
    const ti = idx;
    idx = idx2;
    idx2 = ti;
  }
  if (idx != byScore) memory.copy(byScore, idx, E << 2);
  // Stably by class: class k holds [catStart[k], catStart[k+1]) of the evaluated detections.
  const next = count; // reused: K + 1 counters
  for (let k = 0; k <= K; k++) store<i32>(next + (k << 2), load<i32>(catStart + (k << 2)));
  // The class of evaluated detection e: found by walking catStart (e ascending per class).
  const catOf = keys2; // reused as i32 per detection
  for (let k = 0; k < K; k++)
    for (let e = load<i32>(catStart + (k << 2)); e < load<i32>(catStart + ((k + 1) << 2)); e++) store<i32>(catOf + (e << 2), k);
  for (let p = 0; p < E; p++) {
    const e = load<i32>(byScore + (p << 2));
    const slot = next + (load<i32>(catOf + (e << 2)) << 2);
    const at = load<i32>(slot);
    store<i32>(slot, at + 1);
    store<i32>(order + (at << 2), e);
  }
}
