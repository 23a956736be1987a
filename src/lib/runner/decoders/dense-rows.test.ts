/**
 * NanoDet's and FastestDet's class-score sides through the dense-rows kernel and through the
 * JavaScript it replaces: the same candidates, bit for bit, on scores with ties, ±0, negatives,
 * infinities, NaN and values at conf's float32 neighbours, for class and cell counts that are
 * and are not a multiple of the kernel's four lanes, and (NanoDet) a level with more cells than
 * are decoded (nms_pre).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../util/prng.ts';
import { useDenseRowsKernel } from './dense-rows.ts';
import { getDecoder } from './index.ts';
import type { Candidates } from './types.ts';

afterEach(() => useDenseRowsKernel(true));

const S = 320; // stride 8: 1,600 cells, more than the 1,000 decoded; stride 16: 400

const special = [Number.NaN, -0, 0, -0.25, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** `n` hostile scores: specials (`rare` of them), conf's float32 neighbours, ties, spread. */
function hostileScores(r: () => number, n: number, conf: number, rare = 0.03): Float32Array {
  const near = Math.fround(conf);
  return Float32Array.from({ length: n }, () => {
    const x = r();
    if (x < rare) return special[Math.floor(r() * special.length)]!;
    if (x < rare + 0.07) return near * (1 + (Math.floor(r() * 5) - 2) * 2 ** -23); // around conf, to the ulp
    return x < rare + 0.27 ? Math.round(r() * 16) / 16 : r() ** 3; // ties, and spread scores
  });
}

function outputs(nc: number, seed: number, conf: number) {
  const r = mulberry32(seed);
  const level = (cells: number) => {
    const cls = hostileScores(r, cells * nc, conf);
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
    count: Array.from(c.rowStats!.max, (_, row) => {
      const count = c.rowStats!.count;
      return typeof count === 'function' ? count(row) : count[row]!;
    }),
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

  it('gives FastestDet the candidates its JavaScript gives', () => {
    let compared = 0;
    // 21 × 23 cells: not a multiple of four. Specials are rarer here, as one -Infinity among a
    // cell's classes makes its bound +Infinity (the kernel's other branch, also covered).
    for (const [nc, gh, gw] of [
      [80, 22, 22],
      [7, 21, 23],
    ] as const) {
      for (const [seed, conf] of [
        [11, 0.001],
        [12, 0.25],
        [13, 0],
        [14, 1e-45],
      ] as const) {
        const r = mulberry32(seed);
        const plane = gh * gw;
        const data = new Float32Array((5 + nc) * plane);
        data.set(hostileScores(r, plane, conf, 0.01)); // objectness
        for (let k = plane; k < 5 * plane; k++) data[k] = (r() - 0.5) * 6; // offsets and sizes
        data.set(hostileScores(r, nc * plane, conf, 0.002), 5 * plane);
        const spec = { name: 'out', dims: [1, 5 + nc, gh, gw] };
        const bound = getDecoder('fastestdet').bind([spec], { numClasses: nc });
        const results = { out: { ...spec, data } };
        const ctx = { inputWidth: 352, inputHeight: 352, conf, maxDet: 100, multiLabel: true };
        const fillAll = (c: Candidates) => {
          for (let row = 0; row < c.rowStats!.max.length; row++) c.fillRow?.(row);
          return c;
        };
        useDenseRowsKernel(true);
        const viaKernel = snapshot(fillAll(bound.decode(results, ctx)[0]!));
        useDenseRowsKernel(false);
        const viaJs = snapshot(fillAll(bound.decode(results, ctx)[0]!));
        expect(viaKernel.max.length).toBeGreaterThan(plane / 3);
        expect(viaKernel.max).toContain(Number.POSITIVE_INFINITY);
        expect(viaKernel).toEqual(viaJs);
        compared += viaKernel.max.length;
      }
    }
    expect(compared).toBeGreaterThan(2_000);
  });
});
