/**
 * Seeded JSON documents for the differential tests of the byte readers (tests/eval/read-*.test.ts):
 * a small GT, random results lists, spelled in many ways (whitespace, key order, escapes, extra
 * keys, number spellings), and seeded mutations of them.
 */
import { expect } from 'vitest';
import type { CocoGt } from '../../src/lib/eval/load.ts';
import { detectionsFromJson, parseJsonText } from '../../src/lib/eval/load.ts';
import { readDetections, scanDetections } from '../../src/lib/eval/read-results.ts';

export const bytes = (text: string) => Buffer.from(text, 'utf8');

export function sameColumns(a: Record<string, unknown>, b: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) {
    const x = a[k] as ArrayLike<number>;
    const y = b[k] as ArrayLike<number>;
    expect(x.length, k).toBe(y.length);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) expect(`${k}[${i}] = ${x[i]}`).toBe(`${k}[${i}] = ${y[i]}`);
    }
  }
}
export const DT_COLUMNS = ['img', 'cat', 'x', 'y', 'w', 'h', 'score'];
/** Outcome of a loader: its value, or its error message. */
export function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** A small GT and random results lists for it, spelled in many ways. */
export const GT_JSON = {
  info: { description: 'differential', year: 2026, nested: [[{}], { a: [null, true, false] }] },
  images: [
    { id: 42, width: 640, height: 480, file_name: 'b\u00e9b\u00e9 "quoted" \\ tab\t.jpg' },
    { id: 1, width: 100, height: 80.5, file_name: 'a.jpg', license: 3 },
    { id: 7, width: 50, height: 50 },
  ],
  categories: [{ id: 90, name: 'toothbrush', supercategory: 'indoor' }, { id: 1, name: 'person' }, { id: 3 }],
  annotations: [] as Record<string, unknown>[],
};

export function makeGtAnnotations(rand: () => number, n: number): Record<string, unknown>[] {
  const imgs = [1, 7, 42];
  const cats = [1, 3, 90];
  return Array.from({ length: n }, (_, i) => {
    const a: Record<string, unknown> = {
      segmentation: rand() < 0.5 ? [[1.5, 2, 3, 4.25, 5, 6]] : { counts: 'abc\\"d', size: [10, 20] },
      id: i + 1,
      image_id: imgs[Math.floor(rand() * 3)],
      category_id: cats[Math.floor(rand() * 3)],
      bbox: [rand() * 90, rand() * 70, rand() * 30, rand() * 30].map((v) => Math.round(v * 100) / 100),
    };
    if (rand() < 0.8) a['area'] = Math.round(rand() * 900 * 1000) / 1000;
    if (rand() < 0.8) a['iscrowd'] = rand() < 0.1 ? (rand() < 0.5 ? 1 : true) : rand() < 0.5 ? 0 : false;
    return a;
  });
}

/** JSON text of a value with random whitespace, key order, extra keys and number spellings. */
export function spell(value: unknown, rand: () => number, extras: boolean): string {
  const ws = () => ['', '', '', ' ', '\n', '\t', '\r\n  '][Math.floor(rand() * 7)]!;
  const num = (v: number): string => {
    const u = rand();
    if (Number.isInteger(v) && u < 0.15) return `${v}.0`;
    if (Number.isInteger(v) && v !== 0 && u < 0.25) return `${v * 10}e-1`;
    if (u < 0.3) return v.toExponential().replace('e+', rand() < 0.5 ? 'E' : 'e+');
    if (u < 0.35) return v.toPrecision(17);
    return JSON.stringify(v);
  };
  const key = (k: string): string => {
    if (rand() < 0.05) return `"${k.replace(/_/g, '\\u005f').replace(/^i/, '\\u0069')}"`;
    return JSON.stringify(k);
  };
  const extra = (): string =>
    [`"x\\"tra"`, '"note"', '"ü"', '"\\ud83d\\ude00"'][Math.floor(rand() * 4)]! +
    ':' +
    ws() +
    ['[]', '{}', '[1,[2,{"a":[]}],"s\\n"]', 'null', 'true', '-0.5e-3', '{"score":"not this one"}'][
      Math.floor(rand() * 7)
    ]!;
  const go = (v: unknown): string => {
    if (typeof v === 'number') return num(v);
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => go(x)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, x]) => `${key(k)}${ws()}:${ws()}${go(x)}`);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
      if (extras && rand() < 0.3) entries.splice(Math.floor(rand() * entries.length), 0, extra());
      return `{${ws()}${entries.join(`${ws()},${ws()}`)}${ws()}}`;
    }
    return JSON.stringify(v);
  };
  return ws() + go(value) + ws();
}

export function makeResults(rand: () => number, n: number): Record<string, unknown>[] {
  const imgs = [1, 7, 42];
  const cats = [1, 3, 90];
  return Array.from({ length: n }, () => ({
    image_id: imgs[Math.floor(rand() * 3)],
    category_id: cats[Math.floor(rand() * 3)],
    bbox: [
      rand() * 90 - 5,
      rand() * 70,
      rand() < 0.05 ? -0 : rand() * 30,
      rand() * 30 * 10 ** Math.floor(rand() * 3),
    ],
    score: rand() < 0.1 ? Math.round(rand() * 100) / 100 : rand(),
  }));
}

/** Seeded mutations: deletions, insertions of JSON-significant bytes, truncation, swaps. */
export function mutate(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const pieces = [
    ',',
    ':',
    '{',
    '}',
    '[',
    ']',
    '"',
    '\\',
    ' ',
    '0',
    '-',
    'e',
    '.',
    '1',
    'n',
    '\u0001',
    'é',
    'NaN',
  ];
  const u = rand();
  if (u < 0.3) return text.slice(0, at) + text.slice(at + 1);
  if (u < 0.6) return text.slice(0, at) + pieces[Math.floor(rand() * pieces.length)]! + text.slice(at);
  if (u < 0.7) return text.slice(0, at);
  if (u < 0.85) return text.slice(0, at) + text.slice(at + 1, at + 2) + text[at]! + text.slice(at + 2);
  return text.slice(0, at) + pieces[Math.floor(rand() * pieces.length)]! + text.slice(at + 1);
}

/**
 * `count` seeded mutations of the documents `base` makes, each read by readDetections and by the
 * JSON.parse path: the same columns, or the same error message; where the reference refuses, the
 * fast path (scanDetections) refuses too. Returns how many were accepted, rejected, and accepted
 * by the fast path alone.
 */
export function mutatedResults(
  count: number,
  rand: () => number,
  base: () => string,
  gt: CocoGt,
): { accepted: number; rejected: number; fastAccepted: number } {
  const tally = { accepted: 0, rejected: 0, fastAccepted: 0 };
  for (let d = 0; d < count; d++) {
    const b = base();
    const text = mutate(rand() < 0.3 ? mutate(b, rand) : b, rand);
    const ref = outcome(() => detectionsFromJson(parseJsonText(text, 'dt.json'), 'dt.json', 's', gt));
    const ours = outcome(() => readDetections(bytes(text), 'dt.json', 's', gt));
    if ('ok' in ref) {
      tally.accepted++;
      if (!('ok' in ours)) throw new Error(`rejected a document JSON.parse takes: ${ours.error}\n${text}`);
      sameColumns(ours.ok as never, ref.ok as never, DT_COLUMNS);
      if ('ok' in outcome(() => scanDetections(bytes(text), 's', gt))) tally.fastAccepted++;
    } else {
      tally.rejected++;
      expect(ours, text).toEqual(ref);
      expect(() => scanDetections(bytes(text), 's', gt), text).toThrow();
    }
  }
  return tally;
}
