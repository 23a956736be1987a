import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBytes } from '../schema/common.ts';
import { UserError } from '../util/errors.ts';
import { withFileLock } from '../util/file-lock.ts';
import { exists } from '../util/fs.ts';
import { sha256Bytes } from '../util/hash.ts';
import { blobPath, cacheRoot } from './cache.ts';
import { guardedGet, type NetworkOptions, TransientError } from './guarded-request.ts';
import { type Progress, progressFor } from './progress.ts';

export interface DownloadOptions {
  /** https URL (plain http only with `allowHttp`, or to loopback in tests). */
  readonly url: string;
  /**
   * Accept a plain http URL to a public host: only for data pinned by sha256 and exact size (see
   * DataUrl in schema/common.ts), never for weights. Internal hosts stay refused.
   */
  readonly allowHttp?: boolean | undefined;
  /** Expected digest: the download is kept only if it matches. */
  readonly sha256: string;
  /** Exact size when the manifest declares it. */
  readonly bytes?: number | undefined;
  /** Hard cap whether or not `bytes` is declared (e.g. the 2 GiB weights limit). */
  readonly maxBytes?: number | undefined;
  /** Cache root; default cacheRoot(). */
  readonly cacheDir?: string | undefined;
  /** Prefix for messages, e.g. "models/foo/model.yaml: weights". */
  readonly label?: string | undefined;
  /** Extra attempts after a network failure, each resuming where the last stopped. Default 3. */
  readonly retries?: number | undefined;
  /** Show a progress bar; default: when stderr is a TTY. */
  readonly progress?: boolean | undefined;
  /** Abort a transfer that receives nothing for this long (ms). Default 60 s. */
  readonly idleTimeoutMs?: number | undefined;
  /** Resolver and test-only loopback permission (guarded-request.ts); never from a manifest. */
  readonly network?: NetworkOptions | undefined;
}

const inflight = new Map<string, Promise<string>>();

/**
 * Downloads `url` into the content-addressed cache and returns the blob's path. The digest is
 * computed while streaming; the blob appears (by rename) only once size and sha256 match, so a
 * file under blobs/ is always complete and verified. An interrupted transfer leaves
 * `<sha256>.partial`, which the next attempt (or the next run) resumes with an HTTP Range request.
 * Anything that cannot succeed by retrying (mismatch, size over the limit, 404, an internal
 * address) deletes the partial file and throws UserError. Processes sharing the cache take turns
 * through `<sha256>.lock`, so two runs never write one partial file at once.
 */
export function downloadToCache(options: DownloadOptions): Promise<string> {
  const blob = blobPath(cacheRoot(options.cacheDir), options.sha256);
  // Two callers asking for the same blob in one process share one transfer.
  const pending = inflight.get(blob);
  if (pending) return pending;
  const job = withFileLock(`${blob}.lock`, async () => {
    if (await exists(blob)) return blob;
    const limit = Math.min(
      options.bytes ?? Number.POSITIVE_INFINITY,
      options.maxBytes ?? Number.POSITIVE_INFINITY,
    );
    await fetchWithRetries(options.url, blob, {
      expected: { sha256: options.sha256, bytes: options.bytes },
      limit,
      label: options.label ?? options.url,
      progress: progressFor(shortName(options.url), options.progress),
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      network:
        options.allowHttp === true && options.bytes !== undefined
          ? { ...options.network, allowPlainHttp: true }
          : options.network,
      retries: options.retries ?? 3,
    });
    return blob;
  }).finally(() => inflight.delete(blob));
  inflight.set(blob, job);
  return job;
}

/** Fetches a URL that has no pinned digest (dataset images under a baseUrl), cached by URL. */
export async function fetchUrlToCache(
  url: string,
  options: {
    cacheDir?: string | undefined;
    maxBytes?: number;
    label?: string | undefined;
    retries?: number;
    network?: NetworkOptions | undefined;
  } = {},
): Promise<string> {
  const target = join(cacheRoot(options.cacheDir), 'urls', sha256Bytes(url));
  if (await exists(target)) return target;
  return withFileLock(`${target}.lock`, async () => {
    if (await exists(target)) return target;
    await fetchWithRetries(url, target, {
      expected: undefined,
      limit: options.maxBytes ?? 256 * 1024 ** 2,
      label: options.label ?? url,
      progress: progressFor(url, false),
      idleTimeoutMs: 60_000,
      network: options.network,
      retries: options.retries ?? 3,
    });
    return target;
  });
}

/**
 * The one retry loop. A transient failure keeps `<target>.partial` only when the file has a
 * pinned sha256: the next attempt (or run) resumes it with a Range request, and the digest,
 * checked over the whole file at the end, catches a server whose file changed in between. An
 * unpinned file has nothing to catch a spliced result, so its partial is deleted and it starts
 * over. Anything not worth retrying deletes the partial and throws.
 */
