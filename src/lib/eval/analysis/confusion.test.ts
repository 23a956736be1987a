import { describe, expect, it } from 'vitest';
import {
  dtOf,
  evaluateJson,
  evaluateParity,
  gtOf,
  parityCases,
} from '../../../../tests/support/eval-cases.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { confidenceSweep, countsAtConfidence, scoredOutcomes } from './confidence.ts';
import { confusionMatrix } from './confusion.ts';
import { countedGt, groupGtByImage } from './gt-by-image.ts';
import { outcomes } from './outcomes.ts';

function confusionAt(ev: CocoEvaluation, conf: number) {
  return confusionMatrix(
    ev,
    outcomes(ev.matches, 0, 0),
    0,
    conf,
    groupGtByImage(ev.gt),
    countedGt(ev.gt, ev.params, 0),
  );
}

describe('confusion matrix', () => {
  // Classes A=1, B=2, C=3.
  const gt = gtOf(
    5,
    [1, 2, 3],
    [
      [1, 1, 0, 0, 100, 100],
      [1, 2, 300, 300, 100, 100],
      [2, 3, 0, 0, 100, 100],
      [3, 1, 0, 0, 500, 500, 1],
      [3, 2, 600, 600, 100, 100],
      [4, 2, 0, 0, 100, 100],
      [5, 2, 0, 0, 100, 100],
      [5, 3, 0, 0, 100, 80],
    ],
  );
  const dt = dtOf([
    [1, 1, 0, 0, 100, 100, 0.9], // A on GT A: diagonal
    [1, 1, 300, 300, 100, 100, 0.8], // A on GT B: B predicted as A
    [1, 3, 0, 0, 100, 100, 0.7], // C on GT A, already matched: background row
    [2, 2, 800, 800, 50, 50, 0.6], // B on nothing: background row
    [3, 1, 10, 10, 50, 50, 0.5], // A inside an A crowd: ignored
    [3, 3, 600, 600, 100, 80, 0.4], // C on GT B (IoU .8): B predicted as C
    [4, 1, 0, 0, 100, 90, 0.3], // A on GT B, IoU .9 but lower score: loses, background row
    [4, 1, 0, 0, 100, 60, 0.35], // A on GT B, IoU .6, higher score: takes it
    [5, 1, 0, 0, 100, 85, 0.2], // IoU .85 with GT B, .94 with GT C: C predicted as A
  ]);
  const ev = evaluateJson(gt, dt);

  it('builds the hand-computed matrix at confidence 0', () => {
    const { confusion, confused } = confusionAt(ev, 0);
    expect(confusion.labels).toEqual(['c1', 'c2', 'c3', 'background']);
    expect(confusion.ids).toEqual([1, 2, 3, -1]);
    expect(confusion.iou).toBe(0.5);
    expect(confusion.confidence).toBe(0);
    expect(confusion.matrix).toEqual([
      [1, 0, 0, 0],
      [2, 0, 1, 1],
      [1, 0, 0, 1],
      [1, 1, 1, 0],
    ]);
    expect(confused).toEqual([
      [],
      [
        { id: 1, count: 2 },
        { id: 3, count: 1 },
      ],
      [{ id: 1, count: 1 }],
    ]);
  });

  it('keeps only detections at or above the confidence', () => {
    expect(confusionAt(ev, 0.7).confusion.matrix).toEqual([
      [1, 0, 0, 0],
      [1, 0, 0, 3],
      [0, 0, 0, 2],
      [0, 0, 1, 0],
    ]);
  });

  for (const name of parityCases()) {
    it(`${name}: rows sum to the class's GT, columns to its TP + FP, diagonal = TP`, () => {
      const e = evaluateParity(name);
      const K = e.gt.categoryIds.length;
      const status = outcomes(e.matches, 0, 0);
      const perClass = Array.from({ length: K }, (_, k) => e.matches.npig[k * e.matches.A]!);
      const conf = confidenceSweep(
        scoredOutcomes(
          e.matches,
          e.accumulated.byScore,
          status,
          perClass.reduce((a, b) => a + b, 0),
        ),
      ).optimal.confidence;
      const counts = countsAtConfidence(e.matches, status, perClass, conf);
      const { confusion, confused } = confusionAt(e, conf);
      const m = confusion.matrix;
      expect(m).toHaveLength(K + 1);
      expect(m[K]![K]).toBe(0);
      for (let k = 0; k < K; k++) {
        expect(m[k]!.reduce((a, b) => a + b, 0)).toBe(perClass[k]);
        expect(m.reduce((s, row) => s + row[k]!, 0)).toBe(counts.tp[k]! + counts.fp[k]!);
        expect(m[k]![k]).toBe(counts.tp[k]);
        const off = confused[k]!.reduce((s, c) => s + c.count, 0);
        expect(off + m[k]![K]!).toBe(counts.fn[k]);
        for (const c of confused[k]!) expect(m[k]![e.gt.categoryIds.indexOf(c.id)]).toBe(c.count);
      }
    });
  }
});
