/**
 * Reading the evaluator's two input files: bytes in, columns out (read-gt.ts, read-results.ts).
 * loadInputs overlaps the work: both files are read on libuv's pool and hashed there by WebCrypto
 * while the main thread scans, so reading and hashing cost little beyond the scans themselves.
 * With a helper thread, a large results file is read into shared memory, and the helper hashes it
 * and scans its tail while this thread scans the ground truth and the head: no copy of the bytes.
 */

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.ts';
import type { EvalHelper } from './eval-threads.ts';
import type { CocoGt, Detections } from './load.ts';
import { readGt } from './read-gt.ts';
import { entryBoundary, readDetections, readDetectionsSplit } from './read-results.ts';

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw readError(file, err);
  }
}

/** A file's bytes in shared memory, for a helper thread to read without a copy. */
async function readBytesShared(file: string): Promise<Buffer> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const bytes = Buffer.from(new SharedArrayBuffer(size));
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === size ? bytes : bytes.subarray(0, at);
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
 * The share of a results file this thread scans when a helper takes the rest. This thread also
 * scans the ground truth meanwhile; the helper also hashes the file (40 ms on 40 MB) when asked.
 */
const headShare = (hash: boolean) => (hash ? 0.5 : 0.42);

/**
 * Both inputs of an evaluation, read and hashed concurrently. With `hash: false` (nothing will
 * record the hashes, as for `podium eval --stats-only`) sha256 is left empty. With a helper
 * thread, a large results file is scanned in two parts at once (readDetectionsSplit).
 */
export async function loadInputs(
  gtFile: string,
  dtFile: string,
  options: { hash?: boolean; helper?: EvalHelper | undefined } = {},
): Promise<{ gt: CocoGt; dt: Detections }> {
  const hash = options.hash ?? true;
  const helper = options.helper;
  const shared =
    helper !== undefined && (statSync(dtFile, { throwIfNoEntry: false })?.size ?? 0) >= SPLIT_MIN_BYTES;
  const dtBytes = shared ? readBytesShared(dtFile) : readBytes(dtFile);
  // A rejected read is awaited below; until then it must not count as unhandled.
  dtBytes.catch(() => {});
  const gtBytes = await readBytes(gtFile);
  const gtSha = hash ? sha256Hex(gtBytes) : '';
  const bytes = await dtBytes;
  const split = helper && shared ? entryBoundary(bytes, Math.floor(bytes.length * headShare(hash))) : -1;
  let dt: Detections;
  if (helper && split > 0) {
    const answer = helper.run({ kind: 'scan', bytes, from: split, hash });
    const gt = readGt(gtBytes, gtFile, '');
    release(gtBytes);
    const tail = answer.then((a) => (a.ok ? a.rows : undefined));
    dt = await readDetectionsSplit(bytes, dtFile, '', gt, split, tail);
    const a = await answer;
    // The helper's digest, or this thread's where the helper failed.
    const dtSha = !hash
      ? ''
      : a.ok && a.sha256 !== undefined
        ? a.sha256
        : createHash('sha256').update(bytes).digest('hex');
    return { gt: { ...gt, sha256: await gtSha }, dt: { ...dt, sha256: dtSha } };
  }
  const dtSha = hash
    ? shared
      ? Promise.resolve(createHash('sha256').update(bytes).digest('hex'))
      : sha256Hex(bytes)
    : '';
  const gt = readGt(gtBytes, gtFile, '');
  release(gtBytes);
  dt = readDetections(bytes, dtFile, '', gt);
  release(bytes);
  return { gt: { ...gt, sha256: await gtSha }, dt: { ...dt, sha256: await dtSha } };
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
