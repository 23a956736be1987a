/**
 * An onnxruntime-node session with the execution provider chosen by `--device`, falling back to
 * CPU (with a warning, and recorded) when a GPU provider cannot be loaded. The CUDA / TensorRT
 * paths are deliberately thin: they only pick providers; everything else is identical to CPU.
 */
import ort from 'onnxruntime-node';
import { UserError } from '../util/errors.ts';
import type { OutputSpec, OutputTensor } from './decoders/types.ts';
import type { Logger } from './logger.ts';
import { tensorToFloat32 } from './ort-tensor.ts';

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
}

export interface InputSpec {
  name: string;
  /** onnxruntime's element type name, e.g. 'float32', 'float16'. */
  dtype: string;
  dims: readonly (number | string)[];
}

export interface ModelSession {
  readonly session: ort.InferenceSession;
  /** Provider the session was created with, e.g. 'cpu', 'cuda' (after any fallback). */
  readonly provider: string;
  readonly requestedDevice: Device;
  readonly onnxruntimeVersion: string;
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  /** Runs and returns the fetched outputs as float32 (float16 outputs are converted). */
  run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
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
    session: s,
    provider,
    requestedDevice: device,
    onnxruntimeVersion: ort.env.versions.node ?? ort.env.versions.common,
    inputs,
    outputs,
    async run(feeds, fetches) {
      const results = fetches ? await s.run(feeds, [...fetches]) : await s.run(feeds);
      const out: Record<string, OutputTensor> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = { name, dims: tensor.dims, data: tensorToFloat32(tensor, name) };
      }
      return out;
    },
    release: () => s.release(),
  };
}
