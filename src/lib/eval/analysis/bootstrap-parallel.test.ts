import { describe, expect, it } from 'vitest';
import { makeScaleCase } from '../../../../tests/support/coco-scale-case.ts';
import { evaluateJson } from '../../../../tests/support/eval-cases.ts';
import { mulberry32 } from '../../util/prng.ts';
import { bootstrapAp, claimBatches, newWork, planBootstrap, seedAfter } from './bootstrap.ts';
import { startBootstrap } from './bootstrap-parallel.ts';

const c = makeScaleCase(5, 120, 40);
const ev = evaluateJson(JSON.parse(c.gtText), JSON.parse(c.dtText));

describe('bootstrap on two threads', () => {
  it('seedAfter(seed, n) continues mulberry32(seed) after n draws', () => {
    for (const [seed, n] of [
      [0, 0],
      [7, 1],
      [2026, 12345],
      [0xffffffff, 5_000_000],
    ] as const) {
      const a = mulberry32(seed);
      for (let i = 0; i < n; i++) a();
      const b = mulberry32(seedAfter(seed, n));
      for (let i = 0; i < 5; i++) expect(b()).toBe(a());
    }
  });

  it('a worker sharing the batches gives the single-thread result exactly', () => {
    const single = bootstrapAp(ev, { resamples: 110, seed: 3 });
    expect(single.AP.std).toBeGreaterThan(0);
    const pending = startBootstrap(ev, { resamples: 110, seed: 3, threads: 2 });
    // Give the worker time to start and take batches before this thread claims the rest.
    const sleep = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && Atomics.load(pending.work.control, 1) === 0; i++)
      Atomics.wait(sleep, 0, 0, 50);
    expect(Atomics.load(pending.work.control, 1)).toBeGreaterThan(0);
    expect(pending.finish()).toEqual(single);
    expect(startBootstrap(ev, { resamples: 110, seed: 3, threads: 1 }).finish()).toEqual(single);
  });

  it('batches claimed in any order fill the same resamples', () => {
    const plan = planBootstrap(ev);
    const inOrder = newWork(9, 60, false);
    claimBatches(plan, inOrder);
    const shuffled = newWork(9, 60, false);
    shuffled.control[0] = 1; // batches 1, 2 first, then 0
    claimBatches(plan, shuffled);
    shuffled.control[0] = 0;
    shuffled.control[1] = 0;
    const only0 = { ...shuffled, resamples: 25 };
    claimBatches(plan, only0);
    expect(Array.from(shuffled.ap)).toEqual(Array.from(inOrder.ap));
    expect(Array.from(shuffled.ap50)).toEqual(Array.from(inOrder.ap50));
  });
});
