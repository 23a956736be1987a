import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../support/build-site.ts';
import { generateBoard } from '../support/fake-board.ts';

/**
 * A results file or manifest that fails its schema must fail `astro build`, and the message must
 * name the file and the field so a contributor can fix it from the CI log.
 */
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podium-bad-board-'));
  await generateBoard({ dir, models: 3, datasets: 1, clean: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function edit(path: string, change: (text: string) => string): Promise<() => Promise<void>> {
  const file = join(dir, path);
  const before = await readFile(file, 'utf8');
  await writeFile(file, change(before));
  return () => writeFile(file, before);
}

describe('astro build validates its inputs', () => {
  it('fails on a results file with an out-of-range metric, naming the file and the field', async () => {
    const restore = await edit('results/fake-coco/yolov5-n.json', (t) => {
      const m = JSON.parse(t);
      m.coco.AP50 = 3.5;
      m.perClass[0].tp = 'many';
      return JSON.stringify(m);
    });
    const built = await buildSite(dir);
    await restore();
    expect(built.ok).toBe(false);
    expect(built.output).toContain('results/fake-coco/yolov5-n.json');
    expect(built.output).toContain('coco.AP50: must be at most 1');
    expect(built.output).toMatch(/perClass\[0\]\.tp: expected a number/);
  });

  it('fails on an invalid model manifest, naming the file and the field', async () => {
    const restore = await edit('models/end2end-n/model.yaml', (t) =>
      t.replace(/^license: .*$/m, 'license: apache2'),
    );
    const built = await buildSite(dir);
    await restore();
    expect(built.ok).toBe(false);
    expect(built.output).toContain('models/end2end-n/model.yaml');
    expect(built.output).toMatch(/license: unknown licence "apache2"/);
  });

  it('builds once the files are valid again', async () => {
    const built = await buildSite(dir);
    expect(built.output).not.toMatch(/invalid/);
    expect(built.ok).toBe(true);
  });
});
