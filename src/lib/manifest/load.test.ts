import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../util/errors.ts';
import { loadAllManifests } from './discover.ts';
import { findModel, loadDatasetManifest, loadModelManifest } from './load.ts';
import { duplicateIdProblems } from './policy.ts';

const SHA = 'ab'.repeat(32);
const sha = (b: string) => createHash('sha256').update(b).digest('hex');

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'podium-manifest-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** Writes models/<folder>/model.yaml (or any relative path) with the given text. */
async function put(path: string, text: string): Promise<string> {
  const file = join(repo, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

function model(
  id: string,
  weights = `{ url: "https://example.org/${id}.onnx", sha256: ${SHA} }`,
  extra = '',
): string {
  return [
    '# yaml-language-server: $schema=../../schema/model.schema.json',
    `id: ${id}`,
    'name: Test model',
    'family: yolov8',
    `weights: ${weights}`,
    'input: { size: [640, 640] }',
    'classes: coco80',
    'license: Apache-2.0',
    extra,
  ].join('\n');
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(isUserError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('loadModelManifest', () => {
  it('loads a valid manifest with its location and the sha256 of its bytes', async () => {
    const text = model('tiny-a');
    const file = await put('models/tiny-a/model.yaml', text);
    const loaded = await loadModelManifest(file, { repoRoot: repo });
    expect(loaded.manifest.id).toBe('tiny-a');
    expect(loaded.path).toBe('models/tiny-a/model.yaml');
    expect(loaded.dir).toBe(join(repo, 'models', 'tiny-a'));
    expect(loaded.sha256).toBe(sha(text));
  });

  it('requires the id to equal the folder name, alongside schema errors', async () => {
    const file = await put('models/tiny-a/model.yaml', model('tiny-b').replace('Apache-2.0', 'Apache 2'));
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      [
        'models/tiny-a/model.yaml: 2 problems',
        '  - license: unknown licence "Apache 2": use an SPDX id (e.g. Apache-2.0, MIT, AGPL-3.0-only, CC-BY-4.0) or LicenseRef-<name>',
        '  - id: "tiny-b" must equal the folder name "tiny-a" (expected models/tiny-b/model.yaml)',
      ].join('\n'),
    );
  });

  it('requires manifests to live at models/<id>/model.yaml', async () => {
    const file = await put('elsewhere/tiny-a/model.yaml', model('tiny-a'));
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      'elsewhere/tiny-a/model.yaml: (top level): a model manifest must live at models/tiny-a/model.yaml, not elsewhere/tiny-a/model.yaml',
    );
  });
});

describe('security', () => {
  it('refuses a path-traversal id, and findModel never touches the file system for one', async () => {
    const file = await put('models/etc/model.yaml', model('../../etc'));
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toMatch(
      /^models\/etc\/model\.yaml: id: expected a lowercase slug/,
    );
    expect(await failure(findModel('../../etc', { repoRoot: repo }))).toBe(
      '"../../etc" is not a valid model id (a lowercase slug)',
    );
  });

  it('refuses plain http weights', async () => {
    const file = await put(
      'models/tiny-a/model.yaml',
      model('tiny-a', `{ url: "http://example.org/w.onnx", sha256: ${SHA} }`),
    );
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      'models/tiny-a/model.yaml: weights.url: plain http URLs are refused: use https://',
    );
  });

  it('refuses remote weights without a sha256', async () => {
    const file = await put(
      'models/tiny-a/model.yaml',
      model('tiny-a', '{ url: "https://example.org/w.onnx" }'),
    );
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      'models/tiny-a/model.yaml: weights.sha256: required',
    );
  });

  it('refuses an oversized weights declaration', async () => {
    const weights = `{ url: "https://example.org/w.onnx", sha256: ${SHA}, bytes: 5000000000 }`;
    const file = await put('models/tiny-a/model.yaml', model('tiny-a', weights));
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      'models/tiny-a/model.yaml: weights.bytes: weights declares 5000000000 bytes, over the limit of 2147483648 bytes (2 GiB)',
    );
  });

  it('refuses weights paths escaping the repository, lexically or through a symlink', async () => {
    const escaping = await put('models/tiny-a/model.yaml', model('tiny-a', '{ path: ../../../etc/passwd }'));
    expect(await failure(loadModelManifest(escaping, { repoRoot: repo }))).toBe(
      'models/tiny-a/model.yaml: weights.path: "../../../etc/passwd" points outside the repository',
    );
    const absolute = await put('models/tiny-b/model.yaml', model('tiny-b', '{ path: /etc/passwd }'));
    expect(await failure(loadModelManifest(absolute, { repoRoot: repo }))).toMatch(
      /weights\.path: absolute paths are refused/,
    );

    const outside = await mkdtemp(join(tmpdir(), 'podium-outside-'));
    try {
      await writeFile(join(outside, 'w.onnx'), 'x');
      const linked = await put('models/tiny-c/model.yaml', model('tiny-c', '{ path: w.onnx }'));
      await symlink(join(outside, 'w.onnx'), join(repo, 'models', 'tiny-c', 'w.onnx'));
      // Without reading files the link cannot be judged; with checkFiles it is caught.
      await expect(loadModelManifest(linked, { repoRoot: repo })).resolves.toBeDefined();
      expect(await failure(loadModelManifest(linked, { repoRoot: repo, checkFiles: true }))).toBe(
        'models/tiny-c/model.yaml: weights.path: "w.onnx" points outside the repository',
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('never runs YAML tags such as !!js/function, and refuses them', async () => {
    const marker = join(repo, 'pwned');
    const file = await put(
      'models/tiny-a/model.yaml',
      model(
        'tiny-a',
        undefined,
        `description: !!js/function "function () { require('fs').writeFileSync('${marker}', 'x') }"`,
      ),
    );
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      'models/tiny-a/model.yaml: line 9, column 14: tags (!!js/function) are not allowed in manifests: write plain values',
    );
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses anchors and aliases (no "billion laughs" expansion)', async () => {
    const file = await put(
      'models/tiny-a/model.yaml',
      model('tiny-a', undefined, 'authors: &a [x, x, x]\ntags: *a'),
    );
    expect(await failure(loadModelManifest(file, { repoRoot: repo }))).toBe(
      [
        'models/tiny-a/model.yaml: 2 problems',
        '  - line 9, column 10: anchors (&a) are not allowed in manifests',
        '  - line 10, column 7: aliases (*a) are not allowed in manifests',
      ].join('\n'),
    );
  });

  it('refuses duplicate keys and several documents', async () => {
    const dup = await put('models/tiny-a/model.yaml', `${model('tiny-a')}\nname: Again\n`);
    expect(await failure(loadModelManifest(dup, { repoRoot: repo }))).toMatch(
      /line 10, column 1: Map keys must be unique/,
    );
    const multi = await put('models/tiny-b/model.yaml', `${model('tiny-b')}\n---\nid: other\n`);
    expect(await failure(loadModelManifest(multi, { repoRoot: repo }))).toMatch(/multiple documents/);
  });
});

describe('loadDatasetManifest', () => {
  it('checks local files on request: presence, sha256', async () => {
    await put('datasets/tiny-ds/ann.json', '{}');
    const file = await put(
      'datasets/tiny-ds/dataset.yaml',
      [
        'id: tiny-ds',
        'name: Tiny',
        'task: detect',
        'split: val',
        'format: coco',
        `annotations: { path: ann.json, sha256: ${SHA} }`,
        'images: { path: images }',
        'license: CC-BY-4.0',
      ].join('\n'),
    );
    await expect(loadDatasetManifest(file, { repoRoot: repo })).resolves.toBeDefined();
    expect(await failure(loadDatasetManifest(file, { repoRoot: repo, checkFiles: true }))).toBe(
      [
        'datasets/tiny-ds/dataset.yaml: 2 problems',
        `  - annotations.path: sha256 of datasets/tiny-ds/ann.json is ${sha('{}')}, but the manifest says ${SHA}`,
        '  - images.path: "images" not found',
      ].join('\n'),
    );
  });
});

describe('loadAllManifests', () => {
  it('collects every error instead of stopping at the first, and flags folders without a manifest', async () => {
    await put('models/good-one/model.yaml', model('good-one'));
    await put('models/bad-one/model.yaml', model('bad-one', '{ url: "http://x.org/w" }'));
    await put('models/no-manifest/model.yml', model('no-manifest'));
    await put('datasets/bad-ds/dataset.yaml', 'id: bad-ds\n');
    const { models, datasets, errors } = await loadAllManifests(undefined, { repoRoot: repo });
    expect(models.map((m) => m.manifest.id)).toEqual(['good-one']);
    expect(datasets).toEqual([]);
    expect(errors.map((e) => e.file).sort()).toEqual([
      'datasets/bad-ds/dataset.yaml',
      'models/bad-one/model.yaml',
      'models/no-manifest',
    ]);
  });

  it('cannot hold two manifests with one id: each must sit in its own models/<id>/ folder', async () => {
    const a = await put('models/dup-id/model.yaml', model('dup-id'));
    const b = await put('other/models/dup-id/model.yaml', model('dup-id'));
    const { errors } = await loadAllManifests([a, b], { repoRoot: repo });
    expect(errors.map((e) => e.message)).toEqual([
      'other/models/dup-id/model.yaml: (top level): a model manifest must live at models/dup-id/model.yaml, not other/models/dup-id/model.yaml',
    ]);
    // The same file named twice is one manifest, not a duplicate.
    const { models, errors: again } = await loadAllManifests([a, a], { repoRoot: repo });
    expect(again).toEqual([]);
    expect(models).toHaveLength(1);
  });
});

describe('duplicateIdProblems', () => {
  it('flags every later occurrence of an id, naming the first', () => {
    const found = duplicateIdProblems([
      { id: 'a', file: 'x/a.yaml' },
      { id: 'b', file: 'x/b.yaml' },
      { id: 'a', file: 'y/a.yaml' },
      { id: 'a', file: 'z/a.yaml' },
    ]);
    expect(found.map((f) => [f.item.file, f.problem.message])).toEqual([
      ['y/a.yaml', 'duplicate id "a" (also x/a.yaml)'],
      ['z/a.yaml', 'duplicate id "a" (also x/a.yaml)'],
    ]);
  });
});
