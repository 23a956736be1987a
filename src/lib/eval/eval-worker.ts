/**
 * The evaluator's second thread (eval-threads.ts), one job at a time: scanning the tail of a
 * results file (read-results.ts) or claiming bootstrap batches (bootstrap.ts). A job's answer is
 * what the main thread would have computed itself, so who does what never changes a result.
 */
import { createHash } from 'node:crypto';
import type { TransferListItem } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import type { BootstrapPlan, BootstrapWork } from './analysis/bootstrap.ts';
import { claimBatches } from './analysis/bootstrap.ts';
import { JsonScanner } from './json-scan.ts';
import type { ScannedRows } from './read-results.ts';
import { scanEntries } from './read-results.ts';

export type EvalJob =
  /**
   * Scan entries from offset `start` of `bytes` (an entry start) to the end; with `prefix`, also
   * the sha256 of prefix + bytes (the whole file, which this thread then hashes instead of the
   * main one). Both buffers are the job's own, freed once used.
   */
  | {
      readonly kind: 'scan';
      readonly bytes: Uint8Array;
      readonly start: number;
      readonly prefix?: Uint8Array;
    }
  | { readonly kind: 'bootstrap'; readonly plan: BootstrapPlan; readonly work: BootstrapWork };

/**
 * A scan's rows (absent where the fast path gave up: the main thread then scans on itself);
 * { ok: false } when the job failed.
 */
export type EvalAnswer =
  | { readonly ok: true; readonly rows?: ScannedRows; readonly sha256?: string }
  | { readonly ok: false };

function scanTail(bytes: Uint8Array): ScannedRows | undefined {
  try {
    return scanEntries(new JsonScanner(bytes), bytes.length, -1).rows;
  } catch {
    // FALLBACK, or anything else: the main thread's own scan decides.
    return undefined;
  }
}

/** Frees a job's buffer now rather than at this isolate's next full GC. */
function free(bytes: Uint8Array | undefined): void {
  if (bytes) (bytes.buffer as ArrayBuffer).transfer(0);
}

function answer(job: EvalJob): { answer: EvalAnswer; transfer: TransferListItem[] } {
  if (job.kind === 'bootstrap') {
    claimBatches(job.plan, job.work);
    return { answer: { ok: true }, transfer: [] };
  }
  const rows = scanTail(job.bytes.subarray(job.start));
  const sha256 = job.prefix && createHash('sha256').update(job.prefix).update(job.bytes).digest('hex');
  free(job.prefix);
  free(job.bytes);
  const transfer: TransferListItem[] = [];
  if (rows)
    for (const a of Object.values(rows)) if (ArrayBuffer.isView(a)) transfer.push(a.buffer as ArrayBuffer);
  return { answer: { ok: true, ...(rows && { rows }), ...(sha256 !== undefined && { sha256 }) }, transfer };
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
