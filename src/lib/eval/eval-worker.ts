/**
 * The evaluator's second thread (eval-threads.ts), one job at a time: scanning the tail of a
 * results file (read-results.ts), hashing the file, or claiming bootstrap batches
 * (bootstrap.ts). A job's answer is
 * what the main thread would have computed itself, so who does what never changes a result.
 */
import { createHash } from 'node:crypto';
import type { TransferListItem } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import type { BootstrapPlan, BootstrapWork } from './analysis/bootstrap.ts';
import { claimBatches } from './analysis/bootstrap.ts';
import { JsonScanner } from './json-scan.ts';
import type { ScannedRows } from './read-results.ts';
import { entryBoundary, scanEntries } from './read-results.ts';
import type { MappedRows } from './results-rows.ts';
import { idLookup, mapIds } from './results-rows.ts';

export type EvalJob =
  /**
   * Scan the entries of `tail` (the results file's bytes from offset `from` to its end; the job's
   * own, handed back once scanned, or kept) from the first entry start in [from, headEnd) (entryBoundary over the
   * bytes the main thread's head also holds, so both threads find the same one) to the end, and
   * map their ids to indices of the GT's sorted `imageIds` and `categoryIds`. With `keep`, the
   * tail is kept for the 'hash' job that follows.
   */
  | {
      readonly kind: 'scan';
      readonly tail: Uint8Array;
      readonly imageIds: Float64Array;
      readonly categoryIds: Float64Array;
      readonly from: number;
      readonly headEnd: number;
      readonly keep: boolean;
    }
  /**
   * The sha256 of the whole results file of the scan before (which kept its tail): `head` holds
   * its first bytes (the main thread's part, handed over once scanned; the job's own, freed once
   * used), up to the scan's `from` at least. The very bytes that were scanned, never read again.
   * A job of its own, so that the scan's rows reach the main thread without waiting for the hash
   * (40 ms on 40 MB), which then runs while that thread matches.
   */
  | { readonly kind: 'hash'; readonly head: Uint8Array }
  | { readonly kind: 'bootstrap'; readonly plan: BootstrapPlan; readonly work: BootstrapWork };

/**
 * A scan's rows and the file offset they start at (absent where no entry start was found or the
 * fast path gave up: the main thread then scans on itself); { ok: false } when the job failed.
 */
export type EvalAnswer =
  | {
      readonly ok: true;
      readonly rows?: ScannedRows | MappedRows;
      readonly split?: number;
      readonly sha256?: string;
      /** A scan's tail buffer, given back for the main thread to recycle (recycled-memory.ts). */
      readonly spare?: ArrayBuffer;
    }
  | { readonly ok: false };

/** A scan's tail, kept for the hash job. */
let kept: { readonly from: number; readonly tail: Uint8Array } | undefined;

/** Frees a buffer now rather than at this isolate's next full GC. */
function free(bytes: Uint8Array): void {
  (bytes.buffer as ArrayBuffer).transfer(0);
}

function scanTail(bytes: Uint8Array): ScannedRows | undefined {
  try {
    return scanEntries(new JsonScanner(bytes), bytes.length, -1).rows;
  } catch {
    // FALLBACK, or anything else: the main thread's own scan decides.
    return undefined;
  }
}

function scan(job: Extract<EvalJob, { kind: 'scan' }>): EvalAnswer {
  const { tail, from } = job;
  if (kept) free(kept.tail);
  kept = job.keep ? { from, tail } : undefined;
  const at = entryBoundary(tail.subarray(0, job.headEnd - from), 0);
  const scanned = at < 0 ? undefined : scanTail(tail.subarray(at));
  // Handed back (not freed): its resident pages hold the main thread's next arrays.
  const spare = job.keep ? undefined : (tail.buffer as ArrayBuffer);
  let rows: ScannedRows | MappedRows | undefined = scanned;
  try {
    if (scanned) rows = mapIds(scanned, idLookup(job.imageIds), idLookup(job.categoryIds));
  } catch {
    // An id not in the GT (FALLBACK): the main thread's mapping decides.
  }
  return { ok: true, ...(rows && { rows, split: from + at }), ...(spare && { spare }) };
}

function hash(head: Uint8Array): EvalAnswer {
  const k = kept;
  kept = undefined;
  try {
    if (!k || head.length < k.from) return { ok: false };
    return {
      ok: true,
      sha256: createHash('sha256').update(head.subarray(0, k.from)).update(k.tail).digest('hex'),
    };
  } finally {
    free(head);
    if (k) free(k.tail);
  }
}

function answer(job: EvalJob): { answer: EvalAnswer; transfer: TransferListItem[] } {
  if (job.kind === 'bootstrap') {
    claimBatches(job.plan, job.work);
    return { answer: { ok: true }, transfer: [] };
  }
  if (job.kind === 'hash') return { answer: hash(job.head), transfer: [] };
  const result = scan(job);
  const transfer: TransferListItem[] = result.ok && result.spare ? [result.spare] : [];
  if (result.ok && result.rows)
    for (const a of Object.values(result.rows))
      if (ArrayBuffer.isView(a)) transfer.push(a.buffer as ArrayBuffer);
  return { answer: result, transfer };
}

parentPort?.on('message', (job: EvalJob) => {
  let reply: { answer: EvalAnswer; transfer: TransferListItem[] };
  try {
    reply = answer(job);
  } catch {
    // The main thread does the job itself (read-files.ts, bootstrap-parallel.ts).
    reply = { answer: { ok: false }, transfer: [] };
  }
  parentPort?.postMessage(reply.answer, reply.transfer);
});
