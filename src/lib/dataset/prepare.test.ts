import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gtFromJson } from '../eval/load.ts';
import { type LoadedDataset, loadDatasetManifest } from '../manifest/load.ts';
import { extractZip } from './archive.ts';
import { openImageStore } from './images.ts';
import { prepareDataset } from './prepare.ts';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

let repo: string;
let cacheDir: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'podium-ds-'));
  cacheDir = join(repo, '.podium', 'cache');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer();
}

async function manifest(id: string, body: string): Promise<string> {
  const dir = join(repo, 'datasets', id);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'dataset.yaml');
  await writeFile(file, `id: ${id}\nname: Tiny\ntask: detect\nsplit: val\nlicense: CC-BY-4.0\n${body}`);
  return file;
}

/** The files of a tiny YOLO export, keyed by path relative to the export's root. */
async function yoloFiles(): Promise<Record<string, Uint8Array>> {
  return {
    'data.yaml': Buffer.from('names: [cat, dog]\nval: valid/images\n'),
    'valid/images/one.png': await png(40, 30),
    'valid/images/two.png': await png(20, 20),
    'valid/labels/one.txt': Buffer.from('1 0.5 0.5 0.5 0.5\n'),
  };
}

async function writeTree(root: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

describe('prepareDataset (yolo)', () => {
  it('converts a YOLO folder and resolves its images', async () => {
    await writeTree(join(repo, 'datasets', 'tiny', 'export'), await yoloFiles());
    const file = await manifest(
      'tiny',
      'format: yolo\nimages: { path: export }\nyolo: { dataYaml: data.yaml }\n',
    );
    const prepared = await prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir });
    expect(prepared.gt.images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['valid/images/one.png', 40, 30],
      ['valid/images/two.png', 20, 20],
    ]);
    expect(prepared.gt.annotations).toEqual([
      { id: 1, image_id: 1, category_id: 2, bbox: [10, 7.5, 20, 15], area: 300, iscrowd: 0 },
    ]);
    expect(prepared.annotationsSha256).toBe(sha(JSON.stringify(prepared.gt)));
    const path = await prepared.images.resolve('valid/images/two.png');
    expect(path).toBe(join(repo, 'datasets', 'tiny', 'export', 'valid', 'images', 'two.png'));
    await expect(prepared.images.resolve('../dataset.yaml')).rejects.toThrow('contains ".."');
    await expect(prepared.images.resolve('valid/images/none.png')).rejects.toThrow(
      'image "valid/images/none.png" not found',
    );
    // The evaluator accepts what we hand it.
    const gt = gtFromJson(prepared.gt, 'tiny', prepared.annotationsSha256);
    expect(gt.annotations.length).toBe(1);
  });

  it('extracts a zipped export once into the cache, keyed by the archive digest', async () => {
    const zip = zipSync(await yoloFiles());
    await mkdir(join(repo, 'datasets', 'zipped'), { recursive: true });
    await writeFile(join(repo, 'datasets', 'zipped', 'export.zip'), zip);
    const file = await manifest(
      'zipped',
      `format: yolo\nimages: { archive: { path: export.zip, sha256: ${sha(zip)} } }\nyolo: { dataYaml: data.yaml }\n`,
    );
    const loaded = await loadDatasetManifest(file, { repoRoot: repo });
    const prepared = await prepareDataset(loaded, { cacheDir });
    expect(prepared.images.root).toBe(join(cacheDir, 'extracted', sha(zip)));
    expect(prepared.images.archiveSha256).toBe(sha(zip));
    expect(prepared.gt.images).toHaveLength(2);
    const one = await readFile(await prepared.images.resolve('valid/images/one.png'));
    expect(sha(one)).toBe(sha((await yoloFiles())['valid/images/one.png']!));
    // A second preparation reuses the extraction (no temporary folders left behind).
    await prepareDataset(loaded, { cacheDir });
    expect(await readdir(join(cacheDir, 'extracted'))).toEqual([sha(zip)]);
  });
});

