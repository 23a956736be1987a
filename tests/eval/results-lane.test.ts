/**
 * The results reader's WebAssembly lane (src/lib/eval/results-lane.ts, wasm/results-scan.ts):
 * it takes plain entries with short numbers (what results writers print) and gives exactly
 * JSON.parse's doubles; across window refills,
 * split points and entries it does not take, the reader's columns are the same with the lane and
 * without it, and a mutated document gives what the JSON.parse path gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resultsLane, useJsonLanes } from '../../src/lib/eval/json-lanes.ts';
import { JsonScanner } from '../../src/lib/eval/json-scan.ts';
import { gtFromJson } from '../../src/lib/eval/load.ts';
import { scanEntries } from '../../src/lib/eval/read-results.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import { bytes, GT_JSON, makeGtAnnotations, mutatedResults, sameColumns } from '../support/json-spellings.ts';

afterAll(() => useJsonLanes(true));

/** Numbers as results writers print them: a few decimals, integers, -0, some exponents. */
function shortNumber(rand: () => number, scale: number): string {
  const u = rand();
  const v = (rand() - 0.1) * scale;
  if (u < 0.05) return '-0';
  if (u < 0.1) return '0';
  if (u < 0.2) return String(Math.round(v));
  if (u < 0.25) return `${Math.round(v * 100)}e-2`;
  if (u < 0.28) return `${(v / 1000).toFixed(3)}E+3`;
  return v.toFixed(Math.floor(rand() * 7));
}

const sizeNumber = (rand: () => number) => shortNumber(rand, 300).replace(/^-(?!0$)/, '');

const ws = (rand: () => number) => (rand() < 0.8 ? '' : [' ', '\n', '\t', '\r\n  '][Math.floor(rand() * 4)]!);

/** One plain entry (the four keys in a random order, whitespace anywhere a writer may put it). */
function plainEntry(rand: () => number, imageId: number, longNumbers = 0): string {
  const n = () => (rand() < longNumbers ? String(rand() * 500) : shortNumber(rand, 500));
  const size = () => (rand() < longNumbers ? String(rand() * 300) : sizeNumber(rand));
  const fields = [
    `"image_id"${ws(rand)}:${ws(rand)}${imageId}`,
    `"category_id":${[1, 3, 90][Math.floor(rand() * 3)]}`,
    `"bbox":${ws(rand)}[${n()},${ws(rand)}${n()},${size()},${ws(rand)}${size()}${ws(rand)}]`,
    `"score":${rand() < longNumbers ? String(rand()) : rand().toFixed(1 + Math.floor(rand() * 5))}`,
  ];
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [fields[i], fields[j]] = [fields[j]!, fields[i]!];
  }
  return `{${ws(rand)}${fields.join(`${ws(rand)},${ws(rand)}`)}${ws(rand)}}`;
}

function plainDocument(rand: () => number, entries: number, longNumbers = 0): string {
  const imgs = [1, 7, 42];
  const parts: string[] = [];
  for (let i = 0; i < entries; i++) parts.push(plainEntry(rand, imgs[Math.floor(i / 50) % 3]!, longNumbers));
  return `[${parts.join(`,${ws(rand)}`)}]`;
}

/** The scanned rows of a whole document, with or without the lane. */
function scanned(b: Buffer, lane: boolean, stopAt = -1) {
  useJsonLanes(lane);
  try {
    const s = new JsonScanner(b);
    s.expect(91);
    return scanEntries(s, b.length, stopAt);
  } finally {
    useJsonLanes(true);
  }
}

const ROW_COLUMNS = ['imageId', 'catId', 'x', 'y', 'w', 'h', 'score'];

describe('the committed module', () => {
  it('loads, and takes a plain document whole, across window refills', () => {
    const rand = mulberry32(5);
    const text = plainDocument(rand, 30_000); // ~2.4 MB: three windows
    expect(text.length).toBeGreaterThan(2 << 20);
    const b = bytes(text);
    const lane = resultsLane(b);
    expect(lane).not.toBeNull();
    const columns = Array.from({ length: 7 }, () => new Float64Array(30_000));
    let pos = 1;
    let n = 0;
    for (;;) {
      const k = lane!.take(pos, 30_000 - n, -1, columns, n);
      if (k === 0) break;
      n += k;
      pos = lane!.end + 1; // past the comma (the document has no whitespace before one)
      while (b[pos] !== 123 && pos < b.length) pos++;
    }
    expect(n).toBe(30_000);
    const ref = JSON.parse(text) as {
      image_id: number;
      category_id: number;
      bbox: number[];
      score: number;
    }[];
    for (let i = 0; i < n; i++) {
      const e = ref[i]!;
      const want = [e.image_id, e.category_id, ...e.bbox, e.score];
      for (let c = 0; c < 7; c++)
        if (!Object.is(columns[c]![i], want[c])) expect([i, c, columns[c]![i]]).toEqual([i, c, want[c]]);
    }
  });
});

