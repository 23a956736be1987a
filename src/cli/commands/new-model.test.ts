import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { buildExportModel } from '../../../tests/support/export-models.ts';
import { loadModelManifest } from '../../lib/manifest/load.ts';
import { ModelBuilder } from '../../lib/onnx/builder.ts';
import { FAMILIES, ModelInput, ModelManifest } from '../../lib/schema/model-manifest.ts';
import { UserError } from '../../lib/util/errors.ts';
import { sha256Bytes } from '../../lib/util/hash.ts';
import { runCommand } from '../spec.ts';
import { command, newModel, PLACEHOLDER, scaffoldModelYaml } from './new-model.ts';

/** Through the parser, as the CLI calls it. */
const run = (argv: string[]) => runCommand(command, argv);

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-new-model-'));
  await writeFile(join(root, 'package.json'), '{}');
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** What a contributor does: replace each TODO, keeping the comments. */
function fill(text: string): string {
  const doc = parseDocument(text);
  doc.setIn(['name'], 'Test Model');
  doc.setIn(['weights', 'url'], 'https://github.com/example/releases/download/v1/model.onnx');
  if (String(doc.getIn(['weights', 'sha256'])).startsWith(PLACEHOLDER))
    doc.setIn(['weights', 'sha256'], 'ab'.repeat(32));
  if (String(doc.getIn(['weights', 'bytes'])).startsWith(PLACEHOLDER))
    doc.setIn(['weights', 'bytes'], 12_345_678);
  doc.setIn(['license'], 'AGPL-3.0-only');
  return doc.toString();
}

function tinyOnnx(customDomain?: string): Uint8Array {
  const b = new ModelBuilder()
    .input('images', 'float32', [1, 3, 32, 32])
    .node('Relu', ['images'], ['y'])
    .output('y', 'float32', [1, 3, 32, 32]);
  if (customDomain) b.node('Deform', ['y'], ['z'], {}, { domain: customDomain, name: 'deform' });
  return b.toBytes();
}

