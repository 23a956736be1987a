// AssemblyScript source of src/lib/eval/analysis/bootstrap-kernel.wasm (`npm run build:wasm`).
// The bootstrap's AP and AP50 for one batch of up to LANES resamples: weightedApBatch of
// src/lib/eval/analysis/bootstrap.ts, whose comments say what each step computes, with the
// per-resample loops as 4-lane integer vectors (weights, counts of detections, true positives
// and ignored ones are integers, exact in int32) and every floating-point expression in the same
// order as there, so that the results are the same bits.
//
// Memory: the caller (bootstrap-kernel.ts) lays the plan and the scratch out and writes their
// offsets into the header at 0 (slots below); `reached`, the one table whose size depends on the
// weights, is last and grows the memory when a batch needs more.

import { i32At, slot } from './memory';

/** Resamples side by side (seven vectors of four). */
export const LANES: i32 = 28;
const ROW: i32 = LANES * 4; // bytes of one row of int32 lanes

// Header slots (int32 each).
const I_K: i32 = 1;
const I_T: i32 = 2;
const I_R: i32 = 3;
const I_T50: i32 = 4;
const P_ORD_IMG: i32 = 8;
const P_EV_POS: i32 = 9;
const P_EV_IMG: i32 = 10;
const P_EV_IGNORED_ALL: i32 = 11;
const P_EV_START: i32 = 12;
const P_TP_START: i32 = 13;
const P_TP_EV: i32 = 14;
const P_IG_START: i32 = 15;
const P_IG_EV: i32 = 16;
const P_GT_START: i32 = 17;
const P_GT_IMG: i32 = 18;
const P_GT_COUNT: i32 = 19;
const P_CAT_START: i32 = 20;
const P_REC_THRS: i32 = 21;
const P_W: i32 = 22;
const P_SEEN_AT: i32 = 23;
const P_TP_AT: i32 = 24;
const P_FP_AT: i32 = 25;
const P_MIN_TP: i32 = 26;
const P_NPIG: i32 = 27;
const P_SUM_ALL: i32 = 28;
const P_SUM50: i32 = 29;
const P_DEFINED: i32 = 30;
const P_OUT_AP: i32 = 31;
const P_OUT_AP50: i32 = 32;
const P_REACHED: i32 = 33;

const EPS: f64 = 2.220446049250313e-16;

/** fillMinTp: the least integer m with m / npig >= recThrs[r], per recall threshold. */
function fillMinTp(npig: f64, recThrs: i32, R: i32, minTp: i32): void {
  for (let r = 0; r < R; r++) {
    const thr = load<f64>(recThrs + (r << 3));
    let m = Math.ceil(thr * npig);
    while (m > 0 && (m - 1) / npig >= thr) m--;
    while (m / npig < thr) m++;
    store<i32>(minTp + (r << 2), <i32>m);
  }
}

/** interpolatedSum, for lane b of the n points in tpAt / fpAt (event-major: point j at j * LANES + b). */
function interpolatedSum(tpAt: i32, fpAt: i32, b: i32, n: i32, reached: i32): f64 {
  let running: f64 = 0;
  let sum: f64 = 0;
  let j = n - 1;
  let x = load<i32>(tpAt + j * ROW + (b << 2));
  for (; j >= 0; j--) {
    const previous = j > 0 ? load<i32>(tpAt + (j - 1) * ROW + (b << 2)) : -1;
    const fp = <f64>load<i32>(fpAt + j * ROW + (b << 2));
    const pr = <f64>x / (fp + <f64>x + EPS);
    running = max(pr, running);
    sum += running * <f64>(i32At(reached, x + 1) - i32At(reached, previous + 1));
    x = previous;
  }
  return sum;
}

// Each per-lane sum is seven v128 locals written out one by one, not an array looped over, so
// that they stay in registers through the loops over detections and events.
@inline
function addRow(acc: v128, p: i32, lane: i32): v128 {
  return i32x4.add(acc, v128.load(p + (lane << 4)));
}

