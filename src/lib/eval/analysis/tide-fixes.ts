/**
 * TIDE's dAP50 per error type (tide.ts classifies the errors): AP50 recomputed as pycocotools
 * would with each type's errors fixed by TIDE's oracle.
 */
import type { ErrorBreakdown } from '../../schema/metrics.ts';
import { discard } from '../discard.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { interpolatedPrecision } from '../interpolate.ts';
import { meanOfDefined } from '../numpy-mean.ts';
import { FP, IGNORED, TP } from './outcomes.ts';
import type { TideAnalysis } from './tide.ts';
import { BKG, BOTH, CLS, DUPE, LOC, MISS } from './tide.ts';

/** Left out of the recomputed AP: ignored by pycocotools, or removed by a fix. */
const SKIP = IGNORED;

/**
 * AP at the analysis' IoU threshold (area all, maxDets 100) with every error whose type is in
 * `fix` corrected by TIDE's oracle, recomputed exactly as pycocotools would on the modified
 * detections (101-point interpolation, classes without GT left out of the mean). With fix = 0 it
 * is pycocotools' own AP50.
 *
 * - cls / loc: among the errors of the fixed types pointing at the same unmatched GT, the
 *   highest-scoring one (ties: lower category, then earlier rank) becomes a true positive for
 *   that GT (cls: moved to the GT's class, keeping its score; loc: in its own class); the others,
 *   and errors pointing at an already matched GT, are removed as duplicates they now are.
 * - dupe, bkg, both: the detection is removed.
 * - miss: the GT is removed from its class's GT count.
 */
export function apWithFixes(evaluation: CocoEvaluation, analysis: TideAnalysis, fix: number): number {
  const { matches, gt, params } = evaluation;
  const { accumulated: acc } = evaluation;
  const ga = gt.annotations;
  const E = matches.length;
  const K = gt.categoryIds.length;
  const R = params.recThrs.length;
  const A = matches.A;
  const { errorType, target, used } = analysis;
  // Outcomes by merge-order position, so that the per-class passes below read in sequence.
  const { statusOrd, position } = gathered(evaluation, analysis);
  const status = statusOrd.slice();
  const positives = new Float64Array(K);
  for (let k = 0; k < K; k++) positives[k] = matches.npig[k * A]!;

  // The surviving cls/loc error per unmatched GT.
  // The detections the fix acts on, ascending: usually a small part of all.
  let nActed = 0;
  for (let e = 0; e < E; e++) if ((errorType[e]! & fix) !== 0) nActed++;
  const acted = new Int32Array(nActed);
  for (let e = 0, i = 0; e < E; e++) if ((errorType[e]! & fix) !== 0) acted[i++] = e;
  const best = new Int32Array(ga.length).fill(-1);
  const fixable = fix & (CLS | LOC);
  if (fixable !== 0) {
    for (const e of acted) {
      if ((errorType[e]! & fixable) === 0) continue;
      const g = target[e]!;
      if (used[g] === 1) continue;
      const b = best[g]!;
      if (b < 0 || matches.score[e]! > matches.score[b]!) best[g] = e;
    }
  }
  const movedCount = new Int32Array(K + 1);
  for (const e of acted) {
    const type = errorType[e]!;
    if ((type & fixable) !== 0 && best[target[e]!] === e) {
      if (type === LOC) status[position[e]!] = TP;
      else {
        status[position[e]!] = SKIP;
        movedCount[ga.cat[target[e]!]! + 1]!++;
      }
    } else {
      status[position[e]!] = SKIP;
    }
  }
  // Detections moved by a cls fix, grouped by their new class, each group in merge order.
  for (let k = 0; k < K; k++) movedCount[k + 1]! += movedCount[k]!;
  const moved = new Int32Array(movedCount[K]!);
  const fill = movedCount.slice(0, K);
  for (const e of acted) {
    if (errorType[e] === CLS && (fix & CLS) !== 0 && best[target[e]!] === e)
      moved[fill[ga.cat[target[e]!]!]!++] = e;
  }
  const before = (a: number, b: number): boolean =>
    matches.score[a]! > matches.score[b]! ||
    (matches.score[a] === matches.score[b] && matches.img[a]! < matches.img[b]!);
  for (let k = 0; k < K; k++) {
    moved
      .subarray(movedCount[k], movedCount[k + 1])
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : a - b));
  }

  if ((fix & MISS) !== 0) {
    for (let g = 0; g < ga.length; g++) if (analysis.missed[g] === 1) positives[ga.cat[g]!]!--;
  }

  let longest = 0;
  for (let k = 0; k < K; k++) {
    longest = Math.max(
      longest,
      matches.catStart[k + 1]! - matches.catStart[k]! + movedCount[k + 1]! - movedCount[k]!,
    );
  }
  const g = gathered(evaluation, analysis);
  if (g.tpAt.length < longest) {
    g.tpAt = new Float64Array(longest);
    g.fpAt = new Float64Array(longest);
    g.env = new Float64Array(longest);
    g.rc = new Float64Array(longest);
  }
  const { tpAt, fpAt, env, rc } = g;
  const precision = new Float64Array(R * K).fill(-1);
  const order = acc.order;
  const { score, img } = matches;
  for (let k = 0; k < K; k++) {
    if (positives[k] === 0) continue;
    let tp = 0;
    let fp = 0;
    let n = 0;
    let m = movedCount[k]!;
    const mEnd = movedCount[k + 1]!;
    const end = matches.catStart[k + 1]!;
    for (let i = matches.catStart[k]!; i < end; i++) {
      // Moved detections that sort before this one (before(), inline: this loop visits every
      // detection of the class).
      if (m < mEnd) {
        const e = order[i]!;
        const es = score[e]!;
        const ei = img[e]!;
        for (; m < mEnd; m++) {
          const d = moved[m]!;
          const ds = score[d]!;
          if (!(ds > es || (ds === es && img[d]! < ei))) break;
          tp++;
          tpAt[n] = tp;
          fpAt[n++] = fp;
        }
      }
      const st = status[i];
      if (st === TP) {
        tp++;
        tpAt[n] = tp;
        fpAt[n++] = fp;
      } else if (st === FP) fp++;
    }
    // Moved detections after the last one.
    for (; m < mEnd; m++) {
      tp++;
      tpAt[n] = tp;
      fpAt[n++] = fp;
    }
    interpolatedPrecision(tpAt, fpAt, 0, n, positives[k]!, params.recThrs, env, rc, precision, k, K);
  }
  // (r, k) order, as numpy flattens precision[0, :, :, 0, 2] in summarize.
  return meanOfDefined(precision);
}

