/**
 * A ModelSession whose onnxruntime session lives on a worker thread.
 *
 * Why: onnxruntime-node's InferenceSession.run() is synchronous native code (the JS wrapper only
 * defers it with setImmediate), so in-process it blocks the event loop for the whole inference,
 * and the JS side of the pipeline (normalising pixels, decoding outputs, NMS) cannot overlap it.
 * On a worker, inference runs in parallel with all of that; inputs and outputs cross by
 * transferring their buffers (no copy), and inference time is measured on the worker, so main-
 * thread work does not inflate it.
 *
 * Protocol (session-worker.ts): workerData {model, options} → 'ready' | 'init-error';
 * then 'run' → 'result' | 'error', and 'release' → 'released'; replies carry the request id.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../util/errors.ts';
import { terminateWorker } from '../util/terminate-worker.ts';
import type { ModelSession, RunResult, SessionOptions } from './session.ts';
import type { SerializedError, WorkerInit, WorkerReply, WorkerRequest } from './session-worker.ts';

function deserialize(e: SerializedError): Error {
  return e.user
    ? new UserError(e.message, e.file === undefined ? {} : { file: e.file })
    : new Error(e.message);
}

export async function createWorkerSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
): Promise<ModelSession> {
  const { logger, worker: _worker, ...rest } = options;
  const init: WorkerInit = { model, options: rest };
  const worker = new Worker(new URL('./session-worker.ts', import.meta.url), { workerData: init });

  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  let onReady: ((r: WorkerReply) => void) | undefined;

  const failAll = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    if (reply.kind === 'ready' || reply.kind === 'init-error') {
      onReady?.(reply);
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    // An idle worker must not keep the process alive; a busy one must (its caller is waiting).
    if (pending.size === 0) worker.unref();
    p.resolve(reply);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`onnxruntime worker exited (code ${code})`)));

  const ready = await new Promise<WorkerReply>((resolve, reject) => {
    onReady = resolve;
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`onnxruntime worker exited during start-up (code ${code})`)),
    );
  });
  if (ready.kind === 'init-error') {
    await worker.terminate();
    throw deserialize(ready.error);
  }
  if (ready.kind !== 'ready') throw new Error(`unexpected worker reply ${ready.kind}`);
  for (const w of ready.warnings) logger?.warn(w);
  worker.unref();

  const request = (req: WorkerRequest, transfer: ArrayBuffer[] = []) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (dead) {
        reject(dead);
        return;
      }
      pending.set(req.id, { resolve, reject });
      worker.ref();
      worker.postMessage(req, transfer);
    });

  return {
    provider: ready.provider,
    requestedDevice: options.device ?? 'cpu',
    onnxruntimeVersion: ready.onnxruntimeVersion,
    inputs: ready.inputs,
    outputs: ready.outputs,
    inWorker: true,
    async run(feeds, fetches, runOptions = {}): Promise<RunResult> {
      const transfer = runOptions.transfer
        ? [...new Set(Object.values(feeds).map((f) => f.data.buffer as ArrayBuffer))]
        : [];
      const reply = await request(
        { kind: 'run', id: nextId++, feeds: { ...feeds }, ...(fetches ? { fetches: [...fetches] } : {}) },
        transfer,
      );
      if (reply.kind === 'error') throw deserialize(reply.error);
      if (reply.kind !== 'result') throw new Error(`unexpected worker reply ${reply.kind}`);
      return { outputs: reply.outputs, inferenceMs: reply.inferenceMs };
    },
    async release() {
      if (dead) return;
      await request({ kind: 'release', id: nextId++ });
      await terminateWorker(worker);
    },
  };
}
