/**
 * A second thread for large evaluations (eval-worker.ts), started before the inputs are read so
 * that its start-up (~30 ms) hides behind the reading. On this project's 2-vCPU machines two
 * threads gain only on branchy, latency-bound work: the byte scanner (two halves of a results file
 * scan in the time of one) and the bootstrap's walks. Matching and accumulation, bound by
 * arithmetic throughput, ran no faster split by category across the two; nor did sorting the
 * scores on the helper while this thread matched (matching slowed by what the sort saved). They
 * stay on one thread.
 */
import { getCompileCacheDir } from 'node:module';
import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { terminateWorker } from '../util/terminate-worker.ts';
import type { EvalAnswer, EvalJob } from './eval-worker.ts';

export interface EvalHelper {
  /** Runs a job: resolves with its answer, or with { ok: false } if the worker failed or died. */
  run(job: EvalJob, transfer?: readonly TransferListItem[]): Promise<EvalAnswer>;
  close(): Promise<void>;
}

/** A second thread, or undefined with one core (or PODIUM_EVAL_THREADS=1). */
export function startEvalHelper(): EvalHelper | undefined {
  if (process.env['PODIUM_EVAL_THREADS'] === '1' || availableParallelism() < 2) return undefined;
  let worker: Worker;
  try {
    const cacheDir = getCompileCacheDir?.();
    worker = new Worker(new URL('./eval-worker.ts', import.meta.url), {
      // With the process's compile cache (the CLI enables one) the worker loads its modules
      // already stripped of types, without a TypeScript stripper of its own (~17 MB).
      ...(cacheDir !== undefined && { env: { ...process.env, NODE_COMPILE_CACHE: cacheDir } }),
    });
  } catch {
    return undefined;
  }
  worker.unref();
  let dead = false;
  const waiting: ((answer: EvalAnswer) => void)[] = [];
  const settle = (answer: EvalAnswer) => {
    waiting.shift()?.(answer);
    // Referenced only while a job is pending: the process must neither exit under an awaited
    // job nor be kept alive by an idle worker.
    if (waiting.length === 0) worker.unref();
  };
  const die = () => {
    dead = true;
    while (waiting.length > 0) settle({ ok: false });
  };
  worker.on('message', settle);
  worker.on('error', die);
  worker.on('exit', die);
  return {
    run(job, transfer = []) {
      if (dead) return Promise.resolve({ ok: false });
      return new Promise<EvalAnswer>((resolve) => {
        waiting.push(resolve);
        worker.ref();
        worker.postMessage(job, transfer);
      });
    },
    async close() {
      if (!dead) await terminateWorker(worker);
    },
  };
}
