/**
 * The evaluator's second thread (eval-threads.ts), one job at a time: scanning the tail of a
 * results file (read-results.ts) or claiming bootstrap batches (bootstrap.ts). A job's answer is
 * what the main thread would have computed itself, so who does what never changes a result.
 */
import type { TransferListItem } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import type { BootstrapPlan, BootstrapWork } from './analysis/bootstrap.ts';
import { claimBatches } from './analysis/bootstrap.ts';
import { JsonScanner } from './json-scan.ts';
import type { ScannedRows } from './read-results.ts';
import { scanEntries } from './read-results.ts';

export type EvalJob =
  /** Scan entries from the first byte of `bytes` (an entry start) to the end of the document. */
  | { readonly kind: 'scan'; readonly bytes: Uint8Array }
  | { readonly kind: 'bootstrap'; readonly plan: BootstrapPlan; readonly work: BootstrapWork };

/** A scan's rows, or undefined where the fast path gave up (the main thread then scans itself). */
export type EvalAnswer = { readonly ok: true; readonly rows?: ScannedRows } | { readonly ok: false };

function scanTail(bytes: Uint8Array): ScannedRows | undefined {
  try {
    return scanEntries(new JsonScanner(bytes), bytes.length, -1).rows;
  } catch {
    // FALLBACK, or anything else: the main thread's own scan decides.
    return undefined;
  }
}

parentPort?.on('message', (job: EvalJob) => {
  if (job.kind === 'scan') {
    const rows = scanTail(job.bytes);
    // The copy is done with: free it now rather than at this isolate's next full GC.
    (job.bytes.buffer as ArrayBuffer).transfer(0);
    const transfer: TransferListItem[] = [];
    if (rows)
      for (const a of Object.values(rows)) if (ArrayBuffer.isView(a)) transfer.push(a.buffer as ArrayBuffer);
    parentPort?.postMessage({ ok: true, ...(rows && { rows }) } satisfies EvalAnswer, transfer);
    return;
  }
  let answer: EvalAnswer = { ok: true };
  try {
    claimBatches(job.plan, job.work);
  } catch {
    // The main thread redoes unfinished batches (bootstrap-parallel.ts).
    answer = { ok: false };
  }
  parentPort?.postMessage(answer);
});
