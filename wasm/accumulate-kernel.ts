// AssemblyScript source of src/lib/eval/accumulate-kernel.wasm (`npm run build:wasm`). The loop
// of accumulate() in src/lib/eval/accumulate.ts (pycocotools' accumulate over the merged order),
// whose comments say what each step computes: the same steps, integer counts in int32 and every
// floating-point expression in the same order, so that precision and recall are the same bits.
//
// Memory: the caller (src/lib/eval/accumulate-kernel.ts) lays the inputs, outputs and scratch out
// and writes their offsets into the header at 0 (slots below). One call per class, which leaves
// the class's precision block for the caller to copy into the [T][R][K][A][M] array (held by the
// caller only: 116 MB on a 1,203-class case).

import { f64At, i32At, slot } from './memory';

const S_K: i32 = 0;
const S_T: i32 = 1;
const S_R: i32 = 2;
const S_A: i32 = 3;
const S_M: i32 = 4;
const S_LONGEST: i32 = 5;
const P_FLAGS: i32 = 8; // u32 per position × area range, in merge order
const P_RANK: i32 = 9; // i32 per position
const P_CAT_START: i32 = 10; // i32 K+1
const P_NPIG: i32 = 11; // f64 K×A
const P_MAX_DETS: i32 = 12; // i32 M
const P_REC_THRS: i32 = 13; // f64 R
const P_RECALL: i32 = 15; // f64 [T][K][A][M], -1 filled by the caller
const P_BLOCK: i32 = 16; // f64 A×M×T×R
const P_KEPT: i32 = 17; // i32 longest
const P_TP_AT: i32 = 18; // f64 T×longest
const P_FP_AT: i32 = 19; // f64 T×longest
const P_ENV: i32 = 20; // f64 longest
const P_RC: i32 = 21; // f64 longest
const P_COUNT: i32 = 22; // i32 T
const P_TP: i32 = 23; // i32 T
const P_IG: i32 = 24; // i32 T

const IGNORE_SHIFT: i32 = 16;
const EPS: f64 = 2.220446049250313e-16;

@inline
function setF64(p: i32, i: i32, v: f64): void {
  store<f64>(p + (i << 3), v);
}

/** Class k: its precision block ([a][m][t][r], the caller scatters it) and its recall entries. */
export function run(k: i32): void {
  const K = slot(S_K);
  const T = slot(S_T);
  const R = slot(S_R);
  const A = slot(S_A);
  const M = slot(S_M);
  const longest = slot(S_LONGEST);
  const flags = slot(P_FLAGS);
  const rank = slot(P_RANK);
  const catStart = slot(P_CAT_START);
  const npigs = slot(P_NPIG);
  const maxDets = slot(P_MAX_DETS);
  const recThrs = slot(P_REC_THRS);
  const recall = slot(P_RECALL);
  const block = slot(P_BLOCK);
  const kept = slot(P_KEPT);
  const tpAt = slot(P_TP_AT);
  const fpAt = slot(P_FP_AT);
  const env = slot(P_ENV);
  const rc = slot(P_RC);
  const count = slot(P_COUNT);
  const tpN = slot(P_TP);
  const igN = slot(P_IG);
  const allIgnored: u32 = (((1 << T) - 1) << IGNORE_SHIFT) as u32;
  const blockLength = A * M * T * R;

  {
    const start = i32At(catStart, k);
    const end = i32At(catStart, k + 1);
    for (let i = 0; i < blockLength; i++) setF64(block, i, -1);
    let lastNd = -1;
    for (let m = 0; m < M; m++) {
      const maxDet = i32At(maxDets, m);
      let nd = 0;
      for (let i = start; i < end; i++) if (i32At(rank, i) < maxDet) store<i32>(kept + (nd++ << 2), i);
      if (m > 0 && nd == lastNd && maxDet >= i32At(maxDets, m - 1)) {
        for (let a = 0; a < A; a++) {
          for (let t = 0; t < T; t++) {
            const ri = ((t * K + k) * A + a) * M + m;
            setF64(recall, ri, f64At(recall, ri - 1));
            const from = ((a * M + m - 1) * T + t) * R;
            memory.copy(block + ((((a * M + m) * T + t) * R) << 3), block + (from << 3), R << 3);
          }
        }
        continue;
      }
      lastNd = nd;
      for (let a = 0; a < A; a++) {
        const npig = f64At(npigs, k * A + a);
        if (npig == 0) continue;
        // countEvents
        for (let t = 0; t < T; t++) {
          store<i32>(count + (t << 2), 0);
          store<i32>(tpN + (t << 2), 0);
          store<i32>(igN + (t << 2), 0);
        }
        let ignoredAll = 0;
        for (let i = 0; i < nd; i++) {
          const f = load<u32>(flags + ((i32At(kept, i) * A + a) << 2));
          if (f == 0) continue;
          if (f == allIgnored) {
            ignoredAll++;
            continue;
          }
          for (let t = 0; t < T; t++) {
            if ((f & (1 << (IGNORE_SHIFT + t))) != 0) store<i32>(igN + (t << 2), i32At(igN, t) + 1);
            else if ((f & (1 << t)) != 0) {
              const n = i32At(tpN, t) + 1;
              store<i32>(tpN + (t << 2), n);
              const c = i32At(count, t);
              store<i32>(count + (t << 2), c + 1);
              const e = t * longest + c;
              setF64(tpAt, e, <f64>n);
              setF64(fpAt, e, <f64>(i + 1 - ignoredAll - i32At(igN, t) - n));
            }
          }
        }
        for (let t = 0; t < T; t++) {
          setF64(recall, ((t * K + k) * A + a) * M + m, nd > 0 ? <f64>i32At(tpN, t) / npig : 0);
          const ne = nd > 0 ? i32At(count, t) : 0;
          const at = ((a * M + m) * T + t) * R;
          // interpolatedPrecision
          const from = t * longest;
          let running: f64 = 0;
          for (let e = ne - 1; e >= 0; e--) {
            const tp = f64At(tpAt, from + e);
            const pr = tp / (f64At(fpAt, from + e) + tp + EPS);
            if (pr > running) running = pr;
            setF64(env, e, running);
            setF64(rc, e, tp / npig);
          }
          let e = 0;
          for (let r = 0; r < R; r++) {
            const thr = f64At(recThrs, r);
            while (e < ne && f64At(rc, e) < thr) e++;
            setF64(block, at + r, e < ne ? f64At(env, e) : 0);
          }
        }
      }
    }
  }
}
