/**
 * Differential test of the byte readers (read-results.ts, read-gt.ts) against JSON.parse and the
 * object loaders: seeded generated documents in many spellings must take the fast path and give
 * the same columns bit for bit (Object.is, so -0 counts), and seeded mutations of them must give
 * exactly what the JSON.parse path gives, result or error message.
 */
import { describe, expect, it } from 'vitest';
import { FALLBACK, JsonScanner } from '../../src/lib/eval/json-scan.ts';
import type { CocoGt, Detections } from '../../src/lib/eval/load.ts';
import { detectionsFromJson, gtFromJson, parseJsonText } from '../../src/lib/eval/load.ts';
import { readGt, scanGt } from '../../src/lib/eval/read-gt.ts';
import { readDetections, scanDetections } from '../../src/lib/eval/read-results.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import {
  bytes,
  DT_COLUMNS,
  GT_JSON,
  makeGtAnnotations,
  makeResults,
  mutate,
  mutatedResults,
  outcome,
  sameColumns,
  spell,
} from '../support/json-spellings.ts';

const GT_ANN_COLUMNS = ['id', 'img', 'cat', 'x', 'y', 'w', 'h', 'area', 'crowd'];

function sameGt(a: CocoGt, b: CocoGt): void {
  sameColumns(a as never, b as never, ['imageIds', 'imageWidth', 'imageHeight', 'categoryIds']);
  expect(a.imageFile).toEqual(b.imageFile);
  expect(a.categoryNames).toEqual(b.categoryNames);
  sameColumns(a.annotations as never, b.annotations as never, GT_ANN_COLUMNS);
}

describe('numbers: exactly the doubles JSON.parse gives', () => {
  const rand = mulberry32(13);
  const digits = (n: number, first = '123456789') => {
    let s = first[Math.floor(rand() * first.length)]!;
    for (let i = 1; i < n; i++) s += String(Math.floor(rand() * 10));
    return s;
  };
  const tokens: string[] = [
    '0',
    '-0',
    '0.0',
    '-0.0',
    '0e0',
    '-0E+5',
    '0.000',
    '1',
    '-1',
    '1e22',
    '1e23',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '9007199254740995',
    '18014398509481985',
    '4.9e-324',
    '5e-324',
    '2.4e-324',
    '2.2250738585072014e-308',
    '2.2250738585072011e-308',
    '1.7976931348623157e308',
    '1.7976931348623159e308',
    '1e309',
    '-1e400',
    '1e-400',
    '0.1',
    '0.30000000000000004',
    '123456789012345678901234567890',
    '1.00000000000000000000000001',
    '3.14159265358979323846',
    '0.000000000000000000000000001',
    '1E2',
    '1e+2',
    '1e-2',
    '100e-2',
    '12345678901234567e-5',
  ];
  for (let i = 0; i < 6000; i++) {
    const kind = i % 6;
    const sign = rand() < 0.3 ? '-' : '';
    if (kind === 0) tokens.push(sign + String(rand() * 10 ** Math.floor(rand() * 40 - 20)));
    else if (kind === 1)
      tokens.push(sign + ((rand() * 1000) as number).toPrecision(1 + Math.floor(rand() * 21)));
    else if (kind === 2)
      tokens.push(
        `${sign}${digits(1 + Math.floor(rand() * 8))}.${digits(1 + Math.floor(rand() * 12), '0123456789')}`,
      );
    else if (kind === 3) tokens.push(`${sign}0.${digits(1 + Math.floor(rand() * 20), '0123456789')}`);
    else if (kind === 4)
      tokens.push(
        `${sign}${digits(1 + Math.floor(rand() * 18))}${rand() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(rand() * 3)]}${Math.floor(rand() * 40)}`,
      );
    else tokens.push(sign + (rand() * 2 ** 60).toExponential(Math.floor(rand() * 20)));
  }

  it(`${tokens.length} tokens, inside a document as the readers see them`, () => {
    const s = new JsonScanner(bytes(`[${tokens.join(' , ')}]`));
    s.expect(91);
    let fast = 0;
    tokens.forEach((token, i) => {
      const got = s.numberValue();
      if (!Object.is(got, JSON.parse(token)))
        expect(`${token} → ${got}`).toBe(`${token} → ${JSON.parse(token)}`);
      if (/^-?\d{1,15}(\.\d*)?$/.test(token) && token.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15)
        fast++;
      expect(s.more(93)).toBe(i < tokens.length - 1);
    });
    expect(fast).toBeGreaterThan(1000); // the fast path is exercised, not only Number()
  });

  it('refuses what JSON does not allow', () => {
    for (const bad of [
      '01',
      '-',
      '1.',
      '.5',
      '+1',
      '1e',
      '1e+',
      '--1',
      '0x10',
      '1.e3',
      '-.5',
      'NaN',
      'Infinity',
    ]) {
      expect(() => JSON.parse(bad), bad).toThrow();
      const s = new JsonScanner(bytes(`[${bad}]`));
      const parse = () => {
        s.expect(91);
        s.numberValue();
        if (s.more(93)) throw new Error('more');
      };
      expect(parse, bad).toThrow();
    }
  });
});

