import { stat } from 'node:fs/promises';
import { cacheRoot } from '../fetch/cache.ts';
import { type ResolvedFile, resolveSource } from '../fetch/resolve-source.ts';
import type { LoadedDataset } from '../manifest/load.ts';
import { MAX_ANNOTATIONS_ARCHIVE_BYTES, MAX_ANNOTATIONS_BYTES } from '../policy/limits.ts';
import { type AnnotationsSource, isArchiveMember } from '../schema/dataset-manifest.ts';
import { UserError } from '../util/errors.ts';
import { sha256File } from '../util/hash.ts';
import { extractMemberOnce } from './archive.ts';
import type { ImageStoreOptions } from './images.ts';

/** Where downloads are cached and how they are fetched: the same options as a dataset's images. */
export type AnnotationsOptions = ImageStoreOptions;

/**
 * The COCO annotations file of a dataset on disk: a repository file, a download, or one member
 * of an archive (downloaded and verified, then only that member extracted). The sha256 is the
 * JSON file's own, in every case, so a cache key does not change with how the file is shipped.
 */
export async function resolveAnnotations(
  dataset: LoadedDataset,
  source: AnnotationsSource,
  options: AnnotationsOptions = {},
): Promise<ResolvedFile> {
  const label = `${dataset.path}: annotations`;
  const ctx = {
    manifestDir: dataset.dir,
    repoRoot: dataset.repoRoot,
    cacheDir: options.cacheDir,
    progress: options.progress,
    network: options.network,
    allowHttp: true,
  };
  if (!isArchiveMember(source))
    return resolveSource(source, { ...ctx, label, maxBytes: MAX_ANNOTATIONS_BYTES });
  const archive = await resolveSource(source.archive, {
    ...ctx,
    label: `${label}.archive`,
    maxBytes: MAX_ANNOTATIONS_ARCHIVE_BYTES,
  });
  const path = await extractMemberOnce(
    archive.path,
    archive.sha256,
    source.member,
    cacheRoot(options.cacheDir),
    {
      label: `${label}.archive`,
      maxBytes: 16 * MAX_ANNOTATIONS_ARCHIVE_BYTES,
    },
  );
  const sha256 = await sha256File(path);
  if (source.sha256 !== undefined && source.sha256 !== sha256) {
    throw new UserError(
      `sha256 mismatch for member "${source.member}": expected ${source.sha256}, got ${sha256}`,
      { file: label },
    );
  }
  const { size } = await stat(path);
  if (size > MAX_ANNOTATIONS_BYTES)
    throw new UserError(`member "${source.member}" is ${size} bytes, over the annotations limit`, {
      file: label,
    });
  return { path, sha256, bytes: size };
}
