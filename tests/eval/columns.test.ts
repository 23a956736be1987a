import { describe, expect, it } from 'vitest';
import type { DetectionColumns } from '../../src/lib/eval/columns.ts';
import {
  detectionsFromColumns,
  evaluateColumns,
  sha256OfDetectionColumns,
} from '../../src/lib/eval/columns.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson, sha256OfJson } from '../../src/lib/eval/load.ts';
import { UserError } from '../../src/lib/util/errors.ts';
import { makeScaleCase } from '../support/coco-scale-case.ts';

interface Result {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

function toColumns(list: Result[]): DetectionColumns {
  return {
    length: list.length,
    imageId: list.map((d) => d.image_id),
    categoryId: Int32Array.from(list, (d) => d.category_id),
    x: Float64Array.from(list, (d) => d.bbox[0]),
    y: Float64Array.from(list, (d) => d.bbox[1]),
    w: Float64Array.from(list, (d) => d.bbox[2]),
    h: Float64Array.from(list, (d) => d.bbox[3]),
    score: Float64Array.from(list, (d) => d.score),
  };
}

const scale = makeScaleCase(7, 60, 40);
const gtJson = JSON.parse(scale.gtText);
const list = JSON.parse(scale.dtText) as Result[];
const gt = gtFromJson(gtJson, 'gt.json', 'g');

describe('evaluateColumns: the in-memory entry point', () => {
  it('gives the JSON path’s evaluation bit for bit, and its sha256', () => {
    expect(list.length).toBe(2400);
    const viaJson = evaluateCoco(gt, detectionsFromJson(list, 'dt.json', sha256OfJson(list), gt));
    const viaColumns = evaluateColumns(gt, toColumns(list));
    expect(viaColumns.dt.sha256).toBe(sha256OfJson(list));
    expect(viaColumns.summary).toEqual(viaJson.summary);
    expect(Object.is(viaColumns.summary.stats.AP, viaJson.summary.stats.AP)).toBe(true);
    expect(viaColumns.summary.stats.AP).toBeGreaterThan(0.1);
    expect(Array.from(viaColumns.accumulated.precision)).toEqual(Array.from(viaJson.accumulated.precision));
  });

  it('hashes -0 and exponents as JSON.stringify writes them', () => {
    const odd: Result[] = [
      { image_id: gt.imageIds[0]!, category_id: 1, bbox: [-0, 1e-7, 1e21, 2.5], score: 0.1 },
    ];
    expect(sha256OfDetectionColumns(toColumns(odd))).toBe(sha256OfJson(odd));
  });

  it('rejects bad columns naming the entry and field, as the JSON loader does', () => {
    const bad = (mutate: (d: Result) => void): string => {
      const copy = structuredClone(list.slice(0, 3));
      mutate(copy[2]!);
      try {
        detectionsFromColumns(toColumns(copy), gt, { label: 'model run' });
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        return (err as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(bad((d) => (d.image_id = 3))).toBe(
      'model run: [2].image_id: image id 3 is not in the ground truth',
    );
    expect(bad((d) => (d.image_id = 1.5))).toBe('model run: [2].image_id: expected an integer id, got 1.5');
    expect(bad((d) => (d.category_id = 999))).toMatch(
      /^model run: \[2\]\.category_id: category id 999 is not in/,
    );
    expect(bad((d) => (d.bbox[3] = -1))).toBe('model run: [2].bbox[3]: negative height -1');
    expect(bad((d) => (d.bbox[0] = Number.NaN))).toBe(
      'model run: [2].bbox[0]: expected a finite number, got NaN',
    );
    expect(bad((d) => (d.score = Number.POSITIVE_INFINITY))).toBe(
      'model run: [2].score: expected a finite number, got Infinity',
    );
  });
});