describe('numbers: the lane keeps only what it reads exactly', () => {
  it('short and edge-case numbers give JSON.parse doubles, or are left to the JavaScript scanner', () => {
    const rand = mulberry32(17);
    const tokens = [
      '0',
      '-0',
      '0.0',
      '-0.000',
      '1e22',
      '1e23',
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '1234567890123456789',
      '12345678901234567890',
      '0.1',
      '0.30000000000000004',
      '1E2',
      '1e+2',
      '1e-2',
      '100e-2',
      '5e-324',
      '1e-22',
      '1e-23',
      '123.456e-20',
      '0e400',
      '2.5E0',
    ];
    for (let i = 0; i < 4000; i++) tokens.push(shortNumber(rand, 10 ** Math.floor(rand() * 8)));
    const text = `[${tokens.map((t) => `{"image_id":1,"category_id":1,"bbox":[${t},${t},0,0],"score":${t}}`).join(',')}]`;
    const b = bytes(text);
    // A fresh lane after each refusal: one that refused waits some rows before it tries again.
    let lane = resultsLane(b)!;
    const columns = Array.from({ length: 7 }, () => new Float64Array(1));
    let taken = 0;
    let pos = 1;
    tokens.forEach((token) => {
      const k = lane.take(pos, 1, -1, columns, 0);
      if (k === 1) {
        taken++;
        expect(lane.end).toBe(text.indexOf('}', pos) + 1);
        for (const c of [2, 3, 6])
          if (!Object.is(columns[c]![0], JSON.parse(token)))
            expect(`${token} → ${columns[c]![0]}`).toBe(`${token} → ${JSON.parse(token)}`);
      } else {
        expect(k).toBe(0);
        lane = resultsLane(b)!;
      }
      pos = text.indexOf('{', pos + 1);
    });
    expect(taken).toBeGreaterThan(3900);
    // Out of the fast path's reach: more than 19 digits, m >= 2^53, |exponent| > 22.
    for (const t of ['12345678901234567890', '9007199254740993', '1e23', '5e-324', '0.30000000000000004']) {
      const one = bytes(`[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":${t}}]`);
      expect(resultsLane(one)!.take(1, 1, -1, columns, 0), t).toBe(0);
    }
  });

  it('after refusals, waits a doubling number of rows before it tries again', () => {
    const odd = '{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1,"x":0}';
    const plain = '{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1}';
    const text = `[${[odd, odd, plain, plain, plain].join(',')}]`;
    const b = bytes(text);
    const starts = [...text.matchAll(/\{/g)].map((m) => m.index);
    const lane = resultsLane(b)!;
    const columns = Array.from({ length: 7 }, () => new Float64Array(5));
    expect(lane.take(starts[0]!, 5, -1, columns, 0)).toBe(0); // refused: next try at row 1
    expect(lane.take(starts[1]!, 4, -1, columns, 1)).toBe(0); // refused again: next try at row 3
    expect(lane.take(starts[2]!, 3, -1, columns, 2)).toBe(0); // not tried, though plain
    expect(lane.take(starts[3]!, 2, -1, columns, 3)).toBe(2);
  });

  it('refuses what JSON does not allow, a negative size, and entries not in the plain form', () => {
    const columns = Array.from({ length: 7 }, () => new Float64Array(1));
    for (const bad of ['01', '-', '1.', '.5', '+1', '1e', '1e+', '--1', '0x10', '1.e3', '-.5', 'NaN', '-1']) {
      const one = bytes(`[{"image_id":1,"category_id":1,"bbox":[1,2,${bad},4],"score":0.5}]`);
      expect(resultsLane(one)!.take(1, 1, -1, columns, 0), bad).toBe(0);
    }
    for (const bad of [
      '{"image_id":1,"category_id":1,"bbox":[1,2,3,4]}',
      '{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1,"x":0}',
      '{"image_id":1,"image_id":1,"category_id":1,"bbox":[1,2,3],"score":1}',
      '{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"scores":1}',
      '{"image_id":"1","category_id":1,"bbox":[1,2,3,4],"score":1}',
    ]) {
      expect(resultsLane(bytes(`[${bad}]`))!.take(1, 1, -1, columns, 0), bad).toBe(0);
    }
  });
});

describe('the reader with the lane and without it', () => {
  it('large documents, with entries the lane leaves to JavaScript: the same rows, as JSON.parse', () => {
    const rand = mulberry32(23);
    for (const longNumbers of [0, 0.002, 0.05, 0.6]) {
      const text = plainDocument(rand, 20_000, longNumbers);
      const b = bytes(text);
      const withLane = scanned(b, true);
      const without = scanned(b, false);
      expect(withLane.rows.n).toBe(20_000);
      sameColumns(withLane.rows as never, without.rows as never, ROW_COLUMNS);
      const ref = JSON.parse(text) as { bbox: number[]; score: number }[];
      for (let i = 0; i < 20_000; i += 97) {
        expect(Object.is(withLane.rows.w[i], ref[i]!.bbox[2])).toBe(true);
        expect(Object.is(withLane.rows.score[i], ref[i]!.score)).toBe(true);
      }
    }
  });

  it('stops at the same entry start (the two-thread split), wherever it falls', () => {
    const rand = mulberry32(29);
    const text = plainDocument(rand, 15_000, 0.01);
    const b = bytes(text);
    const starts: number[] = [];
    for (let p = text.indexOf('{'); p >= 0; p = text.indexOf('{', p + 1)) starts.push(p);
    for (const i of [1, 2, 7, 4096, 8191, 8192, 8193, 13_000, 14_999]) {
      const at = starts[i]!;
      const a = scanned(b, true, at);
      const c = scanned(b, false, at);
      expect([a.stopped, a.rows.n]).toEqual([true, i]);
      expect([c.stopped, c.rows.n]).toEqual([true, i]);
      sameColumns(a.rows as never, c.rows as never, ROW_COLUMNS);
    }
  });

  it('2000 mutated short-number documents: the same result or the same error message as JSON.parse', () => {
    const rand = mulberry32(31);
    const gt = gtFromJson({ ...GT_JSON, annotations: makeGtAnnotations(rand, 40) }, 'gt.json', 'g');
    const base = () => plainDocument(rand, 1 + Math.floor(rand() * 5));
    const { accepted, rejected, fastAccepted } = mutatedResults(2000, rand, base, gt);
    expect(accepted).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(500);
    expect(fastAccepted).toBeGreaterThan(150);
  });
});
