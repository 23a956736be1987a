import { describe, expect, it } from 'vitest';
import type { CocoJson, DetJson } from '../../../../tests/support/eval-cases.ts';
import { dtOf, evaluateJson, gtOf, readParity } from '../../../../tests/support/eval-cases.ts';
import { IGNORE_SHIFT } from '../match.ts';
import type { ScoredOutcomes } from './confidence.ts';
import { confidenceSweep, countsAtConfidence, optimalConfidence, scoredOutcomes } from './confidence.ts';
import { outcomes } from './outcomes.ts';

function sweepOf(gt: CocoJson, dt: DetJson[]) {
  const ev = evaluateJson(gt, dt);
  const K = ev.gt.categoryIds.length;
  const perClass = Array.from({ length: K }, (_, k) => ev.matches.npig[k * ev.matches.A]!);
  const status = outcomes(ev.matches, 0, 0);
  const scored = scoredOutcomes(
    ev.matches,
    ev.accumulated.byScore,
    status,
    perClass.reduce((a, b) => a + b, 0),
  );
  return { ev, status, perClass, scored, sweep: confidenceSweep(scored) };
}

/** TP / FP at IoU .50, area all, counted straight from the matching flags. */
function countFlags(gt: CocoJson, dt: DetJson[]): { tp: number; fp: number; positives: number } {
  const ev = evaluateJson(gt, dt);
  const { flags, A, npig } = ev.matches;
  let tp = 0;
  let fp = 0;
  for (let e = 0; e < ev.matches.length; e++) {
    const f = flags[e * A]!;
    if (f & (1 << IGNORE_SHIFT)) continue;
    if (f & 1) tp++;
    else fp++;
  }
  let positives = 0;
  for (let k = 0; k < ev.gt.categoryIds.length; k++) positives += npig[k * A]!;
  return { tp, fp, positives };
}