interface Gathered {
  readonly statusOrd: Uint8Array;
  readonly position: Int32Array;
  /** Scratch of apWithFixes, reused by its seven calls. */
  tpAt: Float64Array;
  fpAt: Float64Array;
  env: Float64Array;
  rc: Float64Array;
}
const gatheredCache = new WeakMap<TideAnalysis, Gathered>();

/** The analysis' outcomes in merge order, and each evaluated detection's position there. */
function gathered(evaluation: CocoEvaluation, analysis: TideAnalysis): Gathered {
  let g = gatheredCache.get(analysis);
  if (g === undefined) {
    const order = evaluation.accumulated.order;
    const statusOrd = new Uint8Array(order.length);
    const position = new Int32Array(order.length);
    for (let p = 0; p < order.length; p++) {
      const e = order[p]!;
      statusOrd[p] = analysis.status[e]!;
      position[e] = p;
    }
    const none = new Float64Array(0);
    g = { statusOrd, position, tpAt: none, fpAt: none, env: none, rc: none };
    gatheredCache.set(analysis, g);
  }
  return g;
}

/** AP50 unfixed and with each of the fixes that only remove false positives or GT. */
interface RemovalAps {
  readonly base: number;
  readonly both: number;
  readonly dupe: number;
  readonly bkg: number;
  readonly miss: number;
}

/**
 * apWithFixes for fix 0, BOTH, DUPE, BKG and MISS at once, in one pass over the merge order: these
 * fixes only remove false positives (or GT), so all five share the true positives, and at each one
 * a variant's false-positive count is the unfixed count minus the removed ones before it. The
 * counts are those apWithFixes counts, and the same interpolation runs on them, so each AP has the
 * same bits as apWithFixes' (the tests compare them).
 */
