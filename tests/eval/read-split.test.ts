/**
 * The results reader on two threads (read-results.ts scanDetectionsSplit, read-files.ts with an
 * eval-threads.ts helper) against the one-thread reader and JSON.parse: wherever the split falls
 * (true entry boundaries, and look-alikes inside strings), and whether the tail's thread succeeds
 * or fails, the columns, or the error message, are the one-thread reader's.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalHelper } from '../../src/lib/eval/eval-threads.ts';
import { startEvalHelper } from '../../src/lib/eval/eval-threads.ts';
import { JsonScanner } from '../../src/lib/eval/json-scan.ts';
import { detectionsFromJson, gtFromJson, parseJsonText } from '../../src/lib/eval/load.ts';
import { loadInputs } from '../../src/lib/eval/read-files.ts';
import type { ScannedRows } from '../../src/lib/eval/read-results.ts';
import {
  entryBoundary,
  readDetections,
  readDetectionsSplit,
  scanEntries,
} from '../../src/lib/eval/read-results.ts';
import { mulberry32 } from '../../src/lib/util/prng.ts';
import {
  bytes,
  DT_COLUMNS,
  GT_JSON,
  makeGtAnnotations,
  makeResults,
  mutate,
  outcome,
  sameColumns,
  spell,
} from '../support/json-spellings.ts';

async function outcomeAsync<T>(f: () => Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** What the tail's thread answers: its rows, or undefined where its scan gave up. */
function tailOf(b: Uint8Array, split: number): ScannedRows | undefined {
  const copy = new Uint8Array(b.subarray(split));
  try {
    return scanEntries(new JsonScanner(copy), copy.length, -1).rows;
  } catch {
    return undefined;
  }
}

describe('results read in two parts', () => {
  const rand = mulberry32(77);
  const gt = gtFromJson({ ...GT_JSON, annotations: makeGtAnnotations(rand, 40) }, 'gt.json', 'g');
  const reference = (text: string) =>
    outcome(() => detectionsFromJson(parseJsonText(text, 'dt.json'), 'dt.json', 's', gt));

  async function check(text: string, at: number): Promise<boolean> {
    const b = bytes(text);
    const split = entryBoundary(b, at);
    if (split < 0) return false;
    const one = outcome(() => readDetections(b, 'dt.json', 's', gt));
    // The whole file, and only its head (a few bytes past the split, as read-files.ts reads it).
    const head = b.subarray(0, Math.min(b.length, split + 1 + Math.floor(rand() * 40)));
    for (const [bytesRead, whole] of [
      [b, undefined],
      [head, () => b],
    ] as const) {
      // A fresh tail each time: the reader takes the tail's columns over.
      for (const tail of [() => tailOf(b, split), () => undefined]) {
        const two = await outcomeAsync(() =>
          readDetectionsSplit(bytesRead, 'dt.json', 's', gt, split, Promise.resolve(tail()), whole),
        );
        if ('ok' in one) {
          if (!('ok' in two)) throw new Error(`split at ${split} rejected: ${two.error}\n${text}`);
          sameColumns(two.ok as never, one.ok as never, DT_COLUMNS);
        } else expect(two, text).toEqual(one);
      }
    }
    return true;
  }

  it('300 generated documents, split anywhere: the one-thread columns', async () => {
    let splits = 0;
    for (let d = 0; d < 300; d++) {
      const text = spell(makeResults(rand, 2 + Math.floor(rand() * 30)), rand, true);
      expect('ok' in reference(text)).toBe(true);
      if (await check(text, Math.floor(rand() * text.length))) splits++;
    }
    expect(splits).toBeGreaterThan(150);
  });

  it('2000 mutated documents, split anywhere: the same result or the same error message', async () => {
    let splits = 0;
    let rejected = 0;
    for (let d = 0; d < 2000; d++) {
      const base = spell(makeResults(rand, 2 + Math.floor(rand() * 6)), rand, rand() < 0.5);
      const text = mutate(rand() < 0.3 ? mutate(base, rand) : base, rand);
      if (!('ok' in reference(text))) rejected++;
      if (await check(text, Math.floor(rand() * text.length))) splits++;
    }
    expect(splits).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(500);
  });

  it('a look-alike boundary inside a string is not taken for one', async () => {
    const entry = (s: number) => `{"image_id":1,"category_id":3,"bbox":[1,2,3,4],"score":${s}}`;
    const text = `[${entry(0.5)},{"note":"x}, {\\"image_id\\":7","image_id":7,"category_id":1,"bbox":[5,6,7,8],"score":0.25},${entry(0.125)}]`;
    const fake = text.indexOf('}, {');
    expect(entryBoundary(bytes(text), fake)).toBe(fake + 3);
    expect(await check(text, fake)).toBe(true);
    const d = await readDetectionsSplit(
      bytes(text),
      'dt.json',
      's',
      gt,
      fake + 3,
      Promise.resolve(undefined),
    );
    expect(Array.from(d.score)).toEqual([0.5, 0.25, 0.125]);
  });
});

