import { stat } from 'node:fs/promises';
import { type DataSource, formatBytes, type Source } from '../schema/common.ts';
import { UserError } from '../util/errors.ts';
import { sha256File } from '../util/hash.ts';
import { displayPath, resolveRealInside } from '../util/paths.ts';
import { downloadToCache } from './download.ts';
import type { NetworkOptions } from './guarded-request.ts';

/** A source made available on disk. */
export interface ResolvedFile {
  /** Absolute path of the file (a cache blob, or the file in the repository). */
  readonly path: string;
  /** Its sha256, always known here (computed for local files without one), for provenance. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface ResolveContext {
  /** Folder of the manifest: local paths are relative to it. */
  readonly manifestDir: string;
  /** Local paths must stay inside this folder, symlinks included. */
  readonly repoRoot: string;
  /** Prefix for messages: "models/foo/model.yaml: weights". */
  readonly label: string;
  readonly maxBytes?: number | undefined;
  readonly cacheDir?: string | undefined;
  readonly progress?: boolean | undefined;
  /** Data sources may be pinned plain http (DataUrl); weights may not. */
  readonly allowHttp?: boolean | undefined;
  readonly network?: NetworkOptions | undefined;
}

/**
 * Makes a manifest source available locally: a remote file is downloaded into the cache (verified
 * against its sha256 while streaming), a local one is checked to lie inside the repository, to be
 * under the size limit and, when the manifest gives a sha256, to match it.
 */
export async function resolveSource(source: Source | DataSource, ctx: ResolveContext): Promise<ResolvedFile> {
  if ('url' in source) {
    const path = await downloadToCache({
      url: source.url,
      sha256: source.sha256,
      bytes: source.bytes,
      maxBytes: ctx.maxBytes,
      cacheDir: ctx.cacheDir,
      label: ctx.label,
      progress: ctx.progress,
      allowHttp: ctx.allowHttp,
      network: ctx.network,
    });
    return { path, sha256: source.sha256, bytes: (await stat(path)).size };
  }
  let real: string | undefined;
  try {
    real = await resolveRealInside(ctx.repoRoot, ctx.manifestDir, source.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `"${source.path}" not found` : `cannot read "${source.path}" (${code})`,
      {
        file: ctx.label,
        cause: err,
      },
    );
  }
  if (real === undefined)
    throw new UserError(`"${source.path}" points outside the repository`, { file: ctx.label });
  const info = await stat(real);
  if (!info.isFile()) throw new UserError(`"${source.path}" is not a file`, { file: ctx.label });
  if (ctx.maxBytes !== undefined && info.size > ctx.maxBytes) {
    throw new UserError(
      `"${source.path}" is ${formatBytes(info.size)}, over the limit of ${formatBytes(ctx.maxBytes)}`,
      {
        file: ctx.label,
      },
    );
  }
  const sha256 = await sha256File(real);
  if (source.sha256 !== undefined && source.sha256 !== sha256) {
    throw new UserError(
      `sha256 mismatch for ${displayPath(ctx.repoRoot, real)}: expected ${source.sha256}, got ${sha256}`,
      { file: ctx.label },
    );
  }
  return { path: real, sha256, bytes: info.size };
}
