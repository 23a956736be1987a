import { describe, expect, it } from 'vitest';
import { paretoFront } from './pareto.ts';

describe('paretoFront', () => {
  it('keeps the points no other point beats on both cost and value, cheapest first', () => {
    const front = paretoFront([
      { key: 'fast-weak', cost: 1, value: 0.2 },
      { key: 'dominated', cost: 5, value: 0.25 },
      { key: 'mid', cost: 4, value: 0.4 },
      { key: 'slow-strong', cost: 20, value: 0.5 },
      { key: 'slow-weak', cost: 30, value: 0.45 },
    ]);
    expect(front).toEqual(['fast-weak', 'mid', 'slow-strong']);
  });

  it('keeps only the better of two equally cheap points, and drops an equal-value costlier one', () => {
    expect(
      paretoFront([
        { key: 'a', cost: 2, value: 0.3 },
        { key: 'b', cost: 2, value: 0.35 },
        { key: 'c', cost: 3, value: 0.35 },
      ]),
    ).toEqual(['b']);
  });

  it('ignores non-finite points and handles an empty input', () => {
    expect(paretoFront([])).toEqual([]);
    expect(
      paretoFront([
        { key: 'x', cost: Number.NaN, value: 1 },
        { key: 'y', cost: 1, value: 0.1 },
      ]),
    ).toEqual(['y']);
  });
});
