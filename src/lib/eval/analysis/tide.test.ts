import { describe, expect, it } from 'vitest';
import {
  dtOf,
  evaluateJson,
  evaluateParity,
  gtOf,
  parityCases,
  referenceAp,
  referenceMeanAp,
} from '../../../../tests/support/eval-cases.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { countedGt, groupGtByImage } from './gt-by-image.ts';
import { FP, outcomes } from './outcomes.ts';
import { ALL_ERRORS, BKG, BOTH, CLS, classifyErrors, DUPE, LOC, MISS } from './tide.ts';
import { apWithFixes, errorBreakdown, removalAps } from './tide-fixes.ts';

function analyse(ev: CocoEvaluation) {
  const counted = countedGt(ev.gt, ev.params, 0);
  return classifyErrors(ev, outcomes(ev.matches, 0, 0), 0, groupGtByImage(ev.gt, counted), counted);
}

type Seq = [number, boolean][];
const ap = (seq: Seq, npig: number) =>
  referenceAp(
    seq.map(([score, tp]) => ({ score, tp })),
    npig,
  );
const mAp = (...classes: [Seq, number][]) => referenceMeanAp(classes.map(([s, n]) => ap(s, n)));

describe('TIDE error breakdown', () => {
  // Classes A=1, B=2; one error of each kind, by image.
  const gt = gtOf(
    8,
    [1, 2],
    [
      [1, 1, 0, 0, 100, 100],
      [2, 1, 0, 0, 100, 100],
      [3, 2, 0, 0, 100, 100],
      [4, 2, 0, 0, 100, 100],
      [5, 1, 0, 0, 10, 10],
      [6, 1, 0, 0, 100, 100],
      [8, 1, 0, 0, 100, 100],
    ],
  );
  const dt = dtOf([
    [1, 1, 0, 0, 100, 100, 0.9], // TP
    [1, 1, 0, 0, 100, 100, 0.8], // dupe: IoU 1 with the GT the TP took
    [2, 1, 50, 0, 100, 100, 0.7], // loc: IoU 1/3 with its own class
    [3, 1, 0, 0, 100, 100, 0.6], // cls: IoU 1 with a B
    [4, 1, 50, 0, 100, 100, 0.5], // both: IoU 1/3 with a B
    [5, 1, 500, 500, 10, 10, 0.4], // bkg: overlaps nothing
    [7, 1, 0, 0, 10, 10, 0.3], // bkg: image without GT
    [8, 1, 0, 0, 100, 100, 0.25], // TP
  ]);
  const ev = evaluateJson(gt, dt);
  const analysis = analyse(ev);

  it('classifies each false positive and counts misses (GT that no error points at)', () => {
    // Misses: image 4's B (only a "both" error overlaps it), image 5's A, image 6's A.
    expect(analysis.counts).toEqual({ cls: 1, loc: 1, both: 1, dupe: 1, bkg: 2, miss: 3 });
    const byScore = new Map<number, number>();
    for (let e = 0; e < ev.matches.length; e++) byScore.set(ev.matches.score[e]!, analysis.errorType[e]!);
    expect([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25].map((s) => byScore.get(s))).toEqual([
      0,
      DUPE,
      LOC,
      CLS,
      BOTH,
      BKG,
      BKG,
      0,
    ]);
  });

  it('recomputes AP50 with each oracle fix as TIDE defines it (reference AP on hand-fixed lists)', () => {
    const A: Seq = [
      [0.9, true],
      [0.8, false],
      [0.7, false],
      [0.6, false],
      [0.5, false],
      [0.4, false],
      [0.3, false],
      [0.25, true],
    ];
    const without = (...scores: number[]) => A.filter(([s]) => !scores.includes(s));
    const base = mAp([A, 5], [[], 2]);
    expect(apWithFixes(ev, analysis, 0)).toBe(ev.summary.stats.AP50);
    expect(apWithFixes(ev, analysis, 0)).toBeCloseTo(base, 12);
    const fixed = {
      cls: mAp([without(0.6), 5], [[[0.6, true]], 2]),
      loc: mAp([A.map(([s, tp]): [number, boolean] => [s, tp || s === 0.7]), 5], [[], 2]),
      both: mAp([without(0.5), 5], [[], 2]),
      dupe: mAp([without(0.8), 5], [[], 2]),
      bkg: mAp([without(0.4, 0.3), 5], [[], 2]),
      miss: mAp([A, 3], [[], 1]),
    };
    const breakdown = errorBreakdown(ev, analysis);
    for (const [kind, value] of Object.entries(fixed)) {
      const got = breakdown[kind as keyof typeof breakdown].dAP50;
      expect(got, kind).toBeCloseTo(Math.max(0, value - base), 12);
    }
    // The dupe sits between the first TP and the last: removing it raises precision there.
    expect(breakdown.dupe.dAP50).toBeGreaterThan(0);
  });

  it('reaches AP50 = 1 with every error fixed', () => {
    expect(apWithFixes(ev, analysis, ALL_ERRORS)).toBeCloseTo(1, 12);
  });

  it('fixes one error per GT: the highest-scoring cls/loc error wins, errors on matched GT are removed', () => {
    const g = gtOf(
      3,
      [1, 2],
      [
        [1, 1, 0, 0, 100, 100],
        [2, 1, 0, 0, 100, 100],
        [3, 2, 0, 0, 50, 50],
      ],
    );
    const d = dtOf([
      [1, 1, 50, 0, 100, 100, 0.9], // loc on image 1's A
      [1, 1, 0, 50, 100, 100, 0.8], // loc on the same GT
      [1, 2, 0, 0, 100, 100, 0.7], // cls on the same GT
      [2, 1, 0, 0, 100, 100, 0.95], // TP
      [2, 2, 0, 0, 100, 100, 0.6], // cls on a GT already matched
      [3, 2, 0, 0, 50, 50, 0.5], // TP
    ]);
    const e = evaluateJson(g, d);
    const a = analyse(e);
    expect(a.counts).toEqual({ cls: 2, loc: 2, both: 0, dupe: 0, bkg: 0, miss: 0 });
    const A: Seq = [
      [0.95, true],
      [0.9, false],
      [0.8, false],
    ];
    const B: Seq = [
      [0.7, false],
      [0.6, false],
      [0.5, true],
    ];
    expect(apWithFixes(e, a, 0)).toBeCloseTo(mAp([A, 2], [B, 1]), 12);
    // loc: the .9 becomes the TP, the .8 is a duplicate now and goes.
    expect(apWithFixes(e, a, LOC)).toBeCloseTo(
      mAp(
        [
          [
            [0.95, true],
            [0.9, true],
          ],
          2,
        ],
        [B, 1],
      ),
      12,
    );
    // cls: the .7 moves to A as a TP; the .6 pointed at a matched GT and goes.
    expect(apWithFixes(e, a, CLS)).toBeCloseTo(mAp([[...A, [0.7, true]], 2], [[[0.5, true]], 1]), 12);
    // Both kinds fixed: one TP for the GT, the best of all (.9); the .8 and .7 go.
    expect(apWithFixes(e, a, CLS | LOC)).toBeCloseTo(1, 12);
  });

  for (const name of parityCases()) {
    it(`${name}: unfixed AP50 is pycocotools' exactly, all fixed is 1, counts cover every FP`, () => {
      const e = evaluateParity(name);
      const a = analyse(e);
      expect(apWithFixes(e, a, 0)).toBe(e.summary.stats.AP50);
      const all = apWithFixes(e, a, ALL_ERRORS);
      let counted = 0;
      for (let k = 0; k < e.gt.categoryIds.length; k++) counted += e.matches.npig[k * e.matches.A]!;
      // With every GT missed (no detections at all), the miss fix leaves no GT: AP undefined.
      if (counted === a.counts.miss) expect(all).toBe(-1);
      else expect(all).toBeCloseTo(1, 12);
      let fps = 0;
      for (let i = 0; i < e.matches.length; i++) if (a.status[i] === FP) fps++;
      const c = a.counts;
      expect(c.cls + c.loc + c.both + c.dupe + c.bkg).toBe(fps);
      for (const v of Object.values(errorBreakdown(e, a))) expect(v.dAP50).toBeGreaterThanOrEqual(0);
      expect(MISS).toBe(32);
      // The one-pass removal fixes give apWithFixes' bits.
      const r = removalAps(e, a);
      expect([r.base, r.both, r.dupe, r.bkg, r.miss]).toEqual(
        [0, BOTH, DUPE, BKG, MISS].map((fix) => apWithFixes(e, a, fix)),
      );
    });
  }
});
