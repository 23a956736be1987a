import { describe, expect, it } from 'vitest';
import { gtOf } from '../../../../tests/support/eval-cases.ts';
import { mulberry32 } from '../../util/prng.ts';
import { gtFromJson } from '../load.ts';
import { bboxIou } from '../match.ts';
import { groupGtByImage, iouAt } from './gt-by-image.ts';

describe('GT grouped by image', () => {
  it('groups in file order within an image and computes the same IoU bits as bboxIou', () => {
    const random = mulberry32(9);
    const coord = () => Math.round(random() * 20000) / 100;
    const rows = Array.from({ length: 300 }, () => [
      1 + Math.floor(random() * 7),
      1,
      coord(),
      coord(),
      coord(),
      coord(),
    ]);
    const gt = gtFromJson(gtOf(8, [1], rows), 'gt.json', 'x');
    const by = groupGtByImage(gt);
    const ga = gt.annotations;
    for (let i = 0; i < 8; i++) {
      const anns = Array.from(by.ann.subarray(by.start[i], by.start[i + 1]));
      expect(anns).toEqual(rows.flatMap((r, g) => (r[0] === gt.imageIds[i] ? [g] : [])));
    }
    for (let d = 0; d < 200; d++) {
      const [dx, dy, dw, dh] = [coord(), coord(), coord(), coord()];
      for (let p = 0; p < ga.length; p++) {
        const g = by.ann[p]!;
        const want = bboxIou(dx, dy, dw, dh, ga.x[g]!, ga.y[g]!, ga.w[g]!, ga.h[g]!, false);
        expect(iouAt(by, p, dx, dy, dw + dx, dh + dy, dw * dh)).toBe(want);
      }
    }
  });
});
