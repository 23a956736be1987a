/**
 * A COCO dataset whose image width/height contradict the decoded image would be scored with
 * ground truth and predictions in different pixel spaces. It is refused (exit 2), naming the
 * image and both sizes, where the decoded size is taken after EXIF orientation — as the
 * runner sees the image. Real JPEGs, made here with sharp, one of them EXIF-rotated.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { prepareDemo } from '../../src/lib/demo/prepare.ts';
import { findDataset, findModel } from '../../src/lib/manifest/load.ts';
import { runPair } from '../../src/lib/orchestrate/run-pair.ts';
import { isUserError } from '../../src/lib/util/errors.ts';

let root = '';
let categories: { id: number; name: string }[] = [];
const logger = { warn: () => {}, info: () => {} };

/** 48x32 as stored; `orientation` 6 makes it display as 32x48 (rotated 90°). */
async function jpeg(orientation?: number): Promise<Buffer> {
  const image = sharp({
    create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 40 } },
  });
  return (orientation === undefined ? image : image.withMetadata({ orientation })).jpeg().toBuffer();
}

/** datasets/<id>/ with the two JPEGs and annotations giving them the sizes passed. */
async function dataset(id: string, sizes: { plain: [number, number]; rotated: [number, number] }) {
  const dir = join(root, 'datasets', id);
  await mkdir(join(dir, 'images'), { recursive: true });
  await writeFile(join(dir, 'images', 'plain.jpg'), await jpeg());
  await writeFile(join(dir, 'images', 'rotated.jpg'), await jpeg(6));
  const images = [
    { id: 1, file_name: 'plain.jpg', width: sizes.plain[0], height: sizes.plain[1] },
    { id: 2, file_name: 'rotated.jpg', width: sizes.rotated[0], height: sizes.rotated[1] },
  ];
  const annotations = images.map((im, i) => ({
    id: i + 1,
    image_id: im.id,
    category_id: categories[0]!.id,
    bbox: [2, 2, 10, 10],
    area: 100,
    iscrowd: 0,
  }));
  await writeFile(join(dir, 'annotations.json'), JSON.stringify({ images, annotations, categories }));
  await writeFile(
    join(dir, 'dataset.yaml'),
    stringify({
      id,
      name: id,
      task: 'detect',
      split: 'val',
      format: 'coco',
      annotations: { path: 'annotations.json' },
      images: { path: 'images' },
      license: 'CC0-1.0',
      categories,
    }),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-imgsize-'));
  await writeFile(join(root, 'package.json'), '{}');
  const demo = await prepareDemo({ root, images: 2 });
  categories = JSON.parse(await readFile(demo.dataset.annotations, 'utf8')).categories.map(
    ({ id, name }: { id: number; name: string }) => ({ id, name }),
  );
  const rotated = await sharp(await jpeg(6)).metadata();
  expect([rotated.width, rotated.height, rotated.orientation]).toEqual([48, 32, 6]); // stored unrotated
  await dataset('sizes-ok', { plain: [48, 32], rotated: [32, 48] });
  await dataset('sizes-unrotated', { plain: [48, 32], rotated: [48, 32] });
  await dataset('sizes-wrong', { plain: [64, 64], rotated: [32, 48] });
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

async function pair(datasetId: string) {
  return {
    model: await findModel('shapes-yolo-nano', { repoRoot: root }),
    dataset: await findDataset(datasetId, { repoRoot: root }),
    logger,
    cacheDir: join(root, '.cache'),
    out: join(root, 'out', `${datasetId}.json`),
    bootstrapResamples: 10,
  };
}

describe('annotated image sizes', () => {
  it('accepts sizes that match the decoded images, the EXIF-rotated one as displayed', async () => {
    const outcome = await runPair(await pair('sizes-ok'));
    expect(outcome.status).toBe('ran');
    expect(outcome.metrics?.dataset.images).toBe(2);
  });

  it('refuses an EXIF-rotated image annotated with its stored (unrotated) size', async () => {
    const err = await runPair(await pair('sizes-unrotated')).catch((e: unknown) => e as Error);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'datasets/sizes-unrotated/dataset.yaml: annotations: image 2 "rotated.jpg" is 48x32 (width x height) in the annotations but 32x48 when decoded (after EXIF orientation): ground truth and predictions would be in different pixel spaces; fix its width/height',
    );
  });

  it('refuses a wrong size through the CLI with exit 2, no stack trace and no result written', async () => {
    const run = await execa(
      'node',
      [
        join(import.meta.dirname, '../../src/cli/main.ts'),
        'run',
        '--model',
        'shapes-yolo-nano',
        '--dataset',
        'sizes-wrong',
        '--root',
        root,
        '--out',
        join(root, 'out', 'cli.json'),
        '--cache-dir',
        join(root, '.cache'),
      ],
      { reject: false },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /datasets\/sizes-wrong\/dataset\.yaml: annotations: image 1 "plain\.jpg" is 64x64 \(width x height\) in the annotations but 48x32 when decoded/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    await expect(readFile(join(root, 'out', 'cli.json'))).rejects.toThrow(/ENOENT/);
  });
});