describe('extractZip', () => {
  it('refuses entries that climb out of the destination (zip slip), writing nothing outside', async () => {
    const zip = zipSync({ 'ok.txt': Buffer.from('fine'), '../evil.txt': Buffer.from('gotcha') });
    await writeFile(join(repo, 'bad.zip'), zip);
    const dest = join(repo, 'out');
    await mkdir(dest);
    await expect(extractZip(join(repo, 'bad.zip'), dest, { label: 'bad.zip' })).rejects.toThrow(
      'bad.zip: refusing archive entry "../evil.txt": ".." in the path',
    );
    expect(existsSync(join(repo, 'evil.txt'))).toBe(false);
  });

  it('refuses absolute entry names and archives that extract past the size cap', async () => {
    await writeFile(join(repo, 'abs.zip'), zipSync({ '/etc/x': Buffer.from('x') }));
    await mkdir(join(repo, 'o1'));
    await expect(extractZip(join(repo, 'abs.zip'), join(repo, 'o1'))).rejects.toThrow('absolute path');

    await writeFile(
      join(repo, 'bomb.zip'),
      zipSync({ 'zeros.bin': new Uint8Array(1_000_000) }, { level: 9 }),
    );
    await mkdir(join(repo, 'o2'));
    await expect(extractZip(join(repo, 'bomb.zip'), join(repo, 'o2'), { maxBytes: 100_000 })).rejects.toThrow(
      'extracts to more than 100000 bytes',
    );
  });

  it('rejects a file that is not a zip', async () => {
    await writeFile(join(repo, 'nope.zip'), 'this is not a zip archive at all');
    await mkdir(join(repo, 'o'));
    await expect(extractZip(join(repo, 'nope.zip'), join(repo, 'o'), { label: 'nope.zip' })).rejects.toThrow(
      'nope.zip: ',
    );
  });
});

