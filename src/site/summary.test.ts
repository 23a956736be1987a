import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../tests/support/site-fixtures.ts';
import { reportedPercent, summarise } from './summary.ts';

describe('summary', () => {
  it('reads reported AP as percent whether written as a fraction or in percent', () => {
    expect(reportedPercent(37.3)).toBe(37.3);
    expect(reportedPercent(0.373)).toBeCloseTo(37.3);
    expect(reportedPercent(null)).toBeNull();
    expect(reportedPercent(0)).toBeNull();
  });

  it('keeps what the board needs and drops the heavy parts', () => {
    const m = boardMetrics(2);
    const s = summarise(m, 'results/fake-coco/x.json');
    expect(s.coco).toEqual(m.coco);
    expect(s.apLo).toBe(m.uncertainty.AP.lo);
    expect(s.speed.p50Ms).toBe(m.speed.inferenceMs.p50);
    expect(s.perClass).toHaveLength(m.perClass.length);
    expect(s.runs).toBe(m.history.length + 1);
    expect(JSON.stringify(s).length).toBeLessThan(JSON.stringify(m).length / 5);
  });
});
