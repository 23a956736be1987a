import { describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.ts';
import { buildClassMap, COCO80 } from './class-map.ts';

describe('class map', () => {
  it('COCO80 is 80 distinct labels over ids 1..90 with the 10 known gaps', () => {
    expect(COCO80).toHaveLength(80);
    expect(new Set(COCO80.map((c) => c.name)).size).toBe(80);
    const ids = COCO80.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const gaps = Array.from({ length: 90 }, (_, i) => i + 1).filter((id) => !ids.includes(id));
    expect(gaps).toEqual([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
    expect(COCO80[0]).toEqual({ id: 1, name: 'person' });
    expect(COCO80[79]).toEqual({ id: 90, name: 'toothbrush' });
  });

  it('maps coco80 onto COCO categories to the official ids, regardless of category order', () => {
    const cats = [...COCO80].reverse();
    const map = buildClassMap('coco80', cats);
    expect(Array.from(map.categoryIds)).toEqual(COCO80.map((c) => c.id));
  });

  it('maps a label list by name, ignoring case, underscores and extra spaces', () => {
    const map = buildClassMap(
      ['Traffic_Light', 'dog', 'hot-dog'],
      [
        { id: 7, name: 'hot dog' },
        { id: 3, name: 'dog' },
        { id: 12, name: 'traffic  light' },
        { id: 99, name: 'unused' },
      ],
    );
    expect(Array.from(map.categoryIds)).toEqual([12, 3, 7]);
  });

  it('refuses a dataset missing some of the model classes, listing them', () => {
    const cats = [
      { id: 1, name: 'person' },
      { id: 2, name: 'car' },
    ];
    expect(() => buildClassMap(['person', 'car', 'bus', 'truck'], cats, { file: 'ann.json' })).toThrow(
      UserError,
    );
    expect(() => buildClassMap(['person', 'car', 'bus', 'truck'], cats, { file: 'ann.json' })).toThrow(
      `ann.json: the dataset has no category for 2 of the model's 4 classes: "bus", "truck" (classes are matched by name)`,
    );
    const dropped = buildClassMap(['person', 'bus'], cats, { dropUnmapped: true });
    expect(Array.from(dropped.categoryIds)).toEqual([1, -1]);
    expect(dropped.unmapped).toEqual(['bus']);
  });

  it('refuses a dataset with two categories of the same name', () => {
    expect(() =>
      buildClassMap(
        ['a'],
        [
          { id: 1, name: 'A' },
          { id: 2, name: 'a' },
        ],
      ),
    ).toThrow(/same name/);
  });
});
