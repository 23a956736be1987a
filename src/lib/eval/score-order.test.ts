import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/prng.ts';
import { mergeOrder } from './accumulate.ts';
import type { Matches } from './match.ts';
import { scoreOrderKernel, useScoreOrderKernel } from './score-order.ts';

afterEach(() => useScoreOrderKernel(true));

/** mergeOrder through the JavaScript, on just the fields it reads. */
function viaJavaScript(score: Float64Array, catStart: Int32Array) {
  useScoreOrderKernel(false);
  try {
    return mergeOrder({ score, catStart, length: score.length } as unknown as Matches);
  } finally {
    useScoreOrderKernel(true);
  }
}

describe('mergeOrder through the WebAssembly kernel', () => {
  const random = mulberry32(9);
  const cases: [string, number, number, () => number][] = [
    [
      'few distinct scores (ties everywhere)',
      5000,
      7,
      () => [0.5, 0.25, -0, 0, 1, 0.75][Math.floor(random() * 6)]!,
    ],
    ['three decimals', 70_000, 80, () => Math.round(random() * 1000) / 1000],
    [
      'full-precision scores, negatives and logits',
      200_000,
      13,
      () => (random() - 0.3) * 10 ** Math.floor(random() * 6),
    ],
    ['one class, one score', 3000, 1, () => 0.5],
    ['nothing', 0, 4, () => 0],
  ];
  for (const [name, E, K, draw] of cases) {
    it(`${name}: the same byScore and order as the JavaScript`, () => {
      const score = Float64Array.from({ length: E }, draw);
      const catStart = Int32Array.from({ length: K + 1 }, (_, k) => Math.floor((k * E) / K));
      const got = scoreOrderKernel(score, catStart);
      expect(got).not.toBeNull();
      const want = viaJavaScript(score, catStart);
      expect(Array.from(got!.byScore)).toEqual(Array.from(want.byScore));
      expect(Array.from(got!.order)).toEqual(Array.from(want.order));
    });
  }
});
