import { describe, expect, it } from 'vitest';
import { makeScaleCase } from '../../../tests/support/coco-scale-case.ts';
import type { CocoJson, DetJson } from '../../../tests/support/eval-cases.ts';
import { evaluateJson } from '../../../tests/support/eval-cases.ts';
import { accumulate } from './accumulate.ts';
import { matchDetections } from './match.ts';
import { COCO_PARAMS } from './params.ts';
import { summarize } from './summarize.ts';

describe('summarize', () => {
  const s = makeScaleCase(31, 120, 40, 12);
  const ev = evaluateJson(JSON.parse(s.gtText) as CocoJson, JSON.parse(s.dtText) as DetJson[]);

  it('the same from accumulate’s slices (evaluateCoco) as from precision, wherever maxDets 100 stands', () => {
    const summaryAt = (maxDets: number[]) => {
      const params = { ...COCO_PARAMS, maxDets };
      return summarize(accumulate(matchDetections(ev.gt, ev.dt, params), params), params);
    };
    // Gathered from precision; ev.summary read accumulate's slices.
    const last = summaryAt([1, 10, 100]);
    // 100 in the middle (the last bounds matching; no group here has more than 100 detections).
    const middle = summaryAt([1, 100, 200]);
    expect(last.stats.AP).toBeGreaterThan(0);
    expect(last).toEqual(ev.summary);
    // Bit for bit: the same values, in the same order, through either layout.
    const aps = (x: typeof last) => [
      x.stats.AP,
      x.stats.AP50,
      x.stats.AP75,
      x.stats.APs,
      x.stats.APm,
      x.stats.APl,
      x.stats.AR100,
      ...x.perIoU,
      ...x.perClass.flatMap((c) => [c.AP, c.AP50, c.AP75, c.APs, c.APm, c.APl, c.AR100]),
    ];
    expect(aps(middle)).toEqual(aps(last));
    expect(middle.bySize).toEqual(last.bySize);
  });

  it('without maxDets 100, every AP is -1 (pycocotools’ mean of nothing)', () => {
    const params = { ...COCO_PARAMS, maxDets: [1, 10] };
    const summary = summarize(accumulate(matchDetections(ev.gt, ev.dt, params), params), params);
    expect([summary.stats.AP, summary.stats.AP50, summary.stats.APl, summary.stats.AR100]).toEqual([
      -1, -1, -1, -1,
    ]);
    expect(summary.stats.AR10).toBeGreaterThan(0);
  });
});
