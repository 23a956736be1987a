import type { LoadedModel } from '../manifest/load.ts';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { type ResolvedFile, resolveSource } from './resolve-source.ts';

/** The model's ONNX file on disk (downloaded and verified if remote), with its sha256. */
export function resolveWeights(
  model: LoadedModel,
  options: { cacheDir?: string; progress?: boolean } = {},
): Promise<ResolvedFile> {
  return resolveSource(model.manifest.weights, {
    manifestDir: model.dir,
    repoRoot: model.repoRoot,
    label: `${model.path}: weights`,
    maxBytes: MAX_WEIGHTS_BYTES,
    cacheDir: options.cacheDir,
    progress: options.progress,
  });
}
