/**
 * The GT reader's WebAssembly lane (src/lib/eval/json-lanes.ts annotationsLane,
 * wasm/annotations-scan.ts): it takes plain annotations (polygon segmentations skipped) with the
 * doubles JSON.parse gives; across window refills and annotations it leaves to the JavaScript
 * (RLE, `true`, other keys, long numbers), readGt's columns are the same with it and without it,
 * and those of gtFromJson. (tests/eval/read-fast.test.ts runs its generated and mutated files
 * through the lane too.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { annotationsLane, useJsonLanes } from '../../src/lib/eval/json-lanes.ts';
import type { CocoGt } from '../../src/lib/eval/load.ts';
import { gtFromJson } from '../../src/lib/eval/load.ts';
import { readGt } from '../../src/lib/eval/read-gt.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import { bytes, GT_JSON, sameColumns } from '../support/json-spellings.ts';

afterAll(() => useJsonLanes(true));

const COLUMNS = ['id', 'img', 'cat', 'x', 'y', 'w', 'h', 'area', 'crowd'];

/** A GT file of n annotations; `odd` of them in forms the lane leaves to the JavaScript. */
function gtText(rand: () => number, n: number, odd: number): string {
  const short = (scale: number) => (rand() * scale).toFixed(Math.floor(rand() * 4));
  const ws = () => (rand() < 0.85 ? '' : [' ', '\n', '\t', '\r\n '][Math.floor(rand() * 4)]!);
  const anns: string[] = [];
  for (let i = 0; i < n; i++) {
    const polygon = () =>
      `[${Array.from({ length: 6 + 2 * Math.floor(rand() * 10) }, () => short(600)).join(`,${ws()}`)}]`;
    const fields = [
      `"segmentation":${ws()}[${Array.from({ length: 1 + Math.floor(rand() * 2) }, polygon).join(',')}]`,
      `"area":${short(90000)}`,
      `"iscrowd":${rand() < 0.1 ? 1 : 0}`,
      `"image_id":${[1, 7, 42][Math.floor(rand() * 3)]}`,
      `"bbox":[${short(600)},${ws()}${short(400)},${short(200)},${short(200)}]`,
      `"category_id":${[1, 3, 90][Math.floor(rand() * 3)]}`,
      `"id"${ws()}:${ws()}${i + 1}`,
    ];
    if (rand() < 0.2) fields.splice(1, 1); // no area: w * h
    if (rand() < odd) {
      const u = Math.floor(rand() * 5);
      if (u === 0) fields[0] = '"segmentation":{"counts":"ab\\"c","size":[10,20]}';
      else if (u === 1) fields.push('"iscrowd":true');
      else if (u === 2) fields.push('"attributes":{"occluded":false}');
      else if (u === 3)
        fields.push(`"area":${rand() * 1000}`); // 17 digits: off the fast path
      else fields.push('"segmentation":[[1,2,3,4,5,6]],"segmentation":[[1e400,2]]');
    }
    for (let j = fields.length - 1; j > 0; j--) {
      const k = Math.floor(rand() * (j + 1));
      [fields[j], fields[k]] = [fields[k]!, fields[j]!];
    }
    anns.push(`{${ws()}${fields.join(`,${ws()}`)}${ws()}}`);
  }
  const { annotations: _, ...rest } = GT_JSON;
  return JSON.stringify(rest).replace(/}$/, `,"annotations":[${anns.join(`,${ws()}`)}]}`);
}

function read(text: string, lane: boolean): CocoGt {
  useJsonLanes(lane);
  try {
    return readGt(bytes(text), 'gt.json', 's');
  } finally {
    useJsonLanes(true);
  }
}

describe('the annotations lane', () => {
  it('takes a plain file whole, across window refills', () => {
    const text = gtText(mulberry32(3), 12_000, 0);
    expect(text.length).toBeGreaterThan(2.2e6);
    const b = bytes(text);
    const lane = annotationsLane(b)!;
    expect(lane).not.toBeNull();
    const columns = Array.from({ length: 9 }, () => new Float64Array(12_000));
    // Byte offsets (the file has non-ASCII names before its annotations).
    let pos = b.indexOf('"annotations":[') + '"annotations":['.length;
    let n = 0;
    for (;;) {
      const k = lane.take(pos, 12_000 - n, -1, columns, n);
      if (k === 0) break;
      n += k;
      pos = b.indexOf('{', lane.end);
      if (pos < 0) break;
    }
    expect(n).toBe(12_000);
    const ref = (JSON.parse(text) as { annotations: { id: number; bbox: number[]; area?: number }[] })
      .annotations;
    for (let i = 0; i < n; i += 7) {
      expect(columns[0]![i]).toBe(ref[i]!.id);
      expect(Object.is(columns[5]![i], ref[i]!.bbox[2])).toBe(true);
      expect(Object.is(columns[7]![i], ref[i]!.area ?? Number.NaN)).toBe(true);
    }
  });

  for (const odd of [0, 0.01, 0.3]) {
    it(`a 1 MB+ file with ${odd * 100}% annotations the lane leaves: the columns of the JavaScript and of gtFromJson`, () => {
      const text = gtText(mulberry32(5 + odd * 100), 6000, odd);
      const withLane = read(text, true);
      sameColumns(withLane.annotations as never, read(text, false).annotations as never, COLUMNS);
      sameColumns(
        withLane.annotations as never,
        gtFromJson(JSON.parse(text), 'gt.json', 's').annotations as never,
        COLUMNS,
      );
    });
  }

  it('an invalid polygon number gives the JSON.parse error, with the lane and without it', () => {
    const text = gtText(mulberry32(8), 300, 0).replace(
      /"segmentation":\[\[([0-9.]+),/,
      '"segmentation":[[$1.,',
    );
    const message = (lane: boolean) => {
      try {
        read(text, lane);
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message(true)).toMatch(/gt\.json/);
    expect(message(true)).toBe(message(false));
  });
});