/** One batch: outAp / outAp50 per lane (-1 where no counted GT has a positive weight). */
export function run(): void {
  const K = slot(I_K);
  const T = slot(I_T);
  const R = slot(I_R);
  const t50 = slot(I_T50);
  const ordImg = slot(P_ORD_IMG);
  const evPos = slot(P_EV_POS);
  const evImg = slot(P_EV_IMG);
  const evIgnoredAll = slot(P_EV_IGNORED_ALL);
  const evStart = slot(P_EV_START);
  const tpStart = slot(P_TP_START);
  const tpEv = slot(P_TP_EV);
  const igStart = slot(P_IG_START);
  const igEv = slot(P_IG_EV);
  const gtStart = slot(P_GT_START);
  const gtImg = slot(P_GT_IMG);
  const gtCount = slot(P_GT_COUNT);
  const catStart = slot(P_CAT_START);
  const recThrs = slot(P_REC_THRS);
  const W = slot(P_W);
  const seenAt = slot(P_SEEN_AT);
  const tpAt = slot(P_TP_AT);
  const fpAt = slot(P_FP_AT);
  const minTp = slot(P_MIN_TP);
  const npig = slot(P_NPIG);
  const sumAll = slot(P_SUM_ALL);
  const sum50 = slot(P_SUM50);
  const defined = slot(P_DEFINED);
  const reached = slot(P_REACHED);
  for (let b = 0; b < LANES; b++) {
    store<f64>(sumAll + (b << 3), 0);
    store<f64>(sum50 + (b << 3), 0);
    store<i32>(defined + (b << 2), 0);
  }
  for (let k = 0; k < K; k++) {
    let n0 = i32x4.splat(0);
    let n1 = n0;
    let n2 = n0;
    let n3 = n0;
    let n4 = n0;
    let n5 = n0;
    let n6 = n0;
    for (let p = i32At(gtStart, k); p < i32At(gtStart, k + 1); p++) {
      const row = W + i32At(gtImg, p) * ROW;
      const c = i32x4.splat(i32At(gtCount, p));
      n0 = i32x4.add(n0, i32x4.mul(c, v128.load(row)));
      n1 = i32x4.add(n1, i32x4.mul(c, v128.load(row + 16)));
      n2 = i32x4.add(n2, i32x4.mul(c, v128.load(row + 32)));
      n3 = i32x4.add(n3, i32x4.mul(c, v128.load(row + 48)));
      n4 = i32x4.add(n4, i32x4.mul(c, v128.load(row + 64)));
      n5 = i32x4.add(n5, i32x4.mul(c, v128.load(row + 80)));
      n6 = i32x4.add(n6, i32x4.mul(c, v128.load(row + 96)));
    }
    v128.store(npig, n0);
    v128.store(npig + 16, n1);
    v128.store(npig + 32, n2);
    v128.store(npig + 48, n3);
    v128.store(npig + 64, n4);
    v128.store(npig + 80, n5);
    v128.store(npig + 96, n6);
    let any = false;
    let most = 0;
    for (let b = 0; b < LANES; b++) {
      const np = i32At(npig, b);
      if (np > 0) {
        store<i32>(defined + (b << 2), i32At(defined, b) + 1);
        any = true;
        fillMinTp(<f64>np, recThrs, R, minTp + b * R * 4);
        if (np > most) most = np;
      }
    }
    if (!any) continue;
    const stride = most + 2;
    const need = reached + LANES * stride * 4;
    const have = memory.size() << 16;
    if (need > have) memory.grow((need - have + 0xffff) >>> 16);
    for (let b = 0; b < LANES; b++) {
      const np = i32At(npig, b);
      if (np == 0) continue;
      const base = reached + b * stride * 4;
      const mt = minTp + b * R * 4;
      let r = 0;
      store<i32>(base, 0);
      for (let v = 0; v <= np; v++) {
        while (r < R && i32At(mt, r) <= v) r++;
        store<i32>(base + ((v + 1) << 2), r);
      }
    }

    const ev0 = i32At(evStart, k);
    const ev1 = i32At(evStart, k + 1);
    let s0 = i32x4.splat(0);
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    let s4 = s0;
    let s5 = s0;
    let s6 = s0;
    let pos = i32At(catStart, k);
    for (let v = ev0; v < ev1; v++) {
      const stop = i32At(evPos, v);
      while (pos < stop) {
        const row = W + i32At(ordImg, pos++) * ROW;
        s0 = addRow(s0, row, 0);
        s1 = addRow(s1, row, 1);
        s2 = addRow(s2, row, 2);
        s3 = addRow(s3, row, 3);
        s4 = addRow(s4, row, 4);
        s5 = addRow(s5, row, 5);
        s6 = addRow(s6, row, 6);
      }
      pos++;
      if (load<u8>(evIgnoredAll + v) == 0) {
        const row = W + i32At(evImg, v) * ROW;
        s0 = addRow(s0, row, 0);
        s1 = addRow(s1, row, 1);
        s2 = addRow(s2, row, 2);
        s3 = addRow(s3, row, 3);
        s4 = addRow(s4, row, 4);
        s5 = addRow(s5, row, 5);
        s6 = addRow(s6, row, 6);
      }
      const at = seenAt + (v - ev0) * ROW;
      v128.store(at, s0);
      v128.store(at, s1, 16);
      v128.store(at, s2, 32);
      v128.store(at, s3, 48);
      v128.store(at, s4, 64);
      v128.store(at, s5, 80);
      v128.store(at, s6, 96);
    }

    for (let t = 0; t < T; t++) {
      const c = k * T + t;
      let q = i32At(igStart, c);
      const qEnd = i32At(igStart, c + 1);
      const tp0 = i32At(tpStart, c);
      const n = i32At(tpStart, c + 1) - tp0;
      if (n == 0) continue;
      // Per lane vector: true positives and ignored so far (cumulative), kept in memory rows.
      let tv0 = i32x4.splat(0);
      let tv1 = tv0;
      let tv2 = tv0;
      let tv3 = tv0;
      let tv4 = tv0;
      let tv5 = tv0;
      let tv6 = tv0;
      let g0 = tv0;
      let g1 = tv0;
      let g2 = tv0;
      let g3 = tv0;
      let g4 = tv0;
      let g5 = tv0;
      let g6 = tv0;
      for (let i = 0; i < n; i++) {
        const v = i32At(tpEv, tp0 + i);
        while (q < qEnd && i32At(igEv, q) < v) {
          const row = W + i32At(evImg, i32At(igEv, q++)) * ROW;
          g0 = addRow(g0, row, 0);
          g1 = addRow(g1, row, 1);
          g2 = addRow(g2, row, 2);
          g3 = addRow(g3, row, 3);
          g4 = addRow(g4, row, 4);
          g5 = addRow(g5, row, 5);
          g6 = addRow(g6, row, 6);
        }
        const row = W + i32At(evImg, v) * ROW;
        tv0 = addRow(tv0, row, 0);
        tv1 = addRow(tv1, row, 1);
        tv2 = addRow(tv2, row, 2);
        tv3 = addRow(tv3, row, 3);
        tv4 = addRow(tv4, row, 4);
        tv5 = addRow(tv5, row, 5);
        tv6 = addRow(tv6, row, 6);
        const o = i * ROW;
        const s = seenAt + (v - ev0) * ROW;
        v128.store(tpAt + o, tv0);
        v128.store(tpAt + o, tv1, 16);
        v128.store(tpAt + o, tv2, 32);
        v128.store(tpAt + o, tv3, 48);
        v128.store(tpAt + o, tv4, 64);
        v128.store(tpAt + o, tv5, 80);
        v128.store(tpAt + o, tv6, 96);
        // False positives so far: detections seen, minus the ignored and the true positives.
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s), g0), tv0));
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 16), g1), tv1), 16);
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 32), g2), tv2), 32);
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 48), g3), tv3), 48);
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 64), g4), tv4), 64);
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 80), g5), tv5), 80);
        v128.store(fpAt + o, i32x4.sub(i32x4.sub(v128.load(s, 96), g6), tv6), 96);
      }
      for (let b = 0; b < LANES; b++) {
        if (i32At(npig, b) == 0) continue;
        const sum = interpolatedSum(tpAt, fpAt, b, n, reached + b * stride * 4);
        store<f64>(sumAll + (b << 3), load<f64>(sumAll + (b << 3)) + sum);
        if (t == t50) store<f64>(sum50 + (b << 3), load<f64>(sum50 + (b << 3)) + sum);
      }
    }
  }
  const outAp = slot(P_OUT_AP);
  const outAp50 = slot(P_OUT_AP50);
  for (let b = 0; b < LANES; b++) {
    const d = i32At(defined, b);
    store<f64>(outAp + (b << 3), d == 0 ? -1 : load<f64>(sumAll + (b << 3)) / <f64>(d * T * R));
    store<f64>(outAp50 + (b << 3), d == 0 ? -1 : load<f64>(sum50 + (b << 3)) / <f64>(d * R));
  }
}
