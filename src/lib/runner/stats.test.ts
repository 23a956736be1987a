import { describe, expect, it } from 'vitest';
import { percentile, summarise } from './stats.ts';

describe('timing stats', () => {
  it('interpolates percentiles like numpy.percentile', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [50, 90, 99]) → [3.0, 7.6, 9.76]
    const s = summarise([10, 3, 1, 4, 2]);
    expect(s.p50).toBe(3);
    expect(s.p90).toBeCloseTo(7.6, 12);
    expect(s.p99).toBeCloseTo(9.76, 12);
    expect(s).toMatchObject({ count: 5, mean: 4, min: 1, max: 10 });
    expect(percentile([7], 99)).toBe(7);
    expect(summarise([]).count).toBe(0);
  });
});
