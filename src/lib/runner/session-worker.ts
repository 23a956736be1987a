/**
 * Worker-thread entry that hosts one onnxruntime session (see worker-session.ts for the protocol
 * and why). Runs the ordinary in-process session and ships results back, transferring buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../util/errors.ts';
import { createSession, type FeedTensor, type ModelSession, type SessionOptions } from './session.ts';

export interface WorkerInit {
  model: string | Uint8Array;
  options: Omit<SessionOptions, 'logger' | 'worker'>;
}

export type WorkerRequest =
  | { kind: 'run'; id: number; feeds: Record<string, FeedTensor>; fetches?: string[] }
  | { kind: 'release'; id: number };

export interface SerializedError {
  message: string;
  user: boolean;
  file?: string;
}

export type WorkerReply =
  | {
      kind: 'ready';
      provider: string;
      onnxruntimeVersion: string;
      inputs: ModelSession['inputs'];
      outputs: ModelSession['outputs'];
      warnings: string[];
    }
  | { kind: 'init-error'; error: SerializedError }
  | {
      kind: 'result';
      id: number;
      outputs: Awaited<ReturnType<ModelSession['run']>>['outputs'];
      inferenceMs: number;
    }
  | { kind: 'released'; id: number }
  | { kind: 'error'; id: number; error: SerializedError };

function serialize(err: unknown): SerializedError {
  if (isUserError(err)) {
    const prefix = err.file === undefined ? '' : `${err.file}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return { message, user: true, ...(err.file === undefined ? {} : { file: err.file }) };
  }
  return { message: err instanceof Error ? err.message : String(err), user: false };
}

const port = parentPort;
if (!port) throw new Error('session-worker.ts must run in a worker thread');
const init = workerData as WorkerInit;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

const warnings: string[] = [];
let session: ModelSession | undefined;
try {
  session = await createSession(init.model, {
    ...init.options,
    worker: false,
    logger: { warn: (m) => warnings.push(m) },
  });
  post({
    kind: 'ready',
    provider: session.provider,
    onnxruntimeVersion: session.onnxruntimeVersion,
    inputs: session.inputs,
    outputs: session.outputs,
    warnings,
  });
} catch (err) {
  post({ kind: 'init-error', error: serialize(err) });
}

// Requests are handled one at a time, in order: onnxruntime runs one inference at a time here.
let chain = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  chain = chain.then(async () => {
    if (!session) return;
    if (req.kind === 'release') {
      await session.release();
      post({ kind: 'released', id: req.id });
      port.close();
      return;
    }
    try {
      const { outputs, inferenceMs } = await session.run(req.feeds, req.fetches);
      const buffers = Object.values(outputs).map((o) => o.data.buffer as ArrayBuffer);
      // A buffer can be listed once only, and views sharing one buffer would all be detached.
      try {
        post({ kind: 'result', id: req.id, outputs, inferenceMs }, [...new Set(buffers)]);
      } catch {
        // Buffers that cannot be detached (e.g. external memory) are copied instead.
        post({ kind: 'result', id: req.id, outputs, inferenceMs });
      }
    } catch (err) {
      post({ kind: 'error', id: req.id, error: serialize(err) });
    }
  });
});