describe('prepareDataset (coco)', () => {
  const coco = {
    images: [{ id: 7, file_name: 'a.png', width: 8, height: 6 }],
    annotations: [{ id: 1, image_id: 7, category_id: 3, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0 }],
    categories: [{ id: 3, name: 'cat' }],
  };

  async function cocoDataset(annotations: unknown, extra = ''): Promise<string> {
    const dir = join(repo, 'datasets', 'cc');
    await mkdir(join(dir, 'images'), { recursive: true });
    await writeFile(join(dir, 'images', 'a.png'), await png(8, 6));
    const text = JSON.stringify(annotations);
    await writeFile(join(dir, 'ann.json'), text);
    return manifest(
      'cc',
      `format: coco\nannotations: { path: ann.json, sha256: ${sha(text)} }\nimages: { path: images }\n${extra}`,
    );
  }

  it('reads the annotations and reports their sha256', async () => {
    const file = await cocoDataset(coco, 'categories: [{ id: 3, name: cat }]\n');
    const prepared = await prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir });
    expect(prepared.gt).toEqual(coco);
    expect(prepared.annotationsSha256).toBe(sha(JSON.stringify(coco)));
    expect(await prepared.images.resolve('a.png')).toBe(join(repo, 'datasets', 'cc', 'images', 'a.png'));
  });

  it('insists manifest categories agree with the annotations', async () => {
    const file = await cocoDataset(coco, 'categories: [{ id: 3, name: dog }, { id: 4, name: cat }]\n');
    await expect(
      prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir }),
    ).rejects.toThrow(
      [
        'datasets/cc/dataset.yaml: categories disagree with the annotations:',
        '  - category 3 is "cat" in the annotations, not "dog"',
        '  - category 4 "cat" is not in the annotations',
      ].join('\n'),
    );
  });

  it('refuses image file names that leave the images folder', async () => {
    const evil = { ...coco, images: [{ id: 7, file_name: '../../../etc/passwd', width: 8, height: 6 }] };
    const file = await cocoDataset(evil);
    await expect(
      prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir }),
    ).rejects.toThrow(
      'datasets/cc/dataset.yaml: annotations: images[0].file_name: "../../../etc/passwd" contains ".."',
    );
  });

  it('refuses an images folder reached through a symlink out of the repository', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'podium-outside-'));
    try {
      const dir = join(repo, 'datasets', 'cc');
      await mkdir(dir, { recursive: true });
      await symlink(outside, join(dir, 'images'));
      const text = JSON.stringify(coco);
      await writeFile(join(dir, 'ann.json'), text);
      const file = await manifest(
        'cc',
        'format: coco\nannotations: { path: ann.json }\nimages: { path: images }\n',
      );
      await expect(
        prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir }),
      ).rejects.toThrow('images.path: "images" points outside the repository');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('openImageStore (baseUrl)', () => {
  it('downloads each image from baseUrl + file_name into the cache, once', async () => {
    const body = await png(4, 4);
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/img/sub/a%20b.png') res.writeHead(200, { 'content-length': body.length }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as AddressInfo).port;
      // Built by hand: the schema (rightly) refuses http, which only the loopback test server speaks.
      const dataset: LoadedDataset = {
        kind: 'dataset',
        manifest: {
          id: 'remote',
          name: 'Remote',
          task: 'detect',
          split: 'val',
          format: 'coco',
          annotations: { path: 'ann.json' },
          images: { baseUrl: `http://127.0.0.1:${port}/img` },
          license: 'CC-BY-4.0',
        },
        file: join(repo, 'datasets', 'remote', 'dataset.yaml'),
        path: 'datasets/remote/dataset.yaml',
        dir: join(repo, 'datasets', 'remote'),
        repoRoot: repo,
        sha256: 'f'.repeat(64),
      };
      const store = await openImageStore(dataset, { cacheDir, network: { allowLoopback: true } });
      expect(store.root).toBeUndefined();
      const first = await store.resolve('sub/a b.png');
      expect(sha(await readFile(first))).toBe(sha(body));
      expect(await store.resolve('sub/a b.png')).toBe(first);
      expect(requests).toEqual(['/img/sub/a%20b.png']);
      await expect(store.resolve('../secret.png')).rejects.toThrow('contains ".."');
      await expect(store.resolve('missing.png')).rejects.toThrow('HTTP 404');
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe('prepareDataset (archive members, COCO layout over plain http)', () => {
  const coco = {
    images: [{ id: 139, file_name: '000000000139.jpg', width: 8, height: 6 }],
    annotations: [{ id: 1, image_id: 139, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0 }],
    categories: [{ id: 1, name: 'person' }],
  };

  it('downloads both archives once (pinned http, exact bytes), extracts only the annotations member, and roots the images in the member folder', async () => {
    const json = JSON.stringify(coco);
    const annotationsZip = zipSync({
      'annotations/instances_val2017.json': Buffer.from(json),
      // Large neighbours a benchmark does not need: read past, never written.
      'annotations/captions_val2017.json': new Uint8Array(200_000),
    });
    const imagesZip = zipSync({ 'val2017/000000000139.jpg': await png(8, 6) });
    const files: Record<string, Uint8Array> = {
      '/annotations/annotations_trainval2017.zip': annotationsZip,
      '/zips/val2017.zip': imagesZip,
    };
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = files[req.url ?? ''];
      if (body) res.writeHead(200, { 'content-length': body.length }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      // A public name as a manifest would give it, resolved to the loopback test server.
      const base = `http://images.example.org:${(server.address() as AddressInfo).port}`;
      const network = {
        allowLoopback: true,
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      };
      const file = await manifest(
        'coco-like',
        [
          'format: coco',
          'annotations:',
          `  archive: { url: "${base}/annotations/annotations_trainval2017.zip", sha256: ${sha(annotationsZip)}, bytes: ${annotationsZip.length} }`,
          '  member: annotations/instances_val2017.json',
          `  sha256: ${sha(json)}`,
          'images:',
          `  archive: { url: "${base}/zips/val2017.zip", sha256: ${sha(imagesZip)}, bytes: ${imagesZip.length} }`,
          '  member: val2017',
          '',
        ].join('\n'),
      );
      const loaded = await loadDatasetManifest(file, { repoRoot: repo });
      const prepared = await prepareDataset(loaded, { cacheDir, network });
      expect(prepared.gt).toEqual(coco);
      // The member's own digest, whatever archive it came in.
      expect(prepared.annotationsSha256).toBe(sha(json));
      expect(await readdir(join(cacheDir, 'members', sha(annotationsZip), 'annotations'))).toEqual([
        'instances_val2017.json',
      ]);
      expect(prepared.images.root).toBe(join(cacheDir, 'extracted', sha(imagesZip), 'val2017'));
      expect(sha(await readFile(await prepared.images.resolve('000000000139.jpg')))).toBe(
        sha(await png(8, 6)),
      );
      await prepareDataset(loaded, { cacheDir, network });
      expect(requests.sort()).toEqual(['/annotations/annotations_trainval2017.zip', '/zips/val2017.zip']);
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });

  it('names the member when the archive lacks it or its digest differs', async () => {
    const zip = zipSync({ 'annotations/other.json': Buffer.from('{}') });
    const dir = join(repo, 'datasets', 'nomember');
    await mkdir(join(dir, 'images'), { recursive: true });
    await writeFile(join(dir, 'ann.zip'), zip);
    const file = await manifest(
      'nomember',
      `format: coco\nannotations: { archive: { path: ann.zip }, member: annotations/instances_val2017.json }\nimages: { path: images }\n`,
    );
    await expect(
      prepareDataset(await loadDatasetManifest(file, { repoRoot: repo }), { cacheDir }),
    ).rejects.toThrow(
      'datasets/nomember/dataset.yaml: annotations.archive: the archive has no member "annotations/instances_val2017.json"',
    );
    const bad = await manifest(
      'nomember',
      `format: coco\nannotations: { archive: { path: ann.zip }, member: annotations/other.json, sha256: "${'0'.repeat(64)}" }\nimages: { path: images }\n`,
    );
    await expect(
      prepareDataset(await loadDatasetManifest(bad, { repoRoot: repo }), { cacheDir }),
    ).rejects.toThrow('sha256 mismatch for member "annotations/other.json"');
  });
});
