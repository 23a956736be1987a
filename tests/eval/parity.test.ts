import { describe, expect, it } from 'vitest';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from '../../src/lib/eval/load.ts';
import { COCO_PARAMS } from '../../src/lib/eval/params.ts';
import { COCO_STAT_NAMES } from '../../src/lib/schema/metrics.ts';
import { nonEmpty } from '../support/each-case.ts';
import { type ParityFile, parityCaseList, readParityJson } from '../support/parity-cases.ts';

/** pycocotools' own outputs: the repository's cases and any in $PODIUM_PARITY_DIR (parity-cases.ts). */
const TOL = 1e-9;

interface Expected {
  stats: number[];
  perIoU: number[];
  perCategory: Record<string, Record<string, number>>;
  params: { iouThrs: number[]; recThrs: number; maxDets: number[]; areaRng: number[][] };
}

const cases = nonEmpty(
  parityCaseList().map((c) => c.name),
  'parity cases',
);

function load(name: string) {
  const read = (f: ParityFile) => readParityJson(name, f);
  const gt = gtFromJson(read('gt.json'), `${name}/gt.json`, 'x');
  const dt = detectionsFromJson(read('dt.json'), `${name}/dt.json`, 'x', gt);
  return { gt, dt, expected: read('expected.json') as Expected };
}

describe('parity with pycocotools (COCOeval, bbox)', () => {
  it('finds the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });

  it('uses exactly pycocotools parameters', () => {
    const { expected } = load(cases[0]!);
    expect(Array.from(COCO_PARAMS.iouThrs)).toEqual(expected.params.iouThrs);
    expect(COCO_PARAMS.recThrs.length).toBe(expected.params.recThrs);
    expect(COCO_PARAMS.maxDets).toEqual(expected.params.maxDets);
    expect(COCO_PARAMS.areaRng.map((r) => [...r])).toEqual(expected.params.areaRng);
  });

  for (const name of cases) {
    it(`${name}: 12 stats, AP per IoU and per class within ${TOL}`, () => {
      const { gt, dt, expected } = load(name);
      const { summary } = evaluateCoco(gt, dt);
      COCO_STAT_NAMES.forEach((stat, i) => {
        expect(Math.abs(summary.stats[stat] - expected.stats[i]!), `${name} ${stat}`).toBeLessThanOrEqual(
          TOL,
        );
        // Stronger than the 1e-9 contract: the same float64 operations in the same order give
        // the same bits (numpy's blocked pairwise mean included).
        expect(summary.stats[stat], `${name} ${stat} bit for bit`).toBe(expected.stats[i]!);
      });
      // The size breakdown's AP and AR are pycocotools' APs/APm/APl and ARs/ARm/ARl.
      const sizes = [
        ['small', 'APs', 'ARs'],
        ['medium', 'APm', 'ARm'],
        ['large', 'APl', 'ARl'],
      ] as const;
      for (const [size, ap, ar] of sizes) {
        expect(summary.bySize[size].AP).toBe(summary.stats[ap]);
        expect(summary.bySize[size].AR100).toBe(summary.stats[ar]);
      }
      expected.perIoU.forEach((v, t) => {
        expect(Math.abs(summary.perIoU[t]! - v), `${name} perIoU[${t}]`).toBeLessThanOrEqual(TOL);
      });
      const catIds = Array.from(gt.categoryIds);
      expect(
        Object.keys(expected.perCategory)
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual(catIds);
      for (const [id, values] of Object.entries(expected.perCategory)) {
        const ours = summary.perClass[catIds.indexOf(Number(id))]!;
        for (const [metric, v] of Object.entries(values)) {
          const got = ours[metric as keyof typeof ours];
          expect(Math.abs(got - v), `${name} category ${id} ${metric}: ${got} vs ${v}`).toBeLessThanOrEqual(
            TOL,
          );
        }
      }
    });
  }
});
