import { describe, expect, it } from 'vitest';
import {
  dtOf,
  evaluateJson,
  evaluateParity,
  gtOf,
  parityCases,
} from '../../../../tests/support/eval-cases.ts';
import { confidenceSweep, scoredOutcomes } from './confidence.ts';
import { f1Scores } from './f1.ts';
import { outcomes } from './outcomes.ts';

describe('F1 by IoU and size', () => {
  // One small GT (10×10) and one large (200×200); no medium GT.
  const gt = gtOf(
    2,
    [1],
    [
      [1, 1, 0, 0, 10, 10],
      [2, 1, 0, 0, 200, 200],
    ],
  );
  const dt = dtOf([
    [1, 1, 0, 0, 10, 10, 0.9], // TP on the small GT (IoU 1)
    [1, 1, 500, 500, 10, 10, 0.8], // small FP
    [1, 1, 0, 500, 200, 200, 0.7], // large FP
    [2, 1, 0, 0, 200, 120, 0.6], // TP on the large GT at IoU .6 only
    [2, 1, 600, 0, 150, 150, 0.5], // large FP
  ]);
  const ev = evaluateJson(gt, dt);

  it('counts with pycocotools area semantics (hand-computed)', () => {
    // all @.5: TP 2, FP 3, GT 2 → 4/7; all @.75: TP 1, FP 4 → 2/7.
    // small: the large FPs are unmatched and outside the range, the large TP matches a GT
    // outside it: both ignored → TP 1, FP 1, GT 1 → 2/3.
    // large: the small TP matches an out-of-range GT and the small FP is out of range → TP 1,
    // FP 2, GT 1 → 2/4.
    expect(f1Scores(ev, 0)).toEqual({ f1_50: 4 / 7, f1_75: 2 / 7, small: 2 / 3, medium: null, large: 0.5 });
  });

  it('keeps only detections at or above the confidence', () => {
    expect(f1Scores(ev, 0.65)).toEqual({ f1_50: 2 / 5, f1_75: 2 / 5, small: 2 / 3, medium: null, large: 0 });
  });

  for (const name of parityCases()) {
    it(`${name}: F1 at IoU .50 at the optimum is the optimum's F1; sizes null only without GT`, () => {
      const e = evaluateParity(name);
      const K = e.gt.categoryIds.length;
      const A = e.matches.A;
      let positives = 0;
      for (let k = 0; k < K; k++) positives += e.matches.npig[k * A]!;
      const { optimal } = confidenceSweep(
        scoredOutcomes(e.matches, e.accumulated.byScore, outcomes(e.matches, 0, 0), positives),
      );
      const f1 = f1Scores(e, optimal.confidence);
      expect(f1.f1_50).toBe(optimal.f1);
      (['small', 'medium', 'large'] as const).forEach((size, i) => {
        let gtInRange = 0;
        for (let k = 0; k < K; k++) gtInRange += e.matches.npig[k * A + i + 1]!;
        expect(f1[size] === null).toBe(gtInRange === 0);
      });
    });
  }
});
