import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleImagePath } from './samples.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-samples-'));
  await mkdir(join(root, 'datasets', 'd', 'images', 'sub'), { recursive: true });
  await writeFile(join(root, 'datasets', 'd', 'images', 'a.png'), 'png');
  await writeFile(join(root, 'datasets', 'd', 'images', 'sub', 'b.jpg'), 'jpg');
  await writeFile(join(root, 'datasets', 'd', 'images', 'notes.txt'), 'txt');
  await writeFile(join(root, 'secret.png'), 'secret');
  await symlink(join(root, 'secret.png'), join(root, 'datasets', 'd', 'images', 'link.png'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sample images', () => {
  it('finds images relative to the images folder or to the repository root', async () => {
    expect(await sampleImagePath(root, 'd', 'images', 'a.png')).toBe(join(root, 'datasets/d/images/a.png'));
    expect(await sampleImagePath(root, 'd', 'images', 'sub/b.jpg')).toBe(
      join(root, 'datasets/d/images/sub/b.jpg'),
    );
    expect(await sampleImagePath(root, 'd', 'images', 'datasets/d/images/a.png')).toBe(
      join(root, 'datasets/d/images/a.png'),
    );
  });

  it('refuses paths that leave the images folder, symlinks out of it, and non-images', async () => {
    expect(await sampleImagePath(root, 'd', 'images', '../../../secret.png')).toBeNull();
    expect(await sampleImagePath(root, 'd', 'images', 'secret.png')).toBeNull();
    expect(await sampleImagePath(root, 'd', 'images', join(root, 'secret.png'))).toBeNull();
    expect(await sampleImagePath(root, 'd', 'images', 'link.png')).toBeNull();
    expect(await sampleImagePath(root, 'd', 'images', 'notes.txt')).toBeNull();
  });

  it('publishes nothing for remote datasets or missing files', async () => {
    expect(await sampleImagePath(root, 'd', null, 'a.png')).toBeNull();
    expect(await sampleImagePath(root, 'd', 'images', 'missing.png')).toBeNull();
    expect(await sampleImagePath(root, 'd', '../..', 'secret.png')).toBeNull();
  });
});
