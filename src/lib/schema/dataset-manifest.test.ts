import { describe, expect, it } from 'vitest';
import { DatasetManifest } from './dataset-manifest.ts';

const SHA = 'ab'.repeat(32);

describe('DatasetManifest', () => {
  const coco = {
    id: 'coco-val2017',
    name: 'COCO val2017',
    task: 'detect',
    split: 'val2017',
    format: 'coco',
    annotations: { url: 'https://example.org/instances_val2017.json', sha256: SHA },
    images: { archive: { url: 'https://example.org/val2017.zip', sha256: SHA, bytes: 815_585_330 } },
    license: 'CC-BY-4.0',
  };

  it('accepts a COCO dataset with archived images, and the other image locations', () => {
    expect(DatasetManifest.safeParse(coco).success).toBe(true);
    expect(DatasetManifest.safeParse({ ...coco, images: { path: 'images' } }).success).toBe(true);
    expect(
      DatasetManifest.safeParse({ ...coco, images: { baseUrl: 'https://example.org/val2017/' } }).success,
    ).toBe(true);
    expect(
      DatasetManifest.safeParse({ ...coco, images: { baseUrl: 'http://example.org/val2017/' } }).success,
    ).toBe(false);
  });

  it('accepts a YOLO export and defaults its split to val', () => {
    const { annotations: _a, ...rest } = coco;
    const m = DatasetManifest.parse({
      ...rest,
      format: 'yolo',
      images: { path: 'export' },
      yolo: { dataYaml: 'data.yaml' },
    });
    expect(m.yolo).toEqual({ dataYaml: 'data.yaml', split: 'val' });
  });

  it('requires annotations for coco and yolo options for yolo', () => {
    const { annotations: _a, ...noAnnotations } = coco;
    expect(DatasetManifest.safeParse(noAnnotations).success).toBe(false);
    expect(DatasetManifest.safeParse({ ...coco, format: 'yolo' }).success).toBe(false);
    expect(DatasetManifest.safeParse({ ...coco, task: 'segment' }).success).toBe(false);
  });
});
