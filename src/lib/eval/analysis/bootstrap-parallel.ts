/**
 * The bootstrap on two threads: a worker claims batches of resamples from shared memory while
 * the main thread runs the rest of the analysis, then the main thread claims what is left and
 * waits (Atomics.wait, so the API stays synchronous) for the batches the worker holds. Results are
 * identical whoever computes which batch (see BootstrapWork). The worker only pays off on large
 * cases (its start-up costs ~30 ms), so small ones, and PODIUM_EVAL_THREADS=1, stay on one thread.
 */
import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Uncertainty } from '../../schema/metrics.ts';
import { discard } from '../discard.ts';
import type { EvalHelper } from '../eval-threads.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import type { BootstrapOptions, BootstrapPlan, BootstrapWork } from './bootstrap.ts';
import {
  BATCH,
  batchCount,
  batcherFor,
  checkResamples,
  claimBatches,
  computeBatch,
  newWork,
  planBootstrap,
  uncertaintyOf,
} from './bootstrap.ts';

export interface ParallelOptions extends BootstrapOptions {
  /** 1: this thread only; 2: with a worker; default: 2 on cases large enough to gain from it. */
  readonly threads?: 1 | 2;
  /** The evaluator's running second thread, used instead of starting a worker of its own. */
  readonly helper?: EvalHelper | undefined;
}

/** Below this many (evaluated detections × resamples) the worker's start-up outweighs its help. */
const WORKER_MIN_WORK = 2e7;
/** The worker gets this long without finishing a batch before the main thread redoes its share. */
const STALL_MS = 10_000;

export interface PendingBootstrap {
  /** The shared state (control[1] counts finished batches), for diagnostics and tests. */
  readonly work: BootstrapWork;
  finish(): Uncertainty;
}

function threadsFor(plan: BootstrapPlan, resamples: number, requested: 1 | 2 | undefined): 1 | 2 {
  if (requested !== undefined) return requested;
  if (process.env['PODIUM_EVAL_THREADS'] === '1') return 1;
  const work = plan.catStart[plan.K]! * resamples;
  return work >= WORKER_MIN_WORK && availableParallelism() >= 2 && batchCount(resamples) >= 2 ? 2 : 1;
}

/** Starts the bootstrap (on a worker when it pays); finish() completes it on this thread. */
export function startBootstrap(evaluation: CocoEvaluation, options: ParallelOptions = {}): PendingBootstrap {
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 0;
  checkResamples(resamples);
  const own = planBootstrap(evaluation);
  const threads = threadsFor(own, resamples, options.threads);
  // On two threads the plan lives in shared memory: the worker reads it instead of a copy.
  const plan = threads === 2 ? sharedPlan(own) : own;
  const work = newWork(seed, resamples, threads === 2);
  if (threads === 2 && options.helper) {
    // Its answer is not awaited: finish() follows the shared counters.
    void options.helper.run({ kind: 'bootstrap', plan, work });
  } else if (threads === 2) {
    try {
      const cacheDir = getCompileCacheDir?.();
      const worker = new Worker(new URL('./bootstrap-worker.ts', import.meta.url), {
        workerData: { plan, work },
        // With the process's compile cache (the CLI enables one) the worker loads its modules
        // already stripped of types, without a TypeScript stripper of its own (~17 MB).
        ...(cacheDir !== undefined && { env: { ...process.env, NODE_COMPILE_CACHE: cacheDir } }),
      });
      // A failed worker only means the main thread does its batches (see finish).
      worker.on('error', () => {});
      worker.unref();
    } catch {
      // No worker: all batches stay with this thread.
    }
  }
  return {
    work,
    finish() {
      claimBatches(plan, work);
      awaitBatches(plan, work);
      discard(plan.ordImg, plan.evPos, plan.evImg, plan.evIgnoredAll, plan.tpEv, plan.igEv);
      return uncertaintyOf(evaluation, work);
    },
  };
}

type TypedArray = Int32Array | Float64Array | Uint8Array;

/** The plan with its arrays moved to SharedArrayBuffers (its own arrays freed, the borrowed kept). */
function sharedPlan(plan: BootstrapPlan): BootstrapPlan {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan)) {
    if (ArrayBuffer.isView(value)) {
      const a = value as TypedArray;
      const copy = new (a.constructor as new (b: SharedArrayBuffer) => TypedArray)(
        new SharedArrayBuffer(a.byteLength),
      );
      copy.set(a as never);
      out[key] = copy;
      // recThrs and catStart belong to the params and the matches.
      if (key !== 'recThrs' && key !== 'catStart') discard(a);
    } else out[key] = value;
  }
  return out as unknown as BootstrapPlan;
}

/** Waits for the batches another thread claimed; redoes them here if it stalls (or died). */
function awaitBatches(plan: BootstrapPlan, work: BootstrapWork): void {
  const n = batchCount(work.resamples);
  let done = Atomics.load(work.control, 1);
  let since = performance.now();
  while (done < n) {
    Atomics.wait(work.control, 1, done, 100);
    const now = Atomics.load(work.control, 1);
    if (now !== done) {
      done = now;
      since = performance.now();
    } else if (performance.now() - since > STALL_MS) {
      // Racing a live worker is harmless: both write the same values.
      const batcher = batcherFor(plan, Math.min(BATCH, work.resamples));
      for (let j = 0; j < n; j++)
        if (Atomics.load(work.control, 2 + j) !== 1) computeBatch(plan, work, j, batcher);
      return;
    }
  }
}
