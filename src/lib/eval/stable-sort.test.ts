import { describe, expect, it } from 'vitest';
import { countingSortBy, insertionSortByScoreDesc, sortByPair, sortByScoreDesc } from './stable-sort.ts';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sortByScoreDesc', () => {
  it('matches a stable comparator sort, ties in input order, on scores with many ties', () => {
    const rand = lcg(7);
    const n = 5000;
    const score = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rand();
      // a mix of rounded (tied), tiny, negative, zero and full-precision values
      score[i] =
        r < 0.3
          ? Math.round(rand() * 10) / 10
          : r < 0.4
            ? -rand() * 1e-300
            : r < 0.45
              ? 0
              : r < 0.5
                ? -0
                : rand() * 1e6 - 5e5;
    }
    const order = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation
    const expected = Array.from(order).sort((a, b) => score[b]! - score[a]!); // Array sort is stable
    expect(Array.from(sortByScoreDesc(order, score))).toEqual(expected);
  });

  it('treats -0 and 0 as equal, keeping input order', () => {
    const score = Float64Array.from([0, -0, 0.5, -0, 0]);
    expect(Array.from(sortByScoreDesc(Int32Array.from([0, 1, 2, 3, 4]), score))).toEqual([2, 0, 1, 3, 4]);
  });
});

describe('insertionSortByScoreDesc', () => {
  it('sorts a slice stably by descending score, small and large', () => {
    const rand = lcg(3);
    for (const n of [1, 7, 100, 300]) {
      const score = Float64Array.from({ length: n + 4 }, () => Math.round(rand() * 20) / 20);
      const order = Int32Array.from({ length: n + 4 }, (_, i) => i);
      insertionSortByScoreDesc(order, 2, n + 2, score);
      const expected = [
        0,
        1,
        ...Array.from({ length: n }, (_, i) => i + 2).sort((a, b) => score[b]! - score[a]!),
        n + 2,
        n + 3,
      ];
      expect(Array.from(order)).toEqual(expected);
    }
  });
});

describe('countingSortBy', () => {
  it('groups by key and keeps the input order inside a group', () => {
    const key = Int32Array.from([2, 0, 1, 0, 2, 1]);
    expect(Array.from(countingSortBy(Int32Array.from([5, 4, 3, 2, 1, 0]), key, 3))).toEqual([
      3, 1, 5, 2, 4, 0,
    ]);
  });
});

describe('sortByPair', () => {
  it('orders by (major, minor), index order breaking ties, with the pair table and without it', () => {
    const random = lcg(4);
    for (const [n, majorRange, minorRange] of [
      [3000, 50, 7],
      [3000, 2000, 1000], // 2M pairs: one pass per key
    ] as const) {
      const major = Int32Array.from({ length: n }, () => Math.floor(random() * majorRange));
      const minor = Int32Array.from({ length: n }, () => Math.floor(random() * minorRange));
      const expected = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => major[a]! - major[b]! || minor[a]! - minor[b]! || a - b,
      );
      expect(Array.from(sortByPair(major, majorRange, minor, minorRange))).toEqual(expected);
    }
  });
});