describe('COCO results: byte reader vs JSON.parse + detectionsFromJson', () => {
  const rand = mulberry32(2026);
  const gtJson = { ...GT_JSON, annotations: makeGtAnnotations(rand, 40) };
  const gt = gtFromJson(gtJson, 'gt.json', 'g');
  const reference = (text: string) =>
    outcome(() => detectionsFromJson(parseJsonText(text, 'dt.json'), 'dt.json', 's', gt));

  it('200 generated documents in many spellings: fast path, same columns', () => {
    for (let d = 0; d < 200; d++) {
      const text = spell(makeResults(rand, Math.floor(rand() * 30)), rand, true);
      const ref = reference(text);
      if (!('ok' in ref)) throw new Error(`generated an invalid document: ${ref.error}\n${text}`);
      const fast = scanDetections(bytes(text), 's', gt);
      sameColumns(fast as never, ref.ok as never, DT_COLUMNS);
    }
  });

  it('duplicate keys: the last one wins, as in JSON.parse', () => {
    const text = '[{"image_id":7,"image_id":1,"category_id":3,"bbox":[1,2,3,4],"score":0.5,"score":0.25}]';
    const d = scanDetections(bytes(text), 's', gt) as Detections;
    expect([gt.imageIds[d.img[0]!], d.score[0]]).toEqual([1, 0.25]);
  });

  it('3000 mutated documents: the same result or the same error message', () => {
    const base = () => spell(makeResults(rand, 1 + Math.floor(rand() * 4)), rand, rand() < 0.5);
    const { accepted, rejected, fastAccepted } = mutatedResults(3000, rand, base, gt);
    expect(accepted).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(1000);
    expect(fastAccepted).toBeGreaterThan(200);
  });

  it('a file that is not UTF-8 text or has a BOM is handled as JSON.parse of its text handles it', () => {
    const good = '[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":0.5,"n":"\xff"}]';
    const latin = Buffer.from(good, 'latin1'); // a lone 0xff byte inside a string
    const ref = outcome(() =>
      detectionsFromJson(parseJsonText(latin.toString('utf8'), 'dt.json'), 'dt.json', 's', gt),
    );
    expect('ok' in ref).toBe(true);
    sameColumns(
      readDetections(latin, 'dt.json', 's', gt) as never,
      (ref as { ok: Detections }).ok as never,
      DT_COLUMNS,
    );
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(good)]);
    expect(outcome(() => readDetections(bom, 'dt.json', 's', gt))).toEqual(
      outcome(() => detectionsFromJson(parseJsonText(bom.toString('utf8'), 'dt.json'), 'dt.json', 's', gt)),
    );
  });
});

describe('COCO ground truth: byte reader vs JSON.parse + gtFromJson', () => {
  const rand = mulberry32(99);
  const reference = (text: string) =>
    outcome(() => gtFromJson(parseJsonText(text, 'gt.json'), 'gt.json', 's'));

  it('60 generated files (any key order, segmentations, extras): fast path, same columns', () => {
    for (let d = 0; d < 60; d++) {
      const text = spell(
        { ...GT_JSON, annotations: makeGtAnnotations(rand, Math.floor(rand() * 25)) },
        rand,
        true,
      );
      const ref = reference(text);
      if (!('ok' in ref)) throw new Error(`generated an invalid file: ${ref.error}`);
      sameGt(scanGt(bytes(text), 'gt.json', 's'), ref.ok);
    }
  });

  it('1500 mutated files: the same result or the same error message', () => {
    let accepted = 0;
    let rejected = 0;
    for (let d = 0; d < 1500; d++) {
      const base = spell(
        { ...GT_JSON, annotations: makeGtAnnotations(rand, 1 + Math.floor(rand() * 3)) },
        rand,
        false,
      );
      const text = mutate(base, rand);
      const ref = reference(text);
      const ours = outcome(() => readGt(bytes(text), 'gt.json', 's'));
      if ('ok' in ref) {
        accepted++;
        if (!('ok' in ours)) throw new Error(`rejected a file JSON.parse takes: ${ours.error}\n${text}`);
        sameGt(ours.ok, ref.ok);
      } else {
        rejected++;
        expect(ours, text).toEqual(ref);
        expect(() => scanGt(bytes(text), 'gt.json', 's')).toThrow();
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(500);
  });

  it('brackets, quotes and backslashes inside image strings do not end the images list early', () => {
    const images = [
      { id: 1, width: 10, height: 10, file_name: 'a]}.jpg' },
      { id: 7, width: 10, height: 10, file_name: '\\"],"annotations":[' },
      { id: 42, width: 10, height: 10, file_name: '{[\\' },
    ];
    const text = JSON.stringify({ ...GT_JSON, images, annotations: makeGtAnnotations(rand, 5) });
    const ref = reference(text);
    if (!('ok' in ref)) throw new Error(ref.error);
    // scanGt is the fast path alone: it throws where readGt would fall back.
    sameGt(scanGt(bytes(text), 'gt.json', 's'), ref.ok);
    expect(ref.ok.imageFile).toContain('\\"],"annotations":[');
  });

  it('FALLBACK never escapes the readers', () => {
    expect(
      outcome(() => readGt(bytes('{"images":[],"annotations":[],"categories":[]} x'), 'gt.json', 's')),
    ).toEqual({
      error: expect.stringMatching(/^gt\.json: invalid JSON/),
    });
    expect(FALLBACK).toBeTypeOf('symbol');
  });
});
