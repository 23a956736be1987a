import { describe, expect, it } from 'vitest';
import { detectionsFromJson, gtFromJson, parseJsonText } from '../../src/lib/eval/load.ts';
import { CocoGroundTruth, CocoResult } from '../../src/lib/schema/coco.ts';
import { UserError } from '../../src/lib/util/errors.ts';

const GT = {
  images: [
    { id: 1, width: 100, height: 80, file_name: 'a.jpg' },
    { id: 7, width: 50, height: 50, file_name: 'b.jpg' },
  ],
  categories: [
    { id: 1, name: 'cat' },
    { id: 3, name: 'dog' },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 },
    { id: 2, image_id: 7, category_id: 3, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 },
  ],
};
const DT = [{ image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9 }];

function clone<T>(v: T): T {
  return structuredClone(v);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

const gt = gtFromJson(GT, 'gt.json', 'x');
const dtError = (dt: unknown) => errorOf(() => detectionsFromJson(dt, 'dt.json', 'x', gt));
const gtError = (g: unknown) => errorOf(() => gtFromJson(g, 'gt.json', 'x'));

describe('bad detections name the file, the entry and the field', () => {
  // The last field: whether the per-entry zod schema (the format's documentation) rejects it too;
  // membership in the ground truth is beyond a per-entry schema.
  const cases: [string, (d: Record<string, unknown>[]) => void, RegExp, boolean][] = [
    [
      'image not in GT',
      (d) => (d[0]!['image_id'] = 99),
      /^dt\.json: \[0\]\.image_id: image id 99 is not in the ground truth/,
      false,
    ],
    [
      'unknown category',
      (d) => (d[0]!['category_id'] = 2),
      /^dt\.json: \[0\]\.category_id: category id 2 is not in/,
      false,
    ],
    [
      'negative width',
      (d) => (d[0]!['bbox'] = [1, 1, -3, 4]),
      /^dt\.json: \[0\]\.bbox\[2\]: negative width -3/,
      true,
    ],
    [
      'short bbox',
      (d) => (d[0]!['bbox'] = [1, 1, 3]),
      /^dt\.json: \[0\]\.bbox: expected \[x, y, width, height\]/,
      true,
    ],
    [
      'string coordinate',
      (d) => (d[0]!['bbox'] = [1, '1', 3, 4]),
      /^dt\.json: \[0\]\.bbox\[1\]: expected a finite number, got "1"/,
      true,
    ],
    [
      'missing score',
      (d) => delete d[0]!['score'],
      /^dt\.json: \[0\]\.score: expected a finite number, got undefined/,
      true,
    ],
    [
      'string image id',
      (d) => (d[0]!['image_id'] = '1'),
      /^dt\.json: \[0\]\.image_id: expected an integer id, got "1"/,
      true,
    ],
    [
      'non-integer category',
      (d) => (d[0]!['category_id'] = 1.5),
      /^dt\.json: \[0\]\.category_id: expected an integer id, got 1\.5/,
      true,
    ],
  ];
  for (const [name, mutate, pattern, schemaLevel] of cases) {
    it(name, () => {
      const dt = [...clone(DT), ...clone(DT)] as Record<string, unknown>[];
      mutate(dt);
      expect(dtError(dt)).toMatch(pattern);
      expect(CocoResult.safeParse(dt[0]).success).toBe(!schemaLevel);
    });
  }
  it('a ground-truth file given as detections', () => {
    expect(dtError(GT)).toMatch(/expected a COCO results list .*looks like a ground-truth file/);
  });
});

describe('bad ground truth', () => {
  it('duplicate annotation id', () => {
    const g = clone(GT);
    g.annotations[1]!.id = 1;
    expect(gtError(g)).toBe('gt.json: annotations[1].id: duplicate annotation id 1 (also annotations[0])');
    expect(CocoGroundTruth.safeParse(g).success).toBe(true); // uniqueness is beyond the per-entry schema
  });
  it('duplicate image id', () => {
    const g = clone(GT);
    g.images[1]!.id = 1;
    expect(gtError(g)).toMatch(/^gt\.json: images\[\d\]\.id: duplicate image id 1/);
  });
  it('duplicate category id', () => {
    const g = clone(GT);
    g.categories[1]!.id = 1;
    expect(gtError(g)).toMatch(/^gt\.json: categories\[\d\]\.id: duplicate category id 1/);
  });
  it('annotation on an unknown image', () => {
    const g = clone(GT);
    g.annotations[0]!.image_id = 5;
    expect(gtError(g)).toBe('gt.json: annotations[0].image_id: image id 5 is not in images');
  });
  it('not COCO at all', () => {
    expect(gtError({ hello: 'world' })).toBe('gt.json: images: missing (not a COCO ground-truth file?)');
    expect(gtError([1, 2])).toMatch(/^gt\.json: \(root\): expected a COCO ground-truth object/);
  });
  it('negative area and bad iscrowd', () => {
    const g = clone(GT);
    g.annotations[1]!.area = -1;
    expect(gtError(g)).toBe('gt.json: annotations[1].area: negative area -1');
    const h = clone(GT) as unknown as { annotations: Record<string, unknown>[] };
    h.annotations[0]!['iscrowd'] = 2;
    expect(gtError(h)).toBe('gt.json: annotations[0].iscrowd: expected 0 or 1, got 2');
  });
});

describe('JSON text', () => {
  it('empty file', () => {
    expect(errorOf(() => parseJsonText('  \n', 'dt.json'))).toBe('dt.json: the file is empty');
  });
  it('NaN and Infinity tokens are located', () => {
    const text = '[\n {"image_id": 1, "category_id": 1, "bbox": [1, 2, NaN, 4], "score": 0.5}\n]';
    expect(errorOf(() => parseJsonText(text, 'dt.json'))).toMatch(
      /^dt\.json: NaN is not valid JSON .* at line 2, column \d+$/,
    );
    const inf = '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": Infinity}]';
    expect(errorOf(() => parseJsonText(inf, 'dt.json'))).toMatch(/^dt\.json: Infinity is not valid JSON/);
  });
  it('truncated JSON', () => {
    expect(errorOf(() => parseJsonText('[{"image_id": 1,', 'dt.json'))).toMatch(/^dt\.json: invalid JSON/);
  });
});
