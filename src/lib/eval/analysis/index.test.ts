import { describe, expect, it } from 'vitest';
import {
  dtOf,
  evaluateJson,
  evaluateParity,
  gtOf,
  parityCases,
} from '../../../../tests/support/eval-cases.ts';
import {
  ConfusionSchema,
  ErrorBreakdownSchema,
  F1Schema,
  MetricsSchema,
  OptimalSchema,
  PerClassSchema,
  UncertaintySchema,
} from '../../schema/metrics.ts';
import { analyze } from './index.ts';

describe('analyze', () => {
  for (const name of parityCases()) {
    it(`${name}: every field fits the metric schema and agrees with the others`, () => {
      const ev = evaluateParity(name);
      const a = analyze(ev, { bootstrap: { resamples: 200, seed: 1 } });
      MetricsSchema.shape.curves.parse(a.curves);
      OptimalSchema.parse(a.optimal);
      ConfusionSchema.parse(a.confusion);
      F1Schema.parse(a.f1);
      ErrorBreakdownSchema.parse(a.errors);
      UncertaintySchema.parse(a.uncertainty);
      const K = ev.gt.categoryIds.length;
      expect(a.perClassCounts).toHaveLength(K);
      a.perClassCounts.forEach((c, k) => {
        PerClassSchema.pick({ id: true, tp: true, fp: true, fn: true, confused: true }).parse(c);
        expect(c.id).toBe(ev.gt.categoryIds[k]);
        expect(a.confusion.matrix[k]![k]).toBe(c.tp);
      });
      expect(a.confusion.confidence).toBe(a.optimal.confidence);
      expect(a.f1.f1_50).toBe(a.optimal.f1);
      expect(a.curves.confidence.some((p) => p.conf === a.optimal.confidence && p.f1 === a.optimal.f1)).toBe(
        true,
      );
      expect(a.uncertainty.seed).toBe(1);
    });
  }

  it('handles a dataset without GT boxes, and one without categories', () => {
    const ev = evaluateJson(gtOf(2, [1], []), dtOf([[1, 1, 0, 0, 10, 10, 0.7]]));
    const a = analyze(ev);
    expect(a.optimal).toEqual({ confidence: 0.7, precision: 0, recall: 0, f1: 0 });
    expect(a.f1).toEqual({ f1_50: 0, f1_75: 0, small: null, medium: null, large: null });
    expect(a.uncertainty.AP).toEqual({ mean: 0, lo: 0, hi: 0, std: 0 });
    expect(a.errors.bkg).toEqual({ count: 1, dAP50: 0 });
    expect(a.confusion.matrix).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(a.curves.pr.iou50).toEqual(new Array(101).fill(-1));
    const empty = analyze(evaluateJson(gtOf(1, [], []), []));
    expect(empty.confusion.matrix).toEqual([[0]]);
    expect(empty.perClassCounts).toEqual([]);
    UncertaintySchema.parse(empty.uncertainty);
  });
});
