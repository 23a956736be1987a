/**
 * Reading the evaluator's two input files: bytes in, columns out (read-gt.ts, read-results.ts).
 * loadInputs overlaps the work: both files are read on libuv's pool and hashed there by WebCrypto
 * while the main thread scans, so reading and hashing cost little beyond the scans themselves.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
 * scans the ground truth and, when asked, hashes the results file (40 ms on 40 MB).
 */
const headShare = (hash: boolean) => (hash ? 0.3 : 0.42);

/**
 * Both inputs of an evaluation, read and hashed concurrently. With `hash: false` (nothing will
 * record the hashes, as for `podium eval --stats-only`) sha256 is left empty. With a helper
 * thread, a large results file is scanned in two parts at once (readDetectionsSplit): the helper
 * gets a copy of the tail, which it frees once scanned, and this thread hashes the file (with no
 * copy) and scans the ground truth and the head meanwhile. Every buffer is freed as soon as it is
 * done with: a SharedArrayBuffer would stay resident until both threads' garbage collectors ran.
 */
export async function loadInputs(
  gtFile: string,
  dtFile: string,
  options: { hash?: boolean; helper?: EvalHelper | undefined } = {},
): Promise<{ gt: CocoGt; dt: Detections }> {
  const hash = options.hash ?? true;
  const helper = options.helper;
  const dtBytes = readBytes(dtFile);
  // A rejected read is awaited below; until then it must not count as unhandled.
  dtBytes.catch(() => {});
  const gtBytes = await readBytes(gtFile);
  const gtSha = hash ? sha256Hex(gtBytes) : '';
  const bytes = await dtBytes;
  const split =
    helper && bytes.length >= SPLIT_MIN_BYTES
      ? entryBoundary(bytes, Math.floor(bytes.length * headShare(hash)))
      : -1;
  if (helper && split > 0) {
    const copy = new Uint8Array(bytes.subarray(split));
    const tail = helper
      .run({ kind: 'scan', bytes: copy }, [copy.buffer])
      .then((a) => (a.ok ? a.rows : undefined));
    const dtSha = hash ? createHash('sha256').update(bytes).digest('hex') : '';
    const gt = readGt(gtBytes, gtFile, '');
    release(gtBytes);
    const dt = await readDetectionsSplit(bytes, dtFile, '', gt, split, tail);
    release(bytes);
    return { gt: { ...gt, sha256: await gtSha }, dt: { ...dt, sha256: dtSha } };
  }
  const dtSha = hash ? sha256Hex(bytes) : '';
  const gt = readGt(gtBytes, gtFile, '');
  release(gtBytes);
  const dt = readDetections(bytes, dtFile, '', gt);
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