describe('loadInputs with a helper thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podium-split-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(availableParallelism() < 2)(
    'a 5 MB results file: the columns and hashes of the one-thread reader',
    async () => {
      const rand = mulberry32(5);
      const gtJson = { ...GT_JSON, annotations: makeGtAnnotations(rand, 50) };
      writeFileSync(join(dir, 'gt.json'), JSON.stringify(gtJson));
      writeFileSync(join(dir, 'dt.json'), spell(makeResults(rand, 40_000), rand, true));
      const files = [join(dir, 'gt.json'), join(dir, 'dt.json')] as const;
      // Above read-files.ts' SPLIT_MIN_BYTES, so that the helper scans a tail.
      expect(statSync(files[1]).size).toBeGreaterThan(4e6);
      const one = await loadInputs(...files);
      const helper = startEvalHelper();
      expect(helper).toBeDefined();
      if (!helper) return;
      try {
        const two = await loadInputs(...files, { helper });
        sameColumns(two.dt as never, one.dt as never, DT_COLUMNS);
        const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
        expect([one.gt.sha256, await one.dtSha256]).toEqual([sha(files[0]), sha(files[1])]);
        expect([two.gt.sha256, await two.dtSha256]).toEqual([one.gt.sha256, await one.dtSha256]);
        // The hash comes apart: the columns carry none.
        expect(two.dt.sha256).toBe('');
        // Nothing hashed where nothing records it (podium eval --stats-only).
        const unhashed = await loadInputs(...files, { hash: false, helper });
        sameColumns(unhashed.dt as never, one.dt as never, DT_COLUMNS);
        expect([unhashed.gt.sha256, await unhashed.dtSha256]).toEqual(['', '']);
        expect(two.dt.length).toBe(40_000);
        // A helper that fails (it takes the tail with it): the same again.
        const failing: EvalHelper = { run: async () => ({ ok: false }), close: async () => {} };
        const three = await loadInputs(...files, { helper: failing });
        sameColumns(three.dt as never, one.dt as never, DT_COLUMNS);
        expect(await three.dtSha256).toBe(await one.dtSha256);
        // A bad entry near the end (in the helper's part): the one-thread error, word for word.
        const text = readFileSync(files[1], 'utf8');
        const at = text.lastIndexOf('"score"');
        writeFileSync(join(dir, 'bad.json'), `${text.slice(0, at)}"score":NaN,${text.slice(at)}`);
        const bad = [files[0], join(dir, 'bad.json')] as const;
        const error = (p: Promise<unknown>) =>
          p.then(
            () => 'no error',
            (e: Error) => e.message,
          );
        const expected = await error(loadInputs(...bad));
        expect(expected).toMatch(/NaN/);
        expect(await error(loadInputs(...bad, { helper }))).toBe(expected);
      } finally {
        await helper.close();
      }
    },
  );
});
