import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLabels, yoloToCoco } from './yolo.ts';

/** A solid-colour image of the given stored size, optionally tagged with an EXIF orientation. */
async function image(file: string, width: number, height: number, orientation?: number): Promise<void> {
  let img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } });
  img = file.endsWith('.png') ? img.png() : img.jpeg();
  if (orientation) img = img.withMetadata({ orientation });
  await img.toFile(file);
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, v] of actual.entries()) expect(v).toBeCloseTo(expected[i]!, 9);
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-yolo-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A Roboflow-style export: data.yaml beside valid/{images,labels}, with Roboflow's "../" paths. */
async function roboflowExport(): Promise<void> {
  await mkdir(join(root, 'valid', 'images'), { recursive: true });
  await mkdir(join(root, 'valid', 'labels'), { recursive: true });
  await writeFile(
    join(root, 'data.yaml'),
    'train: ../train/images\nval: ../valid/images\n\nnc: 2\nnames: [cat, dog]\nroboflow:\n  workspace: w\n',
  );
  await image(join(root, 'valid', 'images', 'a.jpg'), 64, 48);
  // Stored 40 wide and 20 high, displayed rotated (orientation 6): 20 wide, 40 high.
  await image(join(root, 'valid', 'images', 'b.jpg'), 40, 20, 6);
  await image(join(root, 'valid', 'images', 'c.png'), 16, 16); // no label file: background
  await writeFile(join(root, 'valid', 'labels', 'a.txt'), '0 0.5 0.5 0.5 0.5\n1 0.25 0.25 0.1 0.2\n');
  // A polygon line becomes its bounding box.
  await writeFile(join(root, 'valid', 'labels', 'b.txt'), '1 0.1 0.1 0.6 0.1 0.6 0.5 0.1 0.5\n');
}

