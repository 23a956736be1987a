import { afterEach, describe, expect, it } from 'vitest';
import { makeScaleCase } from '../../../tests/support/coco-scale-case.ts';
import type { CocoJson, DetJson } from '../../../tests/support/eval-cases.ts';
import { evaluateJson, parityCases, readParity } from '../../../tests/support/eval-cases.ts';
import { accumulate } from './accumulate.ts';
import { accumulateKernel, useAccumulateKernel } from './accumulate-kernel.ts';
import type { CocoGt, Detections } from './load.ts';
import { matchDetections } from './match.ts';
import type { EvalParams } from './params.ts';
import { COCO_PARAMS } from './params.ts';
import { kernelMemory, readyKernelMemory } from './wasm-module.ts';

afterEach(() => useAccumulateKernel(true));

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) expect([what, i, a[i]]).toEqual([what, i, b[i]]);
}

/** accumulate() through the kernel and through the JavaScript: the same precision and recall. */
function bothWays(gt: CocoGt, dt: Detections, params: EvalParams): void {
  const matches = matchDetections(gt, dt, params);
  const withKernel = accumulate(matches, params);
  useAccumulateKernel(false);
  const without = accumulate(matches, params);
  useAccumulateKernel(true);
  sameBits(withKernel.precision, without.precision, 'precision');
  sameBits(withKernel.recall, without.recall, 'recall');
  expect(Array.from(withKernel.order)).toEqual(Array.from(without.order));
}

function loaded(gt: CocoJson, dt: DetJson[]) {
  const ev = evaluateJson(gt, dt);
  return { gt: ev.gt, dt: ev.dt };
}

describe('the accumulation kernel (WebAssembly) against the JavaScript', () => {
  it('loads', () => {
    expect(accumulateKernel({ K: 2, T: 10, R: 101, A: 4, M: 3, E: 5, longest: 3 })).not.toBeNull();
  });

  for (const name of parityCases()) {
    it(`${name}: the same bits`, () => {
      const { gt, dt } = readParity(name);
      const c = loaded(gt, dt);
      bothWays(c.gt, c.dt, COCO_PARAMS);
    });
  }

  it('a generated case, with the COCO parameters and with other maxDets and thresholds', () => {
    const s = makeScaleCase(21, 200, 50, 30);
    const c = loaded(JSON.parse(s.gtText) as CocoJson, JSON.parse(s.dtText) as DetJson[]);
    bothWays(c.gt, c.dt, COCO_PARAMS);
    // Unsorted maxDets (no copy between them) and a cut that keeps fewer than the last.
    bothWays(c.gt, c.dt, { ...COCO_PARAMS, maxDets: [3, 1, 2, 100] });
    bothWays(c.gt, c.dt, {
      ...COCO_PARAMS,
      iouThrs: Float64Array.of(0.3, 0.5),
      recThrs: Float64Array.of(0, 0.5, 1),
    });
  });

  it('in a kernel memory another run left full of garbage: the same bits', () => {
    // The thread's kernel memory is reused from kernel to kernel and never cleared.
    readyKernelMemory(8 << 20);
    const memory = kernelMemory();
    new Uint8Array(memory.buffer).fill(0xa5);
    const s = makeScaleCase(22, 150, 40, 20);
    const c = loaded(JSON.parse(s.gtText) as CocoJson, JSON.parse(s.dtText) as DetJson[]);
    bothWays(c.gt, c.dt, COCO_PARAMS);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(8 << 20);
  });
});
