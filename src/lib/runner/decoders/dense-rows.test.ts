/**
 * NanoDet's class-score side through the dense-rows kernel and through the JavaScript it
 * replaces: the same candidates, bit for bit, on scores with ties, ±0, negatives, infinities,
 * NaN and values at conf's float32 neighbours, for class counts that are and are not a multiple
 * of the kernel's four lanes, and a level with more cells than are decoded (nms_pre).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../util/prng.ts';
import { useDenseRowsKernel } from './dense-rows.ts';
import { getDecoder } from './index.ts';
import type { Candidates } from './types.ts';

afterEach(() => useDenseRowsKernel(true));

const S = 320; // stride 8: 1,600 cells, more than the 1,000 decoded; stride 16: 400

function outputs(nc: number, seed: number, conf: number) {
  const r = mulberry32(seed);
  const near = Math.fround(conf); // scores at conf's float32 and its neighbours
  const special = [Number.NaN, -0, 0, -0.25, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const level = (cells: number) => {
    const cls = Float32Array.from({ length: cells * nc }, () => {
      const x = r();
      if (x < 0.03) return special[Math.floor(r() * special.length)]!;
      if (x < 0.1) return near * (1 + (Math.floor(r() * 5) - 2) * 2 ** -23); // around conf, to the ulp
      return x < 0.3 ? Math.round(r() * 16) / 16 : r() ** 3; // ties, and spread scores
    });
    const dist = Float32Array.from({ length: cells * 32 }, () => (r() - 0.5) * 8);
    return { cls, dist };
  };
  const l8 = level((S / 8) ** 2);
  const l16 = level((S / 16) ** 2);
  const specs = [
    { name: 'c8', dims: [1, (S / 8) ** 2, nc] },
    { name: 'd8', dims: [1, (S / 8) ** 2, 32] },
    { name: 'c16', dims: [1, (S / 16) ** 2, nc] },
    { name: 'd16', dims: [1, (S / 16) ** 2, 32] },
  ];
  const data = [l8.cls, l8.dist, l16.cls, l16.dist];
  const results = Object.fromEntries(specs.map((o, k) => [o.name, { ...o, data: data[k]! }]));
  return { specs, results };
}

/** Everything a finalize reads of dense candidates, NaN payloads aside. */
function snapshot(c: Candidates) {
  const bits = (a: Float32Array) =>
    Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v));
  return {
    boxes: bits(c.boxes),
    scores: bits(c.scores),
    max: bits(c.rowStats!.max),
    count: Array.from(c.rowStats!.count as Int32Array),
  };
}

describe('the dense-rows kernel', () => {
  it('gives NanoDet the candidates its JavaScript gives', () => {
    let compared = 0;
    for (const nc of [80, 7]) {
      for (const [seed, conf] of [
        [1, 0.001],
        [2, 0.25],
        [3, 0],
        [4, 0.3],
        [5, Number.NEGATIVE_INFINITY],
        [6, 1e-45],
      ] as const) {
        const { specs, results } = outputs(nc, seed, conf);
        const bound = getDecoder('nanodet').bind(specs, { numClasses: nc });
        const ctx = { inputWidth: S, inputHeight: S, conf, maxDet: 100, multiLabel: true };
        useDenseRowsKernel(true);
        const kernel = bound.decode(results, ctx)[0]!;
        const viaKernel = snapshot(kernel);
        useDenseRowsKernel(false);
        const viaJs = snapshot(bound.decode(results, ctx)[0]!);
        expect(kernel.rowStats).toBeDefined();
        // Rows: cells whose best score passes conf (a NaN best does not), 1,000 at most per level.
        expect(viaKernel.count.length).toBeGreaterThan(300);
        expect(viaKernel.count.length).toBeLessThanOrEqual(1000 + (S / 16) ** 2);
        expect(viaKernel).toEqual(viaJs);
        compared += viaKernel.count.length;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});
