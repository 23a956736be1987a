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

  it('says "this member of that archive", over https or over http pinned by sha256 and bytes', () => {
    const member = {
      archive: {
        url: 'http://images.cocodataset.org/annotations/annotations_trainval2017.zip',
        sha256: SHA,
        bytes: 252_907_541,
      },
      member: 'annotations/instances_val2017.json',
    };
    const images = {
      archive: { url: 'http://images.cocodataset.org/zips/val2017.zip', sha256: SHA, bytes: 815_585_330 },
      member: 'val2017',
    };
    expect(DatasetManifest.safeParse({ ...coco, annotations: member, images }).success).toBe(true);

    const issues = (value: unknown) =>
      (DatasetManifest.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    const { bytes: _b, ...unsized } = images.archive;
    expect(issues({ ...coco, images: { archive: unsized } })).toEqual([
      'images: expected one of {path: <folder>}, {archive: <source>, member?} or {baseUrl: <https prefix>}',
    ]);
    expect(
      DatasetManifest.safeParse({ ...coco, annotations: { ...member, member: '../secrets.json' } }).success,
    ).toBe(false);
    expect(
      DatasetManifest.safeParse({ ...coco, annotations: { ...member, member: '/etc/passwd' } }).success,
    ).toBe(false);
    // Not ftp, and not for a baseUrl, whose files have no digest.
    expect(
      DatasetManifest.safeParse({
        ...coco,
        annotations: { url: 'ftp://example.org/a.json', sha256: SHA, bytes: 1 },
      }).success,
    ).toBe(false);
  });

  it('takes per-part licences and caveats, shown on the dataset page', () => {
    const m = DatasetManifest.parse({
      ...coco,
      licenses: [
        { part: 'annotations', license: 'CC-BY-4.0', url: 'https://cocodataset.org/#termsofuse' },
        {
          part: 'images',
          license: 'LicenseRef-Flickr-Terms',
          url: 'https://www.flickr.com/creativecommons/',
        },
      ],
      caveats: ['Training images of most public detectors.'],
    });
    expect(m.licenses?.map((l) => l.license)).toEqual(['CC-BY-4.0', 'LicenseRef-Flickr-Terms']);
    expect(
      DatasetManifest.safeParse({ ...coco, licenses: [{ part: 'images', license: 'Flickr' }] }).success,
    ).toBe(false);
  });
});
