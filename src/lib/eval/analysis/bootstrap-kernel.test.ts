import { afterEach, describe, expect, it } from 'vitest';
import { makeScaleCase } from '../../../../tests/support/coco-scale-case.ts';
import type { CocoJson, DetJson } from '../../../../tests/support/eval-cases.ts';
import { evaluateJson, evaluateParity, parityCases } from '../../../../tests/support/eval-cases.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import type { BootstrapPlan } from './bootstrap.ts';
import { BATCH, claimBatches, makeScratch, newWork, planBootstrap, weightedApBatch } from './bootstrap.ts';
import { KERNEL_LANES, kernelFor, useBootstrapKernel } from './bootstrap-kernel.ts';

afterEach(() => useBootstrapKernel(true));

/** Every resample's AP and AP50, computed with the kernel or with the JavaScript. */
function resamples(ev: CocoEvaluation, kernel: boolean, n: number, seed: number) {
  useBootstrapKernel(kernel);
  const plan = planBootstrap(ev);
  if (kernel) expect(kernelFor(plan)).not.toBeNull();
  const work = newWork(seed, n, false);
  claimBatches(plan, work);
  return [...work.ap, ...work.ap50];
}

function sameBits(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

/** One batch of the given weights (image-major, `lanes` columns) through the kernel and the JavaScript. */
function bothWays(plan: BootstrapPlan, weightOf: (i: number, b: number) => number) {
  const kernel = kernelFor(plan)!;
  const lanes = kernel.lanes;
  const W = new Float64Array(plan.I * lanes);
  for (let i = 0; i < plan.I; i++) for (let b = 0; b < lanes; b++) W[i * lanes + b] = weightOf(i, b);
  kernel.W.set(W);
  const k = kernel.run();
  const got = [...k.ap, ...k.ap50];
  const ap = new Float64Array(lanes);
  const ap50 = new Float64Array(lanes);
  weightedApBatch(plan, W, makeScratch(plan, lanes), ap, ap50, 0);
  return { got, want: [...ap, ...ap50] };
}

describe('the bootstrap kernel (WebAssembly) against the JavaScript', () => {
  it('has as many lanes as the loader expects, and at least a batch', () => {
    expect(KERNEL_LANES).toBeGreaterThanOrEqual(BATCH);
  });

  for (const name of parityCases()) {
    it(`${name}: the same bits for 60 resamples (three batches, the last one partial)`, () => {
      const ev = evaluateParity(name);
      sameBits(resamples(ev, true, 60, 7), resamples(ev, false, 60, 7));
    });
  }

  it('a generated case of 300 images and 80 classes: the same bits for 200 resamples', () => {
    const s = makeScaleCase(11, 300, 60, 80);
    const ev = evaluateJson(JSON.parse(s.gtText) as CocoJson, JSON.parse(s.dtText) as DetJson[]);
    const withKernel = resamples(ev, true, 200, 0);
    sameBits(withKernel, resamples(ev, false, 200, 0));
    expect(withKernel.filter((v) => v > 0).length).toBe(400);
  });

  it('heavy and zero weights (its memory grows for the recall table): the same bits', () => {
    const s = makeScaleCase(12, 200, 40, 20);
    const ev = evaluateJson(JSON.parse(s.gtText) as CocoJson, JSON.parse(s.dtText) as DetJson[]);
    const plan = planBootstrap(ev);
    // Lane b: image i weighs up to 5000 in some lanes, 0 in others, and lane 3 is empty.
    const { got, want } = bothWays(plan, (i, b) =>
      b === 3 ? 0 : ((i * 7 + b * 13) % 5) * (b % 4 === 1 ? 1000 : 1),
    );
    sameBits(got, want);
    expect(got[3]).toBe(-1);
    // A second batch after the growth reads the grown memory.
    const again = bothWays(plan, (i, b) => (i + b) % 3);
    sameBits(again.got, again.want);
  });
});
