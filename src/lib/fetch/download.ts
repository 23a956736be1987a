import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBytes } from '../schema/common.ts';
import { UserError } from '../util/errors.ts';
import { sha256Bytes } from '../util/hash.ts';
import { blobPath, cacheRoot } from './cache.ts';
import { type Progress, progressFor } from './progress.ts';

export interface DownloadOptions {
  /** https URL (http only to loopback hosts, for tests). */
  readonly url: string;
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
}

/** A failure worth retrying (network, 5xx): the partial file is kept for the next attempt. */
class TransientError extends Error {
  override name = 'TransientError';
}

const inflight = new Map<string, Promise<string>>();

/**
 * Downloads `url` into the content-addressed cache and returns the blob's path. The digest is
 * computed while streaming; the blob appears (by rename) only once size and sha256 match, so a
 * file under blobs/ is always complete and verified. An interrupted transfer leaves
 * `<sha256>.partial`, which the next attempt (or the next run) resumes with an HTTP Range request.
 * Anything that cannot succeed by retrying (mismatch, size over the limit, 404) deletes the
 * partial file and throws UserError.
 */
export function downloadToCache(options: DownloadOptions): Promise<string> {
  const blob = blobPath(cacheRoot(options.cacheDir), options.sha256);
  // Two callers asking for the same blob in one process share one transfer.
  const pending = inflight.get(blob);
  if (pending) return pending;
  const job = download(blob, options).finally(() => inflight.delete(blob));
  inflight.set(blob, job);
  return job;
}

async function download(blob: string, options: DownloadOptions): Promise<string> {
  if (await exists(blob)) return blob;
  checkUrl(options.url, options.label);
  const retries = options.retries ?? 3;
  await mkdir(dirname(blob), { recursive: true });
  const partial = `${blob}.partial`;
  const expected = { sha256: options.sha256, bytes: options.bytes };
  const limit = Math.min(
    options.bytes ?? Number.POSITIVE_INFINITY,
    options.maxBytes ?? Number.POSITIVE_INFINITY,
  );
  for (let attempt = 0; ; attempt++) {
    try {
      await transfer(options.url, partial, {
        expected,
        limit,
        label: options.label ?? options.url,
        progress: progressFor(shortName(options), options.progress),
        idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      });
      await rename(partial, blob);
      return blob;
    } catch (err) {
      if (!(err instanceof TransientError)) {
        await rm(partial, { force: true });
        throw err;
      }
      if (attempt >= retries) {
        throw new UserError(
          `download of ${options.url} failed after ${attempt + 1} attempts (${err.message}); run again to resume`,
          { file: options.label, cause: err },
        );
      }
      await sleep(Math.min(250 * 2 ** attempt, 5000));
    }
  }
}

/** Fetches a URL that has no pinned digest (dataset images under a baseUrl), cached by URL. */
export async function fetchUrlToCache(
  url: string,
  options: { cacheDir?: string; maxBytes?: number; label?: string; retries?: number } = {},
): Promise<string> {
  const target = join(cacheRoot(options.cacheDir), 'urls', sha256Bytes(url));
  if (await exists(target)) return target;
  checkUrl(url, options.label);
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await transfer(url, partial, {
        expected: undefined,
        limit: options.maxBytes ?? 256 * 1024 ** 2,
        label: options.label ?? url,
        progress: progressFor(url, false),
        idleTimeoutMs: 60_000,
      });
      await rename(partial, target);
      return target;
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= retries) {
        await rm(partial, { force: true });
        if (err instanceof TransientError) {
          throw new UserError(`download of ${url} failed (${err.message})`, {
            file: options.label,
            cause: err,
          });
        }
        throw err;
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
  let response: Response;
  try {
    response = await fetch(url, {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      redirect: 'follow',
      signal: controller.signal,
    });
  } catch (err) {
    clearTimeout(idle);
    throw new TransientError(`cannot reach the server: ${describeError(err)}`, { cause: err });
  }

  try {
    if (response.status === 416 && offset > 0) {
      // The partial file already holds every byte (or more than the server has): verify it as is.
      await response.body?.cancel();
      await verify(partial, await hashFile(partial), offset, spec);
      return;
    }
    const resumed = response.status === 206 && contentRangeStart(response) === offset;
    if (!resumed && response.status !== 200) {
      await response.body?.cancel();
      const message = `HTTP ${response.status} ${response.statusText} from ${url}`;
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new TransientError(message);
      }
      throw fail(message);
    }
    if (!resumed) offset = 0; // the server ignored the Range header: start over
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(length) && offset + length > limit) {
      await response.body?.cancel();
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
      if (!response.body) throw new TransientError('empty response body');
      const reader = response.body.getReader();
      for (;;) {
        const { done: finished, value: chunk } = await reader.read();
        if (finished) break;
        armIdle();
        done += chunk.byteLength;
        if (done > limit) {
          controller.abort();
          throw fail(`${url} sent more than the ${describeLimit(spec)}; download aborted`);
        }
        hash.update(chunk);
        await file.write(chunk);
        spec.progress.update(done);
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
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

/** https everywhere; plain http only to this machine, which is how the tests serve files. */
function checkUrl(url: string, label: string | undefined): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`not a valid URL: ${url}`, { file: label });
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) return;
  throw new UserError(`refusing to download ${url}: only https URLs are allowed`, { file: label });
}

function contentRangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
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

function shortName(options: DownloadOptions): string {
  const last = new URL(options.url).pathname.split('/').pop();
  return last || options.url;
}