describe('yoloToCoco', () => {
  it('reads a dataset reached through a symlinked folder as the folder itself, with an Ultralytics path: .', async () => {
    await roboflowExport();
    await writeFile(join(root, 'data.yaml'), 'path: .\nval: valid/images\nnames: [cat, dog]\n');
    const link = join(await mkdtemp(join(tmpdir(), 'podium-yolo-link-')), 'dataset');
    await symlink(root, link);
    const direct = await yoloToCoco({ root, dataYaml: 'data.yaml', split: 'val', label: 'ds' });
    const linked = await yoloToCoco({ root: link, dataYaml: 'data.yaml', split: 'val', label: 'ds' });
    expect(linked.gt).toEqual(direct.gt);
    expect(linked.gt.images.map((im) => im.file_name)).toEqual([
      'valid/images/a.jpg',
      'valid/images/b.jpg',
      'valid/images/c.png',
    ]);
    await rm(join(link, '..'), { recursive: true, force: true });
  });

  it('converts a Roboflow export into COCO boxes in pixels, respecting EXIF orientation', async () => {
    await roboflowExport();
    const { gt, warnings } = await yoloToCoco({ root, dataYaml: 'data.yaml', split: 'val', label: 'ds' });
    expect(warnings).toEqual([]);
    expect(gt.categories).toEqual([
      { id: 1, name: 'cat' },
      { id: 2, name: 'dog' },
    ]);
    expect(gt.images).toEqual([
      { id: 1, file_name: 'valid/images/a.jpg', width: 64, height: 48 },
      { id: 2, file_name: 'valid/images/b.jpg', width: 20, height: 40 },
      { id: 3, file_name: 'valid/images/c.png', width: 16, height: 16 },
    ]);
    expect(gt.annotations).toHaveLength(3);
    const [a0, a1, b0] = gt.annotations;
    expect(a0).toEqual({ id: 1, image_id: 1, category_id: 1, bbox: [16, 12, 32, 24], area: 768, iscrowd: 0 });
    expect(a1!.category_id).toBe(2);
    expectClose(a1!.bbox, [12.8, 7.2, 6.4, 9.6]);
    expect(a1!.area).toBeCloseTo(6.4 * 9.6, 9);
    expect(b0!.image_id).toBe(2);
    expectClose(b0!.bbox, [2, 4, 10, 16]);
  });

  it('uses the manifest categories (ids) when given, and insists the names agree', async () => {
    await roboflowExport();
    const categories = [
      { id: 17, name: 'cat' },
      { id: 18, name: 'dog' },
    ];
    const { gt } = await yoloToCoco({ root, dataYaml: 'data.yaml', split: 'val', categories, label: 'ds' });
    expect(gt.annotations.map((a) => a.category_id)).toEqual([17, 18, 18]);
    await expect(
      yoloToCoco({
        root,
        dataYaml: 'data.yaml',
        split: 'val',
        categories: [categories[1]!, categories[0]!],
        label: 'ds',
      }),
    ).rejects.toThrow(
      'ds → data.yaml: class 0 is "cat" in data.yaml but "dog" in the manifest\'s categories',
    );
  });

  it('reads names given as a mapping and a val list relative to `path`', async () => {
    await mkdir(join(root, 'set', 'images', 'val'), { recursive: true });
    await mkdir(join(root, 'set', 'labels', 'val'), { recursive: true });
    await writeFile(join(root, 'data.yaml'), 'path: set\nval: [images/val]\nnames:\n  0: person\n  1: car\n');
    await image(join(root, 'set', 'images', 'val', 'x.png'), 10, 10);
    await writeFile(join(root, 'set', 'labels', 'val', 'x.txt'), '1 0.5 0.5 1 1\n');
    const { gt } = await yoloToCoco({ root, dataYaml: 'data.yaml', split: 'val', label: 'ds' });
    expect(gt.categories.map((c) => c.name)).toEqual(['person', 'car']);
    expect(gt.annotations[0]).toMatchObject({ category_id: 2, bbox: [0, 0, 10, 10], area: 100 });
  });

  it('refuses a split folder outside the dataset', async () => {
    await writeFile(join(root, 'data.yaml'), 'val: ../../../etc\nnames: [a]\n');
    await expect(yoloToCoco({ root, dataYaml: 'data.yaml', split: 'val', label: 'ds' })).rejects.toThrow(
      'val: "../../../etc" points outside the dataset',
    );
    await expect(yoloToCoco({ root, dataYaml: '../data.yaml', split: 'val', label: 'ds' })).rejects.toThrow(
      'points outside the dataset',
    );
  });

  it('names the missing split', async () => {
    await writeFile(join(root, 'data.yaml'), 'val: valid/images\nnames: [a]\n');
    await expect(yoloToCoco({ root, dataYaml: 'data.yaml', split: 'test', label: 'ds' })).rejects.toThrow(
      'ds → data.yaml: test: expected a folder of images (or a list of folders)',
    );
  });
});

describe('parseLabels', () => {
  it('reports malformed lines by file and line number', () => {
    const warnings: string[] = [];
    expect(() => parseLabels('0 0.5 0.5 0.1 0.1\n3 0.5 0.5 0.1 0.1\n', 'l.txt', 2, warnings)).toThrow(
      'l.txt:2: class 3 is not in names (0..1)',
    );
    expect(() => parseLabels('0 0.5 1.5 0.1 0.1', 'l.txt', 2, warnings)).toThrow(
      'l.txt:1: coordinates must be normalised to [0, 1]',
    );
    expect(() => parseLabels('0 0.5 0.5 0.1', 'l.txt', 2, warnings)).toThrow(
      'l.txt:1: expected "class cx cy w h"',
    );
    expect(() => parseLabels('0 0.5 x 0.1 0.1', 'l.txt', 2, warnings)).toThrow('l.txt:1: not a number');
  });

  it('skips boxes without area with a warning, and blank lines silently', () => {
    const warnings: string[] = [];
    const boxes = parseLabels('\n0 0.5 0.5 0 0.1\r\n1 0.5 0.5 0.2 0.2\n\n', 'l.txt', 2, warnings);
    expect(boxes).toEqual([{ cls: 1, cx: 0.5, cy: 0.5, w: 0.2, h: 0.2 }]);
    expect(warnings).toEqual(['l.txt:2: box without area skipped']);
  });
});
