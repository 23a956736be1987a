import { stat } from 'node:fs/promises';
import { cacheRoot } from '../fetch/cache.ts';
import { fetchUrlToCache } from '../fetch/download.ts';
import type { NetworkOptions } from '../fetch/guarded-request.ts';
import { resolveSource } from '../fetch/resolve-source.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import { UserError } from '../util/errors.ts';
import { resolveInside, resolveRealInside } from '../util/paths.ts';
import { extractZipOnce } from './archive.ts';
import { fileNameProblem } from './coco-json.ts';

/** Where a dataset's images are, and how to get one as a local file. */
export interface ImageStore {
  /** Folder the images' file_name values are relative to; undefined for a baseUrl dataset. */
  readonly root: string | undefined;
  /** sha256 of the archive, when the images come in one (provenance). */
  readonly archiveSha256: string | undefined;
  /**
   * Absolute path of the image named `fileName` (an image's COCO `file_name`), downloading it
   * first for a baseUrl dataset. Refuses names that would leave the root.
   */
  resolve(fileName: string): Promise<string>;
}

export interface ImageStoreOptions {
  readonly cacheDir?: string | undefined;
  readonly progress?: boolean | undefined;
  /** Resolver and test-only loopback permission for remote images (fetch/guarded-request.ts). */
  readonly network?: NetworkOptions | undefined;
}

/** Opens the images of a dataset: a repository folder, an archive (extracted once), or a baseUrl. */
export async function openImageStore(
  dataset: LoadedDataset,
  options: ImageStoreOptions = {},
): Promise<ImageStore> {
  const { manifest, path: label } = dataset;
  const images = manifest.images;
  if ('baseUrl' in images) {
    const base = images.baseUrl.endsWith('/') ? images.baseUrl : `${images.baseUrl}/`;
    return {
      root: undefined,
      archiveSha256: undefined,
      async resolve(fileName) {
        const problem = fileNameProblem(fileName);
        if (problem) throw new UserError(`image file_name ${problem}`, { file: label });
        const url = base + fileName.split('/').map(encodeURIComponent).join('/');
        return fetchUrlToCache(url, { cacheDir: options.cacheDir, label, network: options.network });
      },
    };
  }
  if ('path' in images) {
    let root: string | undefined;
    try {
      root = await resolveRealInside(dataset.repoRoot, dataset.dir, images.path);
    } catch {
      throw new UserError(`images.path: folder "${images.path}" not found`, { file: label });
    }
    if (root === undefined)
      throw new UserError(`images.path: "${images.path}" points outside the repository`, { file: label });
    if (!(await stat(root)).isDirectory())
      throw new UserError(`images.path: "${images.path}" is not a folder`, { file: label });
    return folderStore(root, undefined, label);
  }
  const archive = await resolveSource(images.archive, {
    manifestDir: dataset.dir,
    repoRoot: dataset.repoRoot,
    label: `${label}: images.archive`,
    cacheDir: options.cacheDir,
    progress: options.progress,
    allowHttp: true,
    network: options.network,
  });
  const extracted = await extractZipOnce(archive.path, archive.sha256, cacheRoot(options.cacheDir), {
    label: `${label}: images.archive`,
  });
  if (images.member === undefined) return folderStore(extracted, archive.sha256, label);
  // The schema refuses ".." in member; resolving inside the extracted folder checks it again.
  const root = resolveInside(extracted, extracted, images.member);
  if (
    root === undefined ||
    !(await stat(root).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new UserError(`images.member: the archive has no folder "${images.member}"`, { file: label });
  return folderStore(root, archive.sha256, label);
}

function folderStore(root: string, archiveSha256: string | undefined, label: string): ImageStore {
  return {
    root,
    archiveSha256,
    async resolve(fileName) {
      const problem = fileNameProblem(fileName);
      const abs = problem ? undefined : resolveInside(root, root, fileName);
      if (abs === undefined)
        throw new UserError(`image file_name ${problem ?? `"${fileName}" leaves the images folder`}`, {
          file: label,
        });
      let real: string | undefined;
      try {
        real = await resolveRealInside(root, root, fileName);
      } catch {
        throw new UserError(`image "${fileName}" not found in ${root}`, { file: label });
      }
      if (real === undefined)
        throw new UserError(`image "${fileName}" links outside the images folder`, { file: label });
      return real;
    },
  };
}
