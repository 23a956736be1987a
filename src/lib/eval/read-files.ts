/**
 * Reading the evaluator's two input files: bytes in, columns out (read-gt.ts, read-results.ts).
 * loadInputs overlaps the work: both files are read on libuv's pool and hashed there by WebCrypto
 * (or, for a large results file, by the helper thread, after its scan and while this thread
 * matches) while the main thread scans, so reading and hashing cost little beyond the scans.
 */

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { UserError } from '../util/errors.ts';
import type { EvalHelper } from './eval-threads.ts';
import type { CocoGt, Detections } from './load.ts';
import { readGt } from './read-gt.ts';
import { entryBoundary, readDetections, readDetectionsSplit } from './read-results.ts';
import { recycle } from './recycled-memory.ts';
import { readyScoreOrder } from './score-order.ts';

/**
 * A whole file in one read request where its size is known: readFile's 512 KiB chunks each wait
 * for a turn of the event loop, so they stall while this thread scans the other file.
 */
async function readBytes(file: string): Promise<Buffer> {
  try {
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      // Size 0: a pipe or a special file, whose length only reading tells.
      return size > 0 ? await readRange(handle, 0, size) : await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw readError(file, err);
  }
}

function readError(file: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  return new UserError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`, {
    file,
  });
}

async function sha256Hex(bytes: Buffer): Promise<string> {
  // (readFile's Buffer is backed by a plain ArrayBuffer, never a SharedArrayBuffer.)
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Buffer<ArrayBuffer>)).toString('hex');
}

/**
 * Frees a file's bytes at once once they are columns (detaching the buffer releases its memory now,
 * where a dead 40 MB buffer would otherwise stay resident through matching until a full GC).
 * The digest already holds what it needs (WebCrypto copies its input when called).
 */
function release(bytes: Buffer): void {
  const buffer = bytes.buffer;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength)
    buffer.transfer(0);
}

/** Below this size a results file is scanned by one thread (the hand-off costs more than it saves). */
const SPLIT_MIN_BYTES = 4e6;
/**
 * The share of a results file this thread scans when a helper takes the rest: this thread also
 * reads and scans the ground truth, while the helper is still starting.
 */
const HEAD_SHARE = 0.48;

/**
 * The evaluator's inputs. The results file's hash comes apart, later (a helper thread computes it
 * while this one matches): `dt.sha256` is empty, `dtSha256` resolves to it ('' when not hashed).
 */
export interface LoadedInputs {
  readonly gt: CocoGt;
  readonly dt: Detections;
  readonly dtSha256: Promise<string>;
}

/**
 * Both inputs of an evaluation, read and hashed concurrently. With `hash: false` (nothing will
 * record the hashes, as for `podium eval --stats-only`) the hashes are left empty. With a helper
 * thread, a large results file is scanned in two parts at once (see loadSplit).
 */
export async function loadInputs(
  gtFile: string,
  dtFile: string,
  options: { hash?: boolean; helper?: EvalHelper | undefined } = {},
): Promise<LoadedInputs> {
  const hash = options.hash ?? true;
  const helper = options.helper;
  if (helper && (statSync(dtFile, { throwIfNoEntry: false })?.size ?? 0) >= SPLIT_MIN_BYTES) {
    const split = await loadSplit(gtFile, dtFile, hash, helper);
    if (split) return split;
  }
  const dtBytes = readBytes(dtFile);
  // A rejected read is awaited below; until then it must not count as unhandled.
  dtBytes.catch(() => {});
  const gtBytes = await readBytes(gtFile);
  const gtSha = hash ? sha256Hex(gtBytes) : '';
  // The results file is read on libuv's pool meanwhile.
  const gt = readGt(gtBytes, gtFile, '');
  recycle(gtBytes.buffer);
  return { gt: { ...gt, sha256: await gtSha }, ...(await readDetectionsWhole(dtBytes, dtFile, gt, hash)) };
}

/** Bytes [start, end) of an open file, in a buffer of their own (freed by `release`). */
async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafeSlow(end - start);
  let at = 0;
  while (at < bytes.length) {
    const { bytesRead } = await handle.read(bytes, at, bytes.length - at, start + at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return at === bytes.length ? bytes : bytes.subarray(0, at);
}

/** How far past its share the head is read, for the entry start the split waits for. */
const SPLIT_MARGIN = 1 << 16;

/** The results file by one thread, its bytes read (or being read), once the ground truth is read. */
async function readDetectionsWhole(
  read: Promise<Buffer>,
  dtFile: string,
  gt: CocoGt,
  hash: boolean,
): Promise<{ dt: Detections; dtSha256: Promise<string> }> {
  const bytes = await read;
  const dtSha256 = hash ? sha256Hex(bytes) : Promise.resolve('');
  const dt = readDetections(bytes, dtFile, '', gt);
  // Read (and hashed: WebCrypto copies its input): its resident pages can hold matching's
  // outputs next (recycled-memory.ts).
  recycle(bytes.buffer);
  return { dt, dtSha256 };
}

/**
 * loadInputs on two threads. The results file is read on libuv's pool as two buffers that overlap
 * by SPLIT_MARGIN, this thread's head and the helper's tail (no copy of either), while this thread
 * reads and scans the ground truth. The helper then scans the tail, and hashes the whole file when
 * asked, while this thread scans the head; both from the first entry start in the overlap
 * (readDetectionsSplit checks that it is one). Where that needs the whole file (a parse error, an
 * entry longer than the overlap, a helper that failed), it is read again whole, for the result or
 * the error the one-thread path gives. Returns undefined, having read nothing but the file's
 * size, where the file cannot be opened: the one-thread path then reports it.
 */
async function loadSplit(
  gtFile: string,
  dtFile: string,
  hash: boolean,
  helper: EvalHelper,
): Promise<LoadedInputs | undefined> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(dtFile, 'r');
    size = (await handle.stat()).size;
  } catch {
    return undefined;
  }
  const from = Math.floor(size * HEAD_SHARE);
  const headEnd = Math.min(size, from + SPLIT_MARGIN);
  let gtBytes: Buffer;
  try {
    // First and alone: the ground truth's scan is what this thread waits for, and its read would
    // otherwise share libuv's pool with the results file's 40 MB.
    gtBytes = await readBytes(gtFile);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const reads = Promise.all([readRange(handle, 0, headEnd), readRange(handle, from, size)]).finally(() =>
    handle.close(),
  );
  // A rejected read is awaited below; until then it must not count as unhandled.
  reads.catch(() => {});
  const gtSha = hash ? sha256Hex(gtBytes) : '';
  const gt = readGt(gtBytes, gtFile, '');
  recycle(gtBytes.buffer);
  let head: Buffer;
  let tail: Buffer;
  try {
    [head, tail] = await reads;
  } catch (err) {
    throw readError(dtFile, err);
  }
  const answer = helper.run(
    {
      kind: 'scan',
      tail,
      imageIds: gt.imageIds,
      categoryIds: gt.categoryIds,
      from,
      headEnd,
      keep: hash,
    },
    [tail.buffer as ArrayBuffer],
  );
  const split = entryBoundary(head, from);
  if (split < 0) {
    // No entry starts in the overlap: this thread reads the file as usual (and the helper lets
    // go of the tail it kept for a hash).
    release(head);
    if (hash) helper.run({ kind: 'hash', head: new Uint8Array(0) });
    return {
      gt: { ...gt, sha256: await gtSha },
      ...(await readDetectionsWhole(readBytes(dtFile), dtFile, gt, hash)),
    };
  }
  // Rows from another split (the file changed under us) are not the tail of this head.
  const rows = answer.then((a) => {
    if (a.ok && a.spare) recycle(a.spare);
    return a.ok && a.split === split ? a.rows : undefined;
  });
  const whole = () => {
    try {
      return readFileSync(dtFile);
    } catch (err) {
      throw readError(dtFile, err);
    }
  };
  // While the helper's part is still coming, the evaluation's first kernel memory is readied.
  const dt = await readDetectionsSplit(head, dtFile, '', gt, split, rows, whole, size, (n) =>
    readyScoreOrder(n, gt.categoryIds.length),
  );
  // Scanned: the helper hashes it with its tail (the very bytes scanned), or, with no hash to
  // compute, its resident pages hold matching's outputs next (recycled-memory.ts).
  const hashed = hash ? helper.run({ kind: 'hash', head }, [head.buffer as ArrayBuffer]) : undefined;
  if (!hash) recycle(head.buffer);
  // A helper that failed: the file is read again for its hash.
  const dtSha256 = hashed
    ? hashed.then((a) => (a.ok && a.sha256) || createHash('sha256').update(whole()).digest('hex'))
    : Promise.resolve('');
  // Awaited by the caller after matching: until then a rejection must not count as unhandled.
  dtSha256.catch(() => {});
  return { gt: { ...gt, sha256: await gtSha }, dt, dtSha256 };
}

export async function loadGt(file: string): Promise<CocoGt> {
  const bytes = await readBytes(file);
  const sha = sha256Hex(bytes);
  const gt = readGt(bytes, file, '');
  release(bytes);
  return { ...gt, sha256: await sha };
}

export async function loadDetections(file: string, gt: CocoGt): Promise<Detections> {
  const bytes = await readBytes(file);
  const sha = sha256Hex(bytes);
  const dt = readDetections(bytes, file, '', gt);
  release(bytes);
  return { ...dt, sha256: await sha };
}
