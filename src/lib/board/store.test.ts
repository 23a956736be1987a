import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMetrics, tempRepo } from '../../../tests/support/board-fixtures.ts';
import { UserError } from '../util/errors.ts';
import {
  historyEntryOf,
  readResult,
  readResultIfExists,
  resultPath,
  resultRelativePath,
  saveResult,
  withHistory,
  writeResult,
} from './store.ts';

describe('result paths', () => {
  it('is results/<dataset>/<model>.json', async () => {
    expect(resultRelativePath('coco-val2017', 'yolov8n')).toBe('results/coco-val2017/yolov8n.json');
    expect(resultPath('/repo', 'coco-val2017', 'yolov8n')).toBe('/repo/results/coco-val2017/yolov8n.json');
  });

  it('refuses ids that could walk the file system', () => {
    expect(() => resultPath('/repo', '../etc', 'x1')).toThrow(UserError);
    expect(() => resultPath('/repo', 'coco', '../../passwd')).toThrow(/not a valid model id/);
    expect(() => resultRelativePath('Coco', 'm1')).toThrow(/not a valid dataset id/);
  });
});

describe('reading and writing', () => {
  it('round-trips a real metric JSON atomically', async () => {
    const root = await tempRepo();
    const file = resultPath(root, 'tiny', 'tiny-model');
    const metrics = makeMetrics({});
    await writeResult(file, metrics);
    expect(await readResult(file)).toEqual(metrics);
    // No temp files left beside it.
    expect(await readdir(join(root, 'results', 'tiny'))).toEqual(['tiny-model.json']);
    expect(await readResultIfExists(join(root, 'results', 'tiny', 'other.json'))).toBeUndefined();
  });

  it('names the file and the field of a bad result', async () => {
    const root = await tempRepo();
    const file = join(root, 'bad.json');
    const metrics = makeMetrics({}) as unknown as Record<string, Record<string, unknown>>;
    metrics['coco']!['AP'] = 7;
    delete metrics['run']!['cacheKey'];
    await writeFile(file, JSON.stringify(metrics));
    const err = await readResult(file, 'results/tiny/bad.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^results\/tiny\/bad\.json: 2 problems/);
    expect((err as Error).message).toMatch(/coco\.AP: must be at most 1/);
    expect((err as Error).message).toMatch(/run\.cacheKey: required/);
  });

  it('reports broken JSON with its position, and a missing file', async () => {
    const root = await tempRepo();
    const file = join(root, 'broken.json');
    await writeFile(file, '{"schemaVersion": 1,\n "coco": }');
    await expect(readResult(file, 'results/x/broken.json')).rejects.toThrow(
      /^results\/x\/broken\.json: invalid JSON/,
    );
    await expect(readResult(join(root, 'nope.json'), 'results/x/nope.json')).rejects.toThrow(
      'results/x/nope.json: file not found',
    );
  });

  it('refuses to write an invalid result and leaves the old one intact', async () => {
    const root = await tempRepo();
    const file = resultPath(root, 'tiny', 'tiny-model');
    await writeResult(file, makeMetrics({}));
    const before = await readFile(file, 'utf8');
    const bad = { ...makeMetrics({}), perIoU: [0.5] };
    await expect(writeResult(file, bad, 'results/tiny/tiny-model.json')).rejects.toThrow(
      /results\/tiny\/tiny-model\.json: perIoU: must have exactly 10 items/,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});

describe('history', () => {
  it('takes the headline numbers of a run', () => {
    const m = makeMetrics({ date: '2026-02-01T00:00:00Z', cacheKey: 'd'.repeat(64), inferenceMs: 7 });
    expect(historyEntryOf(m)).toEqual({
      date: '2026-02-01T00:00:00Z',
      AP: m.coco.AP,
      AP50: m.coco.AP50,
      inferenceMs: 7,
      device: 'Test CPU',
      podiumVersion: '0.1.0',
      cacheKey: 'd'.repeat(64),
    });
    expect(m.coco.AP).toBeGreaterThan(0);
  });

  it('appends the replaced run, oldest first, across several re-benchmarks', async () => {
    const root = await tempRepo();
    const file = resultPath(root, 'tiny', 'tiny-model');
    const runs = ['2026-01-01', '2026-02-01', '2026-03-01'].map((d, i) =>
      makeMetrics({ date: `${d}T00:00:00Z`, cacheKey: String(i + 1).repeat(64), inferenceMs: 10 + i }),
    );
    expect((await saveResult(file, runs[0]!)).replaced).toBe(false);
    expect((await saveResult(file, runs[1]!)).replaced).toBe(true);
    await saveResult(file, runs[2]!);
    const stored = await readResult(file);
    expect(stored.run?.date).toBe('2026-03-01T00:00:00Z');
    expect(stored.history.map((h) => [h.date, h.cacheKey, h.inferenceMs])).toEqual([
      ['2026-01-01T00:00:00Z', '1'.repeat(64), 10],
      ['2026-02-01T00:00:00Z', '2'.repeat(64), 11],
    ]);
  });

  it('is idempotent: saving the same run twice, or a run whose history already has the old one', async () => {
    const root = await tempRepo();
    const file = resultPath(root, 'tiny', 'tiny-model');
    const old = makeMetrics({ date: '2026-01-01T00:00:00Z', cacheKey: '1'.repeat(64) });
    const next = makeMetrics({ date: '2026-02-01T00:00:00Z', cacheKey: '2'.repeat(64) });
    await saveResult(file, old);
    await saveResult(file, next);
    await saveResult(file, next);
    expect((await readResult(file)).history).toHaveLength(1);
    // A result built elsewhere that already carries the history (e.g. a CI artifact).
    const prebuilt = withHistory(
      makeMetrics({ date: '2026-03-01T00:00:00Z', cacheKey: '3'.repeat(64) }),
      next,
    );
    expect(prebuilt.history.map((h) => h.date)).toEqual(['2026-02-01T00:00:00Z']);
    await saveResult(file, prebuilt);
    const stored = await readResult(file);
    expect(stored.run?.date).toBe('2026-03-01T00:00:00Z');
    expect(stored.history.map((h) => h.date)).toEqual(['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z']);
  });

  it('keeps a forced re-run with the same cache key', () => {
    const a = makeMetrics({ date: '2026-01-01T00:00:00Z', cacheKey: '1'.repeat(64), inferenceMs: 9 });
    const b = makeMetrics({ date: '2026-01-08T00:00:00Z', cacheKey: '1'.repeat(64), inferenceMs: 4 });
    expect(withHistory(b, a).history.map((h) => h.inferenceMs)).toEqual([9]);
  });

  it('refuses to replace another model’s result and to store a smoke run', async () => {
    const root = await tempRepo();
    const file = resultPath(root, 'tiny', 'tiny-model');
    await saveResult(file, makeMetrics({}));
    await expect(saveResult(file, makeMetrics({ model: 'other-model' }))).rejects.toThrow(
      /model\.id: the stored result is for model "tiny-model", the new one for "other-model"/,
    );
    await expect(saveResult(file, makeMetrics({ limit: 50 }))).rejects.toThrow(/limited to 50 images/);
    await mkdir(join(root, 'tmp'));
    const smoke = join(root, 'tmp', 'smoke.json');
    await saveResult(smoke, makeMetrics({ limit: 50 }), { allowLimited: true });
    expect((await readResult(smoke)).run?.limit).toBe(50);
  });
});
