import { describe, expect, it } from 'vitest';
import { boardMetrics } from '../../tests/support/site-fixtures.ts';
import {
  bestAndWorst,
  confusionChart,
  errorsChart,
  perClassChart,
  perClassCurves,
  timeline,
} from './model-charts.ts';

describe('model page charts', () => {
  const m = boardMetrics(5);

  it('highlights the best and worst classes by AP: three each of 80, one each of 5', () => {
    const few = bestAndWorst(boardMetrics(5, 1));
    expect([few.best.size, few.worst.size]).toEqual([1, 1]);
    const { best, worst } = bestAndWorst(m);
    const sorted = [...m.perClass].filter((c) => c.AP >= 0).sort((a, b) => b.AP - a.AP);
    expect([...best]).toEqual(sorted.slice(0, 3).map((c) => c.id));
    expect([...worst].sort()).toEqual(
      sorted
        .slice(-3)
        .map((c) => c.id)
        .sort(),
    );
    const svg = perClassChart(m).value;
    expect(svg.match(/class="bar-row best"/g)).toHaveLength(3);
    expect(svg.match(/class="bar-row worst"/g)).toHaveLength(3);
  });

  it('confusion matrix cells hold the counts of the matrix, one per non-zero entry', () => {
    const svg = confusionChart(m).value;
    const nonZero = m.confusion.matrix.flat().filter((n) => n > 0).length;
    expect(svg.match(/<rect class="cell/g)).toHaveLength(nonZero);
    const k = m.confusion.labels.length;
    const fp = m.confusion.matrix[k - 1]![0]!;
    expect(svg).toContain(`background (no object) → ${m.confusion.labels[0]}: ${fp.toLocaleString('en-US')}`);
  });

  it('error chart lists every error kind with its count', () => {
    const svg = errorsChart(m).value;
    for (const e of Object.values(m.errors)) expect(svg).toContain(`(${e.count.toLocaleString('en-US')})`);
  });

  it('per-class curves keep one entry per class, rounded', () => {
    const curves = perClassCurves(m);
    expect(curves).toHaveLength(m.perClass.length);
    expect(curves[0]!.a).toHaveLength(101);
    expect(curves[0]!.name).toBe(m.perClass.find((c) => c.id === curves[0]!.id)!.name);
  });

  it('timeline puts earlier runs before this one', () => {
    const withHistory = boardMetrics(0);
    expect(withHistory.history.length).toBeGreaterThan(0);
    const t = timeline(withHistory);
    expect(t).toHaveLength(withHistory.history.length + 1);
    expect(t.at(-1)!.current).toBe(true);
    expect(t.at(-1)!.AP).toBe(withHistory.coco.AP);
    expect(Date.parse(t[0]!.date)).toBeLessThan(Date.parse(t.at(-1)!.date));
  });
});