export function removalAps(evaluation: CocoEvaluation, analysis: TideAnalysis): RemovalAps {
  const { matches, gt, params } = evaluation;
  const ga = gt.annotations;
  const K = gt.categoryIds.length;
  const R = params.recThrs.length;
  const A = matches.A;
  const order = evaluation.accumulated.order;
  const { statusOrd } = gathered(evaluation, analysis);
  const { errorType } = analysis;
  const positives = new Float64Array(K);
  const kept = new Float64Array(K);
  for (let k = 0; k < K; k++) positives[k] = kept[k] = matches.npig[k * A]!;
  for (let g = 0; g < ga.length; g++) if (analysis.missed[g] === 1) kept[ga.cat[g]!]!--;

  let longest = 0;
  for (let k = 0; k < K; k++) longest = Math.max(longest, matches.catStart[k + 1]! - matches.catStart[k]!);
  const tpAt = new Float64Array(longest);
  const fpAt = new Float64Array(longest);
  const fpBoth = new Float64Array(longest);
  const fpDupe = new Float64Array(longest);
  const fpBkg = new Float64Array(longest);
  const env = new Float64Array(longest);
  const rc = new Float64Array(longest);
  const prec = Array.from({ length: 5 }, () => new Float64Array(R * K).fill(-1));
  const [pBase, pBoth, pDupe, pBkg, pMiss] = prec as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const recThrs = params.recThrs;
  for (let k = 0; k < K; k++) {
    if (positives[k] === 0) continue;
    let tp = 0;
    let fp = 0;
    let both = 0;
    let dupe = 0;
    let bkg = 0;
    let n = 0;
    for (let i = matches.catStart[k]!; i < matches.catStart[k + 1]!; i++) {
      const st = statusOrd[i];
      if (st === TP) {
        tpAt[n] = ++tp;
        fpAt[n] = fp;
        fpBoth[n] = fp - both;
        fpDupe[n] = fp - dupe;
        fpBkg[n++] = fp - bkg;
      } else if (st === FP) {
        fp++;
        const type = errorType[order[i]!];
        if (type === BOTH) both++;
        else if (type === DUPE) dupe++;
        else if (type === BKG) bkg++;
      }
    }
    const p = positives[k]!;
    interpolatedPrecision(tpAt, fpAt, 0, n, p, recThrs, env, rc, pBase, k, K);
    interpolatedPrecision(tpAt, fpBoth, 0, n, p, recThrs, env, rc, pBoth, k, K);
    interpolatedPrecision(tpAt, fpDupe, 0, n, p, recThrs, env, rc, pDupe, k, K);
    interpolatedPrecision(tpAt, fpBkg, 0, n, p, recThrs, env, rc, pBkg, k, K);
    if (kept[k]! > 0) interpolatedPrecision(tpAt, fpAt, 0, n, kept[k]!, recThrs, env, rc, pMiss, k, K);
  }
  const [base, both, dupe, bkg, miss] = prec.map((x) => meanOfDefined(x)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  discard(tpAt, fpAt, fpBoth, fpDupe, fpBkg, env, rc, ...prec);
  return { base, both, dupe, bkg, miss };
}

/** Counts and dAP50 per error type: each type fixed alone, gain clamped at 0 as tidecv does. */
export function errorBreakdown(evaluation: CocoEvaluation, analysis: TideAnalysis): ErrorBreakdown {
  const r = removalAps(evaluation, analysis);
  const gain = (ap: number): number => Math.max(0, ap - r.base);
  const c = analysis.counts;
  return {
    cls: { count: c.cls, dAP50: gain(apWithFixes(evaluation, analysis, CLS)) },
    loc: { count: c.loc, dAP50: gain(apWithFixes(evaluation, analysis, LOC)) },
    both: { count: c.both, dAP50: gain(r.both) },
    dupe: { count: c.dupe, dAP50: gain(r.dupe) },
    bkg: { count: c.bkg, dAP50: gain(r.bkg) },
    miss: { count: c.miss, dAP50: gain(r.miss) },
  };
}