describe('podium new-model', () => {
  it('scaffolds a commented manifest and a README, valid once the TODOs are filled in', async () => {
    expect(await newModel({ family: 'yolov8', weights: undefined, root }, ['yolo-test'])).toBe(0);
    const file = join(root, 'models/yolo-test/model.yaml');
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/model.schema.json');
    expect(await readdir(join(root, 'models/yolo-test'))).toEqual(['README.md', 'model.yaml']);
    expect(await readFile(join(root, 'models/yolo-test/README.md'), 'utf8')).toMatch(/^# yolo-test\n/);

    // As scaffolded, validation fails on exactly the placeholders a contributor must replace.
    const err = await loadModelManifest(file, { repoRoot: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message).toMatch(/^models\/yolo-test\/model\.yaml: /);
    for (const field of ['weights.url', 'weights.sha256', 'weights.bytes', 'license'])
      expect(message).toContain(`${field}:`);

    await writeFile(file, fill(text));
    const loaded = await loadModelManifest(file, { repoRoot: root, checkFiles: true });
    expect(loaded.manifest).toMatchObject({
      id: 'yolo-test',
      name: 'Test Model',
      family: 'yolov8',
      input: { size: [640, 640], resize: 'letterbox', colour: 'RGB', padValue: 114 },
      classes: 'coco80',
      hidden: false,
    });
    expect(await readFile(file, 'utf8')).not.toContain(PLACEHOLDER);
  });

  it('explains every field of the manifest schema', () => {
    const text = scaffoldModelYaml({ id: 'x1' });
    for (const key of Object.keys(ModelManifest.shape))
      expect(text, key).toMatch(new RegExp(`^(# )?${key}:`, 'm'));
    for (const key of Object.keys(ModelInput.shape))
      expect(text, `input.${key}`).toMatch(new RegExp(`^ +(# +)?${key}:`, 'm'));
  });

  it('validates for every family', async () => {
    for (const family of FAMILIES) {
      const id = `m-${family}`;
      expect(await run([id, '--family', family, '--root', root])).toBe(0);
      const file = join(root, 'models', id, 'model.yaml');
      await writeFile(file, fill(await readFile(file, 'utf8')));
      expect((await loadModelManifest(file, { repoRoot: root })).manifest.family).toBe(family);
    }
  });

  it('proposes the family and inputs of a recognisable signature, and says so', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // A D-FINE / DEIM export's signature: images + orig_target_sizes → labels, boxes, scores.
    const detr = buildExportModel({
      image: { name: 'images', dtype: 'float32', dims: ['N', 3, 320, 320], layout: 'NCHW' },
      extra: [{ name: 'orig_target_sizes', dtype: 'int64', dims: ['N', 2] }],
      outputs: [
        { name: 'labels', dims: ['N', 1], dtype: 'int64', value: new Float32Array([0]), shape: [1] },
        { name: 'boxes', dims: ['N', 1, 4], dtype: 'float32', value: new Float32Array(4), shape: [1, 4] },
        { name: 'scores', dims: ['N', 1], dtype: 'float32', value: new Float32Array(1), shape: [1] },
      ],
    });
    await writeFile(join(root, 'detr.onnx'), detr);
    expect(await run(['deim-x', '--weights', join(root, 'detr.onnx'), '--root', root])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(
      /recognised .*detr\.onnx: two inputs, 'images' and orig_target_sizes: a DETR export with its post-processor/,
    );
    log.mockRestore();
    const file = join(root, 'models/deim-x/model.yaml');
    await writeFile(file, fill(await readFile(file, 'utf8')));
    const { manifest } = await loadModelManifest(file, { repoRoot: root });
    expect(manifest.family).toBe('postprocessed');
    expect(manifest.decoder).toEqual({ boxFormat: 'xyxy', boxSpace: 'original', labelIndex: 'zero-based' });
    expect(manifest.input).toMatchObject({
      size: [320, 320],
      resize: 'stretch',
      name: 'images',
      extra: [{ name: 'orig_target_sizes', value: 'original-size', order: 'wh', dtype: 'int64' }],
    });
  });

  it('fills in sha256 and bytes from local weights, and refuses custom operators', async () => {
    const onnx = tinyOnnx();
    await writeFile(join(root, 'good.onnx'), onnx);
    expect(await run(['from-file', '--weights', join(root, 'good.onnx'), '--root', root])).toBe(0);
    const text = await readFile(join(root, 'models/from-file/model.yaml'), 'utf8');
    expect(text).toContain(`sha256: ${sha256Bytes(onnx)}`);
    expect(text).toContain(`bytes: ${onnx.length}`);
    const filled = fill(text);
    await writeFile(join(root, 'models/from-file/model.yaml'), filled);
    const loaded = await loadModelManifest(join(root, 'models/from-file/model.yaml'), { repoRoot: root });
    expect(loaded.manifest.weights).toMatchObject({ sha256: sha256Bytes(onnx), bytes: onnx.length });

    await writeFile(join(root, 'custom.onnx'), tinyOnnx('com.example.custom'));
    await expect(run(['custom-ops', '--weights', join(root, 'custom.onnx'), '--root', root])).rejects.toThrow(
      /custom\.onnx: model uses custom operators.*domain 'com\.example\.custom'/,
    );
    await expect(readdir(join(root, 'models/custom-ops'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses an invalid id, an existing one, and an unknown family', async () => {
    for (const bad of ['../escape', 'Upper', 'a', '_under', 'x/y', 'a'.repeat(65)])
      await expect(run([bad, '--root', root]), bad).rejects.toThrow(/is not a valid model id/);
    await mkdir(join(root, 'models/taken'), { recursive: true });
    await writeFile(join(root, 'models/taken/model.yaml'), 'id: taken\n');
    await expect(run(['taken', '--root', root])).rejects.toThrow(/models\/taken already exists/);
    expect(await readFile(join(root, 'models/taken/model.yaml'), 'utf8')).toBe('id: taken\n');
    await expect(run(['fresh-id', '--family', 'yolo', '--root', root])).rejects.toThrow(
      /--family: expected one of yolov8, /,
    );
    await expect(run(['--root', root])).rejects.toThrow(/expected exactly 1 model id argument, got 0/);
    await expect(readdir(join(root, 'models'))).resolves.toEqual(['taken']);
  });
});
