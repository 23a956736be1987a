/**
 * The evaluator's second thread (eval-threads.ts): the score order it sorts while the main thread
 * matches gives accumulation exactly the order, precision and recall of the one-thread path, on
 * every parity case and on cases made of ties; and evaluateCocoThreaded, on a real worker, equals
 * evaluateCoco bit for bit.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { accumulate, mergeOrder } from '../../src/lib/eval/accumulate.ts';
import { evaluateCocoThreaded, startEvalHelper } from '../../src/lib/eval/eval-threads.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from '../../src/lib/eval/load.ts';
import { sortByScoreDesc } from '../../src/lib/eval/stable-sort.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import { eachCase } from '../support/each-case.ts';
import { evaluateParity, parityCases, readParity } from '../support/eval-cases.ts';

function detOrderOf(score: Float64Array): Int32Array {
  return sortByScoreDesc(
    Int32Array.from(score, (_, i) => i),
    score,
  );
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

describe('mergeOrder from the detections sorted by another thread', () => {
  eachCase('parity case', parityCases(), (name) => {
    it('gives the one-thread byScore and order', () => {
      const ev = evaluateParity(name);
      const one = mergeOrder(ev.matches);
      const two = mergeOrder(ev.matches, detOrderOf(ev.dt.score));
      same(two.byScore, one.byScore);
      same(two.order, one.order);
    });
  });

  it('ties everywhere (scores on a coarse grid, and all equal): the same order and precision', () => {
    const { gt: gtJson, dt: dtJson } = readParity(parityCases()[0]!);
    const rand = mulberry32(3);
    for (const grid of [10, 1]) {
      const dt = dtJson.map((d) => ({ ...d, score: Math.floor(rand() * grid) / grid }));
      // File order shuffled, so that detection index and evaluated index disagree on ties.
      for (let i = dt.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [dt[i], dt[j]] = [dt[j]!, dt[i]!];
      }
      const gt = gtFromJson(gtJson, 'gt.json', 'x');
      const ev = evaluateCoco(gt, detectionsFromJson(dt, 'dt.json', 'x', gt));
      const order = detOrderOf(ev.dt.score);
      same(mergeOrder(ev.matches, order).byScore, mergeOrder(ev.matches).byScore);
      const acc = accumulate(ev.matches, ev.params, order);
      same(acc.precision, ev.accumulated.precision);
      same(acc.recall, ev.accumulated.recall);
    }
  });
});

describe.skipIf(availableParallelism() < 2)('evaluateCocoThreaded', () => {
  it('equals evaluateCoco on a parity case, on a real worker', async () => {
    const one = evaluateParity(parityCases()[0]!);
    const helper = startEvalHelper();
    expect(helper).toBeDefined();
    if (!helper) return;
    try {
      const two = await evaluateCocoThreaded(one.gt, one.dt, helper);
      same(two.accumulated.precision, one.accumulated.precision);
      same(two.accumulated.recall, one.accumulated.recall);
      same(two.accumulated.byScore, one.accumulated.byScore);
      expect(two.summary.stats).toEqual(one.summary.stats);
    } finally {
      await helper.close();
    }
  });
});
