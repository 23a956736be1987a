import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMetrics } from '../../tests/support/fake-board.ts';
import { isBoardEntry, listResultFiles, notABoardEntry, readResultFile } from './read-results.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-results-'));
  await mkdir(join(root, 'results', 'fake-coco'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function put(name: string, data: unknown): Promise<{ path: string; dataset: string; model: string }> {
  await writeFile(
    join(root, 'results', 'fake-coco', `${name}.json`),
    typeof data === 'string' ? data : JSON.stringify(data),
  );
  return { path: `results/fake-coco/${name}.json`, dataset: 'fake-coco', model: name };
}

describe('reading results', () => {
  it('lists results by dataset folder and returns nothing when results/ is absent', async () => {
    const m = fakeMetrics();
    await put(m.model!.id, m);
    const files = await listResultFiles(root);
    expect(files.map((f) => f.path)).toContain(`results/fake-coco/${m.model!.id}.json`);
    expect(await listResultFiles(join(root, 'nowhere'))).toEqual([]);
  });

  it('accepts a valid file', async () => {
    const m = fakeMetrics();
    const f = await put(m.model!.id, m);
    const read = await readResultFile(root, f);
    expect(read.coco.AP).toBe(m.coco.AP);
    expect(isBoardEntry(read)).toBe(true);
  });

  it('names the file and the field of a schema violation', async () => {
    const m = fakeMetrics();
    (m.coco as { AP: number }).AP = 1.7;
    (m.perClass[3] as { gt: number }).gt = -2;
    const f = await put(m.model!.id, m);
    await expect(readResultFile(root, f)).rejects.toThrow(/results\/fake-coco\/yolov8-n\.json/);
    await expect(readResultFile(root, f)).rejects.toThrow(/coco\.AP: must be at most 1/);
    await expect(readResultFile(root, f)).rejects.toThrow(/perClass\[3\]\.gt/);
  });

  it('names the file when it is not JSON', async () => {
    const f = await put('broken', '{"schemaVersion": 1,');
    await expect(readResultFile(root, f)).rejects.toThrow(/results\/fake-coco\/broken\.json: not valid JSON/);
  });

  it('refuses a file whose ids disagree with its location', async () => {
    const m = fakeMetrics();
    const f = await put('other-name', m);
    await expect(readResultFile(root, f)).rejects.toThrow(
      /model\.id: "yolov8-n" does not match the file name other-name\.json/,
    );
  });

  it('recognises standalone eval outputs as not board entries', () => {
    const m = fakeMetrics();
    expect(notABoardEntry({ ...m, run: null, speed: null })).toMatch(/run, speed are null/);
    expect(notABoardEntry(m)).toBeUndefined();
  });
});