async function fetchWithRetries(url: string, target: string, spec: TransferSpec & { retries: number }) {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const resumable = spec.expected !== undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!resumable) await rm(partial, { force: true });
      await transfer(url, partial, spec);
      await rename(partial, target);
      return;
    } catch (err) {
      if (!(err instanceof TransientError)) {
        await rm(partial, { force: true });
        throw err;
      }
      if (attempt >= spec.retries) {
        if (!resumable) await rm(partial, { force: true });
        throw new UserError(
          `download of ${url} failed after ${attempt + 1} attempts (${err.message})${resumable ? '; run again to resume' : ''}`,
          { file: spec.label, cause: err },
        );
      }
      await sleep(Math.min(250 * 2 ** attempt, 5000));
    }
  }
}

interface TransferSpec {
  readonly expected: { sha256: string; bytes?: number | undefined } | undefined;
  readonly limit: number;
  readonly label: string;
  readonly progress: Progress;
  readonly idleTimeoutMs: number;
  readonly network: NetworkOptions | undefined;
}

/** One attempt: resume from the partial file if any, stream, hash, and verify when complete. */
async function transfer(url: string, partial: string, spec: TransferSpec): Promise<void> {
  const { limit, label } = spec;
  const fail = (message: string) => new UserError(message, { file: label });
  let offset = (await exists(partial)) ? (await stat(partial)).size : 0;
  if (offset > limit) {
    await rm(partial, { force: true });
    offset = 0;
  }

  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () => controller.abort(new TransientError('no data received for a while')),
      spec.idleTimeoutMs,
    );
  };
  armIdle();
  let response: IncomingMessage;
  try {
    ({ response } = await guardedGet(url, {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      signal: controller.signal,
      network: spec.network,
      // Without a manifest to name, the refusal names the URL itself once.
      label: label === url ? undefined : label,
    }));
  } catch (err) {
    clearTimeout(idle);
    throw err;
  }

  try {
    const status = response.statusCode ?? 0;
    if (status === 416 && offset > 0) {
      // The partial file already holds every byte (or more than the server has): verify it as is.
      response.resume();
      await verify(partial, await hashFile(partial), offset, spec);
      return;
    }
    const resumed = status === 206 && contentRangeStart(response) === offset;
    if (!resumed && status !== 200) {
      response.resume();
      const message = `HTTP ${status} ${response.statusMessage ?? ''} from ${url}`.replace('  ', ' ');
      if (status >= 500 || status === 429 || status === 408) throw new TransientError(message);
      throw fail(message);
    }
    if (!resumed) offset = 0; // the server ignored the Range header: start over
    const length = Number(response.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(length) && offset + length > limit) {
      response.destroy();
      throw fail(`${url} is ${formatBytes(offset + length)}, more than the ${describeLimit(spec)}`);
    }

    const hash = resumed ? await hashFile(partial) : createHash('sha256');
    const file = await open(partial, resumed ? 'a' : 'w');
    let done = offset;
    spec.progress.start(
      spec.expected?.bytes ?? (Number.isFinite(length) ? offset + length : undefined),
      done,
    );
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        armIdle();
        done += chunk.byteLength;
        if (done > limit) {
          response.destroy();
          throw fail(`${url} sent more than the ${describeLimit(spec)}; download aborted`);
        }
        hash.update(chunk);
        await file.write(chunk);
        spec.progress.update(done);
      }
      // A connection closed before Content-Length bytes arrived is a cut, not the end.
      if (Number.isFinite(length) && done !== offset + length)
        throw new TransientError(`connection closed after ${done} of ${offset + length} bytes`);
    } catch (err) {
      if (err instanceof UserError || err instanceof TransientError) throw err;
      const reason = controller.signal.reason instanceof TransientError ? controller.signal.reason : err;
      throw new TransientError(`transfer interrupted: ${describeError(reason)}`, { cause: err });
    } finally {
      spec.progress.stop();
      await file.close();
    }
    await verify(partial, hash, done, spec);
  } finally {
    clearTimeout(idle);
  }
}

async function verify(partial: string, hash: Hash, size: number, spec: TransferSpec): Promise<void> {
  const { expected, label } = spec;
  if (!expected) return;
  if (expected.bytes !== undefined && size !== expected.bytes) {
    throw new UserError(
      `size mismatch: got ${size} bytes, the manifest declares ${expected.bytes}; nothing kept`,
      {
        file: label,
      },
    );
  }
  const actual = hash.digest('hex');
  if (actual !== expected.sha256) {
    await rm(partial, { force: true });
    throw new UserError(`sha256 mismatch: expected ${expected.sha256}, got ${actual}; nothing kept`, {
      file: label,
    });
  }
}

function contentRangeStart(response: IncomingMessage): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers['content-range'] ?? '');
  return match ? Number(match[1]) : undefined;
}

async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

function describeLimit(spec: TransferSpec): string {
  return spec.expected?.bytes !== undefined && spec.expected.bytes === spec.limit
    ? `declared size of ${spec.limit} bytes`
    : `limit of ${formatBytes(spec.limit)}`;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

function shortName(url: string): string {
  const last = URL.canParse(url) ? new URL(url).pathname.split('/').pop() : undefined;
  return last || url;
}
