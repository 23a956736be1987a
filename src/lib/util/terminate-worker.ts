import type { Worker } from 'node:worker_threads';

/**
 * worker.terminate(), awaited safely: a terminating worker's handle no longer holds the event
 * loop, so with nothing else pending the process could end with the await unsettled (exit code
 * 13, "unsettled top-level await"). A timer of this thread's own holds it until the exit.
 */
export async function terminateWorker(worker: Worker): Promise<void> {
  const guard = setTimeout(() => {}, 10_000);
  try {
    await worker.terminate();
  } finally {
    clearTimeout(guard);
  }
}
