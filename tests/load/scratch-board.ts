/**
 * A scratch board for the load and fault suites: the demo's shapes dataset (a few real JPEGs)
 * twice — all images, and all but the last — and any number of tiny end-to-end ONNX models,
 * each emitting its own fixed boxes (so every pair has its own, known result) in microseconds.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { prepareDemo } from '../../src/lib/demo/prepare.ts';
import { buildHeadModel } from '../support/head-model.ts';

export interface ScratchBoard {
  readonly root: string;
  readonly models: readonly string[];
  readonly datasets: readonly string[];
}

const SIZE = 64;
const ROWS = 6;

/** Model k: ROWS boxes spread over the input, classes and scores that depend on k. */
export function tinyModel(k: number): Uint8Array {
  const base = new Float32Array(ROWS * 6);
  const shift = new Float32Array(ROWS * 6);
  for (let r = 0; r < ROWS; r++) {
    const x = (7 * r + 3 * k) % 24;
    const y = (11 * r + 5 * k) % 24;
    const w = 16 + ((r + k) % 5) * 8;
    base.set([x, y, x + w, y + w, 0.3 + 0.1 * ((r + k) % 6), (r + k) % 6], r * 6);
    shift[r * 6 + 4] = 0.05; // the score moves with the image, so images differ
  }
  return buildHeadModel({
    inputDims: [1, 3, SIZE, SIZE],
    outputs: [{ name: 'dets', dims: [ROWS, 6], base, shift }],
  });
}

export async function buildScratchBoard(
  root: string,
  options: { models: number; images: number },
): Promise<ScratchBoard> {
  await writeFile(join(root, 'package.json'), '{}');
  await prepareDemo({ root, images: options.images });
  const classes = (await readFile(join(root, 'datasets/shapes/dataset.yaml'), 'utf8'))
    .split('\n')
    .filter((l) => /^\s+name: /.test(l))
    .map((l) => l.replace(/^\s+name: /, '').trim());
  await rm(join(root, 'models'), { recursive: true, force: true });

  // A second dataset over the same images, without the last one.
  const b = join(root, 'datasets/shapes-b');
  await cp(join(root, 'datasets/shapes/images'), join(b, 'images'), { recursive: true });
  const gt = JSON.parse(await readFile(join(root, 'datasets/shapes/annotations.json'), 'utf8'));
  const last = gt.images.at(-1).id;
  gt.images = gt.images.filter((im: { id: number }) => im.id !== last);
  gt.annotations = gt.annotations.filter((a: { image_id: number }) => a.image_id !== last);
  await writeFile(join(b, 'annotations.json'), JSON.stringify(gt));
  const manifest = (await readFile(join(root, 'datasets/shapes/dataset.yaml'), 'utf8'))
    .replace(/^id: shapes$/m, 'id: shapes-b')
    .replace(/^ {2}sha256: [0-9a-f]{64}\n/m, '');
  await writeFile(join(b, 'dataset.yaml'), manifest);

  const models: string[] = [];
  for (let k = 0; k < options.models; k++) {
    const id = `tiny-${String(k).padStart(2, '0')}`;
    const dir = join(root, 'models', id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.onnx'), tinyModel(k));
    await writeFile(
      join(dir, 'model.yaml'),
      stringify({
        id,
        name: `Tiny ${k}`,
        family: 'end2end',
        weights: { path: 'model.onnx' },
        input: { size: [SIZE, SIZE] },
        classes,
        license: 'MIT',
      }),
    );
    models.push(id);
  }
  return { root, models, datasets: ['shapes', 'shapes-b'] };
}
