import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { type CocoDataset, formatCocoJson } from './coco.ts';
import { generateShapes } from './dataset.ts';
import { datasetManifestYaml } from './manifests.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const committedDir = join(repo, 'datasets', 'shapes');
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function generateInto(count: number) {
  const dir = await mkdtemp(join(tmpdir(), 'podium-shapes-'));
  temps.push(dir);
  const ds = await generateShapes({ count, imagesDir: join(dir, 'images') });
  const files = (await readdir(join(dir, 'images'))).sort();
  const hashes = await Promise.all(files.map(async (f) => sha256(await readFile(join(dir, 'images', f)))));
  return { dir, ds, text: formatCocoJson(ds), files, hashes };
}

describe('generateShapes', () => {
  it('is byte-for-byte deterministic (images and annotations)', async () => {
    const [a, b] = [await generateInto(10), await generateInto(10)];
    expect(a.files).toEqual(a.ds.images.map((im) => im.file_name));
    expect(a.hashes).toEqual(b.hashes);
    expect(a.text).toBe(b.text);
    // Real JPEGs of the declared size.
    const first = a.ds.images[0]!;
    const meta = await sharp(join(a.dir, 'images', first.file_name)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', first.width, first.height]);
  });

  it('renders a prefix of the committed dataset, whose pin and manifest match the generator', async () => {
    const committedText = await readFile(join(committedDir, 'annotations.json'), 'utf8');
    const committed = JSON.parse(committedText) as CocoDataset;
    const small = await generateShapes({ count: 8 });
    expect(small.images).toEqual(committed.images.slice(0, 8));
    expect(small.annotations).toEqual(committed.annotations.filter((a) => a.image_id <= 8));
    // The whole committed file, regenerated without encoding JPEGs.
    const full = formatCocoJson(await generateShapes({ count: committed.images.length }));
    expect(sha256(full)).toBe(sha256(committedText));
    const manifestText = await readFile(join(committedDir, 'dataset.yaml'), 'utf8');
    expect(YAML.parse(manifestText).annotations.sha256).toBe(sha256(committedText));
    expect(manifestText).toBe(datasetManifestYaml(sha256(committedText), committed.images.length));
  });
});

describe('committed shapes annotations', () => {
  it('cover every COCO size range, crowds, border cuts and all classes, with sane boxes', async () => {
    const ds = JSON.parse(await readFile(join(committedDir, 'annotations.json'), 'utf8')) as CocoDataset;
    expect(ds.images.length).toBe(300);
    expect(ds.categories.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const images = new Map(ds.images.map((im) => [im.id, im]));
    const sizes = new Set(ds.images.map((im) => `${im.width}x${im.height}`));
    expect(sizes.size).toBeGreaterThan(250);
    const ranges = { small: 0, medium: 0, large: 0, crowd: 0, border: 0 };
    const perClass = new Map<number, number>();
    const ids = new Set<number>();
    for (const a of ds.annotations) {
      const im = images.get(a.image_id)!;
      const [x, y, w, h] = a.bbox;
      expect(ids.has(a.id)).toBe(false);
      ids.add(a.id);
      expect(x >= 0 && y >= 0 && x + w <= im.width && y + h <= im.height).toBe(true);
      expect(a.area).toBeLessThanOrEqual(w * h);
      expect(a.area).toBeGreaterThan(0);
      perClass.set(a.category_id, (perClass.get(a.category_id) ?? 0) + 1);
      if (a.iscrowd) ranges.crowd++;
      else if (a.area < 32 ** 2) ranges.small++;
      else if (a.area < 96 ** 2) ranges.medium++;
      else ranges.large++;
      if (x === 0 || y === 0 || x + w === im.width || y + h === im.height) ranges.border++;
    }
    const objects = ranges.small + ranges.medium + ranges.large;
    expect(ranges.small / objects).toBeGreaterThan(0.2);
    expect(ranges.medium / objects).toBeGreaterThan(0.2);
    expect(ranges.large / objects).toBeGreaterThan(0.1);
    expect(ranges.crowd).toBeGreaterThanOrEqual(5);
    expect(ranges.border).toBeGreaterThan(50);
    for (const c of ds.categories) expect(perClass.get(c.id) ?? 0).toBeGreaterThan(150);
  });
});