describe('confidence sweep', () => {
  // Class 1: three GT and a crowd region. Detections: TP .9, FP .8, one inside the crowd .7
  // (ignored), TP .6, FP .3.
  const gt = gtOf(
    2,
    [1],
    [
      [1, 1, 0, 0, 100, 100],
      [1, 1, 300, 300, 100, 100],
      [2, 1, 0, 0, 100, 100],
      [2, 1, 500, 500, 300, 300, 1],
    ],
  );
  const dt = dtOf([
    [1, 1, 0, 0, 100, 100, 0.9],
    [1, 1, 700, 700, 50, 50, 0.8],
    [2, 1, 600, 600, 50, 50, 0.7],
    [1, 1, 300, 300, 100, 100, 0.6],
    [2, 1, 900, 0, 50, 50, 0.3],
  ]);

  it('finds the hand-computed optimum (ignored detections count as neither TP nor FP)', () => {
    const { sweep } = sweepOf(gt, dt);
    // F1 = 2TP / (TP + FP + 3): .9 → 2/4, .8 → 2/5, .6 → 4/6, .3 → 4/7.
    expect(sweep.optimal.confidence).toBe(0.6);
    expect(sweep.optimal.precision).toBeCloseTo(2 / 3, 15);
    expect(sweep.optimal.recall).toBeCloseTo(2 / 3, 15);
    expect(sweep.optimal.f1).toBeCloseTo(2 / 3, 15);
  });

  it('reports the grid 0 … .99 (plus the optimum when off the grid) with hand-computed values', () => {
    const { sweep } = sweepOf(gt, dt);
    // 0.6 is on the grid, so exactly the 100 grid points.
    expect(sweep.points.map((p) => p.conf)).toEqual(Array.from({ length: 100 }, (_, i) => i / 100));
    const at = (c: number) => sweep.points.find((p) => p.conf === c)!;
    expect(at(0)).toEqual({ conf: 0, precision: 0.5, recall: 2 / 3, f1: 4 / 7 });
    expect(at(0.5)).toEqual({ conf: 0.5, precision: 2 / 3, recall: 2 / 3, f1: 4 / 6 });
    expect(at(0.75)).toEqual({ conf: 0.75, precision: 0.5, recall: 1 / 3, f1: 2 / 5 });
    // Nothing kept: precision 1 by convention, recall and F1 0.
    expect(at(0.95)).toEqual({ conf: 0.95, precision: 1, recall: 0, f1: 0 });
  });

  it('adds an off-grid optimum in order', () => {
    const { sweep } = sweepOf(
      gt,
      dt.map((d) => ({ ...d, score: d.score === 0.6 ? 0.6123 : d.score })),
    );
    expect(sweep.optimal.confidence).toBe(0.6123);
    expect(sweep.points).toHaveLength(101);
    const i = sweep.points.findIndex((p) => p.conf === 0.6123);
    expect(sweep.points[i - 1]!.conf).toBe(0.61);
    expect(sweep.points[i + 1]!.conf).toBe(0.62);
  });

  it('breaks F1 ties toward the higher confidence', () => {
    // Two GT; TP .9, FP .8, FP .7, TP .6: F1 at .9 is 2/3, at .6 is 4/6: equal.
    const g = gtOf(
      2,
      [1],
      [
        [1, 1, 0, 0, 100, 100],
        [2, 1, 0, 0, 100, 100],
      ],
    );
    const d = dtOf([
      [1, 1, 0, 0, 100, 100, 0.9],
      [1, 1, 500, 500, 10, 10, 0.8],
      [2, 1, 500, 500, 10, 10, 0.7],
      [2, 1, 0, 0, 100, 100, 0.6],
    ]);
    const { sweep } = sweepOf(g, d);
    expect(sweep.optimal.confidence).toBe(0.9);
    expect(sweep.optimal.f1).toBe(2 / 3);
  });

  it('handles no detections and no GT', () => {
    const none: ScoredOutcomes = { scores: new Float64Array(), cumTp: new Int32Array(1), positives: 0 };
    expect(optimalConfidence(none)).toEqual({ confidence: 0, precision: 1, recall: 0, f1: 0 });
    const onlyFp: ScoredOutcomes = {
      scores: Float64Array.of(0.5, 0.2),
      cumTp: new Int32Array(3),
      positives: 0,
    };
    // F1 is 0 everywhere: the highest score wins the tie.
    expect(optimalConfidence(onlyFp)).toEqual({ confidence: 0.5, precision: 0, recall: 0, f1: 0 });
  });

  for (const name of ['mixed', 'crowd', 'maxdets', 'tie-order', 'empty-images']) {
    it(`${name}: filtering matches by score equals re-evaluating the filtered detections`, () => {
      const { gt: g, dt: d } = readParity(name);
      const { sweep } = sweepOf(g, d);
      const checked = sweep.points.filter(
        (_, i) => i % 5 === 0 || sweep.points[i]!.conf === sweep.optimal.confidence,
      );
      for (const p of checked) {
        const { tp, fp, positives } = countFlags(
          g,
          d.filter((x) => x.score >= p.conf),
        );
        expect(p.recall, `${name} recall at ${p.conf}`).toBe(tp / positives);
        expect(p.precision, `${name} precision at ${p.conf}`).toBe(tp + fp === 0 ? 1 : tp / (tp + fp));
      }
    });

    it(`${name}: the optimum is the best F1 over every distinct score (brute force)`, () => {
      const { gt: g, dt: d } = readParity(name);
      const { ev, status, sweep, scored } = sweepOf(g, d);
      const scores = [...new Set(Array.from(ev.matches.score))].sort((a, b) => b - a);
      let best = { f1: -1, conf: 0 };
      for (const s of scores) {
        let tp = 0;
        let fp = 0;
        for (let e = 0; e < ev.matches.length; e++) {
          if (ev.matches.score[e]! < s) continue;
          if (status[e] === 0) tp++;
          else if (status[e] === 1) fp++;
        }
        const f1 = tp === 0 ? 0 : (2 * tp) / (tp + fp + scored.positives);
        if (f1 > best.f1) best = { f1, conf: s };
      }
      expect(sweep.optimal.f1).toBe(best.f1);
      expect(sweep.optimal.confidence).toBe(best.conf);
    });
  }

  it('per-class counts add up to the optimum and match a direct count', () => {
    const { gt: g, dt: d } = readParity('mixed');
    const { ev, status, perClass, sweep, scored } = sweepOf(g, d);
    const c = sweep.optimal.confidence;
    const counts = countsAtConfidence(ev.matches, status, perClass, c);
    const sum = (a: Int32Array) => a.reduce((x, y) => x + y, 0);
    expect(sum(counts.tp) / scored.positives).toBeCloseTo(sweep.optimal.recall, 14);
    expect(sum(counts.tp) / (sum(counts.tp) + sum(counts.fp))).toBeCloseTo(sweep.optimal.precision, 14);
    for (let k = 0; k < perClass.length; k++) {
      const catId = ev.gt.categoryIds[k]!;
      const { tp, fp, positives } = countFlags(
        { ...g, annotations: g.annotations.filter((a) => a.category_id === catId) },
        d.filter((x) => x.category_id === catId && x.score >= c),
      );
      expect([counts.tp[k], counts.fp[k], counts.fn[k]]).toEqual([tp, fp, positives - tp]);
    }
  });
});
