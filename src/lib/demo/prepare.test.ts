import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetManifest, loadModelManifest } from '../manifest/load.ts';
import { isUserError } from '../util/errors.ts';
import { DEMO_MODELS } from './models/catalog.ts';
import { prepareDemo } from './prepare.ts';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-prepare-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('prepareDemo', () => {
  it('builds a small self-contained demo whose manifests validate with their files', async () => {
    const lines: string[] = [];
    const result = await prepareDemo({ root, images: 6, log: (l) => lines.push(l) });
    expect(result.written).toEqual({
      images: 6,
      annotations: true,
      models: DEMO_MODELS.length,
      manifests: 1 + DEMO_MODELS.length,
    });
    expect(lines.join('\n')).toContain('generating 6 images');
    // The manifest loader re-hashes every pinned file (checkFiles) and checks ids against folders.
    const ds = await loadDatasetManifest(result.dataset.manifest, { repoRoot: root, checkFiles: true });
    expect(ds.manifest.categories?.length).toBe(6);
    for (const m of result.models) {
      const loaded = await loadModelManifest(m.manifest, { repoRoot: root, checkFiles: true });
      expect(loaded.manifest.id).toBe(m.id);
      expect(await readFile(join(root, 'models', m.id, 'README.md'), 'utf8')).toMatch(/^# /);
    }
  });

  it('writes nothing when everything is in place', async () => {
    // (How fast that is shows in `npm run demo`'s own timing, not in a timed test.)
    const result = await prepareDemo({ root });
    expect(result.dataset.images).toBe(6);
    expect(result.written).toEqual({ images: 0, annotations: false, models: 0, manifests: 0 });
  });

  it('regenerates exactly what is missing or altered', async () => {
    await rm(join(root, 'datasets', 'shapes', 'images', '000004.jpg'));
    await writeFile(join(root, 'models', 'shapes-yolo-nano', 'model.onnx'), 'not a model');
    const before = await readFile(join(root, 'datasets', 'shapes', 'annotations.json'), 'utf8');
    const result = await prepareDemo({ root });
    expect(result.written).toEqual({ images: 1, annotations: false, models: 1, manifests: 0 });
    expect(await readFile(join(root, 'datasets', 'shapes', 'annotations.json'), 'utf8')).toBe(before);
    await loadModelManifest(join(root, 'models', 'shapes-yolo-nano', 'model.yaml'), {
      repoRoot: root,
      checkFiles: true,
    });
  });

  it('refuses a pin the generator does not reproduce, naming the file and field', async () => {
    const file = join(root, 'models', 'shapes-e2e-small', 'model.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/sha256: [0-9a-f]{64}/, `sha256: ${'ab'.repeat(32)}`));
    const err = await prepareDemo({ root }).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(/^models\/shapes-e2e-small\/model\.yaml: weights\.sha256: .*abab/);
    await writeFile(file, text);

    const wrongCount = await prepareDemo({ root, images: 7 }).catch((e: unknown) => e);
    expect(isUserError(wrongCount)).toBe(true);
    expect((wrongCount as Error).message).toMatch(
      /^datasets\/shapes\/dataset\.yaml: annotations\.sha256 pins 6 images/,
    );
  });
});
