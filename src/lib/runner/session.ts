/**
 * An onnxruntime-node session with the execution provider chosen by `--device`, falling back to
 * CPU (with a warning, and recorded) when a GPU provider cannot be loaded. The CUDA / TensorRT
 * paths are deliberately thin: they only pick providers; everything else is identical to CPU.
 */
import os from 'node:os';
import ort from 'onnxruntime-node';
import { UserError } from '../util/errors.ts';
import type { OutputSpec, OutputTensor } from './decoders/types.ts';
import type { Logger } from './logger.ts';
import { type FeedData, inputTensor, tensorToFloat32 } from './ort-tensor.ts';

export type Device = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionOptions {
  device?: Device;
  /** GPU ordinal for cuda / tensorrt. */
  deviceId?: number;
  /** Threads inside one operator (0 = onnxruntime's default: one per physical core). */
  intraOpNumThreads?: number;
  /** Threads across independent operators; only used with executionMode 'parallel'. */
  interOpNumThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Let onnxruntime's intra-op threads busy-wait between operators (its default). Spinning
   * lowers latency on an idle machine, but burns the CPU that sharp needs to prepare the next
   * images while inference runs; the pipeline overlaps better with it off (measured on 2 cores:
   * pipeline/bare throughput 0.54 with spinning, about 0.85 without). Default false.
   */
  allowSpinning?: boolean;
  logger?: Logger;
  /** Model file, named in errors. */
  file?: string;
  /**
   * Host the session on a worker thread. onnxruntime-node's run() blocks the JS thread for the
   * whole inference, so in-process nothing else (image normalisation, decoding, NMS) can run
   * meanwhile; on a worker, the pipeline overlaps all of that with inference, and inference
   * time is measured without main-thread noise. Measured (bench:runner, 2 cores, onnxruntime on
   * 1 thread): pipeline/bare throughput 0.93 on a worker vs 0.79 in-process. Default true.
   */
  worker?: boolean;
}

export interface InputSpec {
  name: string;
  /** onnxruntime's element type name, e.g. 'float32', 'float16'. */
  dtype: string;
  dims: readonly (number | string)[];
}

/**
 * An input to feed: float32 data, float16 as raw half bits (Uint16Array), uint8 pixel bytes, or
 * int32 / int64 (extra inputs such as an original image size); dims e.g. NCHW.
 */
export interface FeedTensor {
  data: FeedData;
  dims: readonly number[];
}

export interface RunResult {
  /** Fetched outputs, converted to float32 (float16 outputs included). */
  outputs: Record<string, OutputTensor>;
  /** Wall time of onnxruntime's run itself, in milliseconds. */
  inferenceMs: number;
}

export interface RunOptions {
  /**
   * Hand the feeds' buffers over instead of copying them (worker sessions only; the caller's
   * arrays are detached afterwards). For feeds used once, like the pipeline's batches.
   */
  transfer?: boolean;
}

export interface ModelSession {
  /** Provider the session was created with, e.g. 'cpu', 'cuda' (after any fallback). */
  readonly provider: string;
  readonly requestedDevice: Device;
  readonly onnxruntimeVersion: string;
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  /** Whether onnxruntime runs on its own thread (see SessionOptions.worker). */
  readonly inWorker: boolean;
  /** Runs the model on the feeds; `fetches` limits the outputs computed and returned. */
  run(
    feeds: Readonly<Record<string, FeedTensor>>,
    fetches?: readonly string[],
    options?: RunOptions,
  ): Promise<RunResult>;
  release(): Promise<void>;
}

/**
 * onnxruntime's intra-op threads for a CPU benchmark: every core but one. The spare core decodes,
 * resizes and post-processes the next images while inference runs; when inference takes every
 * core instead, that work steals from it, and the recorded inference latency measures the
 * contention as much as the model (on 2 cores: 24 ms vs 15 ms bare, against 27.8 vs 27.5 with one
 * core left free; see bench/runner.bench.ts).
 */
export function defaultCpuThreads(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** Providers to try, best first; CPU is always the last resort. */
function providerChain(
  device: Device,
  deviceId: number,
): { name: string; config: ort.InferenceSession.ExecutionProviderConfig }[] {
  const cuda = { name: 'cuda', config: { name: 'cuda', deviceId } };
  const cpu = { name: 'cpu', config: 'cpu' };
  switch (device) {
    case 'cpu':
      return [cpu];
    case 'cuda':
      return [cuda, cpu];
    case 'tensorrt':
      return [{ name: 'tensorrt', config: { name: 'tensorrt', deviceId } }, cuda, cpu];
  }
}

export async function createSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
): Promise<ModelSession> {
  if (options.worker ?? true) {
    const { createWorkerSession } = await import('./worker-session.ts');
    return createWorkerSession(model, options);
  }
  const device = options.device ?? 'cpu';
  const file = options.file ?? (typeof model === 'string' ? model : undefined);
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    executionMode: options.executionMode ?? 'sequential',
    // Warnings from onnxruntime itself go to stderr natively; only errors are worth that.
    logSeverityLevel: 3,
  };
  if (options.intraOpNumThreads !== undefined) base.intraOpNumThreads = options.intraOpNumThreads;
  if (options.interOpNumThreads !== undefined) base.interOpNumThreads = options.interOpNumThreads;
  if (!options.allowSpinning) {
    // Session config entry "session.intra_op.allow_spinning" (onnxruntime_session_options_config_keys.h).
    base.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  }

  const chain = providerChain(device, options.deviceId ?? 0);
  let session: ort.InferenceSession | undefined;
  let provider = 'cpu';
  const failures: string[] = [];
  for (const p of chain) {
    try {
      const opts = { ...base, executionProviders: [p.config] };
      session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, opts)
          : await ort.InferenceSession.create(model, opts);
      provider = p.name;
      break;
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0] ?? String(err);
      // A model that fails on CPU is the model's problem, not a missing provider.
      if (p.name === 'cpu') {
        throw new UserError(`onnxruntime cannot load the model: ${reason}`, {
          ...(file === undefined ? {} : { file }),
          cause: err,
        });
      }
      failures.push(`${p.name}: ${reason}`);
    }
  }
  if (!session) throw new Error('unreachable: the CPU provider neither succeeded nor threw');
  if (provider !== chain[0]!.name) {
    options.logger?.warn(
      `execution provider '${chain[0]!.name}' is not available (${failures.join('; ')}); running on '${provider}' instead`,
    );
  }

  const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
    list.map((m) => ({
      name: m.name,
      dtype: m.isTensor ? m.type : 'non-tensor',
      dims: m.isTensor ? [...m.shape] : [],
    }));
  const inputs = meta(session.inputMetadata);
  const outputs = meta(session.outputMetadata).map(({ name, dims }) => ({ name, dims }));
  const s = session;
  return {
    provider,
    requestedDevice: device,
    onnxruntimeVersion: ort.env.versions.node ?? ort.env.versions.common,
    inputs,
    outputs,
    inWorker: false,
    async run(feeds, fetches) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) tensors[name] = inputTensor(f.data, f.dims);
      const t0 = performance.now();
      const results = fetches ? await s.run(tensors, [...fetches]) : await s.run(tensors);
      const inferenceMs = performance.now() - t0;
      const out: Record<string, OutputTensor> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = { name, dims: tensor.dims, data: tensorToFloat32(tensor, name) };
      }
      return { outputs: out, inferenceMs };
    },
    release: () => s.release(),
  };
}
