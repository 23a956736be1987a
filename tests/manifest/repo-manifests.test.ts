/**
 * The repository's own manifests: every one validates, every official URL is pinned to a commit
 * and a sha256, vendored weights match their pins and carry a licence, and the figures the issue
 * fixed (COCO's published checksums, the zoo's LFS objects) are the ones written down.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllManifests } from '../../src/lib/manifest/discover.ts';
import { sha256File } from '../../src/lib/util/hash.ts';

const REPO = join(import.meta.dirname, '../..');
const all = await loadAllManifests(undefined, { repoRoot: REPO });
// The shapes demo's files are generated (git-ignored); everything else is checked with its files.
const real = all.models.filter((m) => !m.manifest.id.startsWith('shapes-'));

describe('the repository manifests', () => {
  it('all validate (schema and policy, no network)', () => {
    expect(all.errors.map((e) => e.message)).toEqual([]);
    expect(real.length).toBeGreaterThanOrEqual(30);
    expect(all.datasets.map((d) => d.manifest.id).sort()).toEqual(['coco-val2017', 'coco128', 'shapes']);
  });

  it('pin every official download to a commit (or a release asset) and a sha256 with its size', () => {
    const remote = real.filter((m) => m.manifest.weights && 'url' in m.manifest.weights);
    expect(remote.length).toBe(12);
    for (const m of remote) {
      const w = m.manifest.weights as { url: string; sha256: string; bytes?: number };
      expect(w.url, m.path).toMatch(
        /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/raw\/[0-9a-f]{40}\/\S+\.onnx$/,
      );
      expect(w.bytes, m.path).toBeGreaterThan(0);
    }
    const byId = new Map(real.map((m) => [m.manifest.id, m.manifest]));
    const pin = (id: string) => byId.get(id)?.weights as { sha256: string; bytes: number };
    expect(pin('faster-rcnn-12')).toMatchObject({
      sha256: '789104f5a47f008450a37e02da8a8d3642766ed10d91238312b1532fe72789a6',
      bytes: 176_713_194,
    });
    expect(pin('opencv-zoo-yolox-s')).toMatchObject({
      sha256: 'c5c2d13e59ae883e6af3b45daea64af4833a4951c92d116ec270d9ddbe998063',
      bytes: 35_858_002,
    });
  });

  it('vendor four real detectors with matching digests and a licence file, none of them AGPL', async () => {
    const local = real.filter((m) => m.manifest.weights && 'path' in m.manifest.weights);
    expect(local.map((m) => m.manifest.id).sort()).toEqual([
      'deimv2-atto',
      'fastestdet',
      'nanodet-plus-m-1-5x-416',
      'yolox-nano',
    ]);
    for (const m of local) {
      const w = m.manifest.weights as { path: string; sha256: string };
      expect(await sha256File(join(m.dir, w.path)), m.path).toBe(w.sha256);
      expect(existsSync(join(m.dir, 'LICENSE')), `${m.path}: LICENSE`).toBe(true);
      expect(m.manifest.license, m.path).not.toMatch(/GPL/);
      const licence = await readFile(join(m.dir, 'LICENSE'), 'utf8');
      expect(licence, m.path).toMatch(
        m.manifest.license === 'BSD-3-Clause' ? /BSD 3-Clause/ : /Apache License/,
      );
    }
    // The vendored NanoDet is opencv_zoo's official file: same bytes as the pinned URL.
    const vendored = local.find((m) => m.manifest.id === 'nanodet-plus-m-1-5x-416')!.manifest.weights!;
    const official = real.find((m) => m.manifest.id === 'opencv-zoo-nanodet')!.manifest.weights!;
    expect(vendored.sha256).toBe(official.sha256);
  });

  it('list the export-only models with a recipe and their reported AP, in percent, with a source', () => {
    const awaiting = real.filter((m) => m.manifest.weights === undefined);
    expect(awaiting.map((m) => m.manifest.id).sort()).toEqual([
      'd-fine-n',
      'd-fine-s',
      'deim-n',
      'deim-s',
      'rf-detr-n',
      'rf-detr-s',
      'rt-detrv2-s',
      'yolo11n',
      'yolo11s',
      'yolo26n',
      'yolo26s',
      'yolov10n',
      'yolov8n',
      'yolov8s',
    ]);
    for (const m of awaiting) expect(m.manifest.export, m.path).toBeDefined();
    for (const m of real) {
      const r = m.manifest.reported;
      expect(r, `${m.path}: reported`).toBeDefined();
      // Percent, as the schema says: every published AP here is between 10 and 60 points.
      expect(r!.AP!, m.path).toBeGreaterThan(10);
      expect(r!.AP!, m.path).toBeLessThan(60);
      expect(r!.source, m.path).toMatch(/^https:\/\//);
    }
  });

  it('pin COCO val2017 by its published checksums, as members of its archives', () => {
    const coco = all.datasets.find((d) => d.manifest.id === 'coco-val2017')!.manifest;
    expect(coco.annotations).toEqual({
      archive: {
        url: 'http://images.cocodataset.org/annotations/annotations_trainval2017.zip',
        sha256: '113a836d90195ee1f884e704da6304dfaaecff1f023f49b6ca93c4aaae470268',
        bytes: 252_907_541,
      },
      member: 'annotations/instances_val2017.json',
    });
    expect(coco.images).toEqual({
      archive: {
        url: 'http://images.cocodataset.org/zips/val2017.zip',
        sha256: '4f7e2ccb2866ec5041993c9cf2a952bbed69647b115d0f74da7ce8f4bef82f05',
        bytes: 815_585_330,
      },
      member: 'val2017',
    });
    const coco128 = all.datasets.find((d) => d.manifest.id === 'coco128')!.manifest;
    expect(coco128.caveats?.[0]).toMatch(/^Training images/);
    expect(coco128.licenses?.map((l) => l.license)).toEqual([
      'CC-BY-4.0',
      'LicenseRef-Flickr-Terms',
      'GPL-3.0',
    ]);
  });
});
