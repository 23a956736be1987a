import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadModelManifest } from '../../lib/manifest/load.ts';
import { pinWeightsInText } from '../../lib/manifest/pin.ts';
import { ModelBuilder } from '../../lib/onnx/builder.ts';
import { sha256Bytes } from '../../lib/util/hash.ts';
import { runCommand } from '../spec.ts';
import { command } from './pin.ts';

const run = (argv: string[]) => runCommand(command, argv);
const REPO = new URL('../../../', import.meta.url).pathname;
const URL_ = 'https://github.com/example/podium/releases/download/export-yolov8n/yolov8n.onnx';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-pin-'));
  await writeFile(join(root, 'package.json'), '{}');
  // The real manifest awaiting export, as the workflow would find it.
  await mkdir(join(root, 'models'), { recursive: true });
  await cp(join(REPO, 'models/yolov8n'), join(root, 'models/yolov8n'), { recursive: true });
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

function tinyOnnx(): Uint8Array {
  return new ModelBuilder()
    .input('images', 'float32', [1, 3, 32, 32])
    .node('Relu', ['images'], ['y'])
    .output('y', 'float32', [1, 3, 32, 32])
    .toBytes();
}

describe('podium pin', () => {
  it('fills in weights from the file (sha256, bytes), keeps every other line and the export recipe, and validates', async () => {
    const onnx = tinyOnnx();
    await writeFile(join(root, 'model.onnx'), onnx);
    const file = join(root, 'models/yolov8n/model.yaml');
    const before = await readFile(file, 'utf8');
    expect(await loadModelManifest(file, { repoRoot: root }).then((m) => m.manifest.weights)).toBeUndefined();

    expect(
      await run([
        join(root, 'models/yolov8n'),
        '--file',
        join(root, 'model.onnx'),
        '--url',
        URL_,
        '--root',
        root,
      ]),
    ).toBe(0);
    const after = await readFile(file, 'utf8');
    const block = `weights:\n  url: "${URL_}"\n  sha256: ${sha256Bytes(onnx)}\n  bytes: ${onnx.length}\n`;
    // Exactly one block inserted above the comment-free `export:` key; nothing else changed.
    expect(after.replace(block, '')).toBe(before);
    expect(after.indexOf(block)).toBe(after.indexOf('\nexport:') + 1 - block.length);
    const loaded = await loadModelManifest(file, { repoRoot: root });
    expect(loaded.manifest.weights).toEqual({ url: URL_, sha256: sha256Bytes(onnx), bytes: onnx.length });
    expect(loaded.manifest.export?.exporter).toEqual({ package: 'ultralytics', version: '8.4.190' });

    // Pinning again (a re-export) replaces the block in place.
    const other = new ModelBuilder()
      .input('images', 'float32', [1, 3, 64, 64])
      .node('Relu', ['images'], ['y'])
      .output('y', 'float32', [1, 3, 64, 64])
      .toBytes();
    await writeFile(join(root, 'model.onnx'), other);
    expect(
      await run([
        join(root, 'models/yolov8n/model.yaml'),
        '--file',
        join(root, 'model.onnx'),
        '--url',
        URL_,
        '--root',
        root,
      ]),
    ).toBe(0);
    const again = await readFile(file, 'utf8');
    expect(again).toBe(
      after
        .replace(sha256Bytes(onnx), sha256Bytes(other))
        .replace(`bytes: ${onnx.length}`, `bytes: ${other.length}`),
    );
    // No temporary files left beside the manifest.
    expect((await readdir(join(root, 'models/yolov8n'))).sort()).toEqual(['model.yaml']);
  });

  it('refuses a plain http URL, a file that is not ONNX, and leaves the manifest untouched', async () => {
    const file = join(root, 'models/yolov8n/model.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(join(root, 'model.onnx'), tinyOnnx());
    await expect(
      run([
        'models/yolov8n',
        '--file',
        join(root, 'model.onnx'),
        '--url',
        'http://example.org/a.onnx',
        '--root',
        root,
      ]),
    ).rejects.toThrow('--url: plain http URLs are refused: use https://');
    await writeFile(join(root, 'junk.onnx'), 'not an onnx file at all');
    await expect(
      run([join(root, 'models/yolov8n'), '--file', join(root, 'junk.onnx'), '--url', URL_, '--root', root]),
    ).rejects.toThrow(/junk\.onnx/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('keeps the comment above an existing weights block, and appends when the manifest has no anchor key', () => {
    const text = '# top\nid: x\n# the file\nweights: { path: a.onnx }\ninput: { size: [32, 32] }\n';
    const out = pinWeightsInText(text, { url: URL_, sha256: 'ab'.repeat(32), bytes: 3 }, 'x');
    expect(out).toBe(
      `# top\nid: x\n# the file\nweights:\n  url: "${URL_}"\n  sha256: ${'ab'.repeat(32)}\n  bytes: 3\ninput: { size: [32, 32] }\n`,
    );
    expect(pinWeightsInText('id: x', { url: URL_, sha256: 'cd'.repeat(32) }, 'x')).toBe(
      `id: x\nweights:\n  url: "${URL_}"\n  sha256: ${'cd'.repeat(32)}\n`,
    );
  });
});
