import type { LoadedModel } from '../manifest/load.ts';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { UserError } from '../util/errors.ts';
import { type ResolvedFile, resolveSource } from './resolve-source.ts';

/** The model's ONNX file on disk (downloaded and verified if remote), with its sha256. */
export function resolveWeights(
  model: LoadedModel,
  options: { cacheDir?: string | undefined; progress?: boolean | undefined } = {},
): Promise<ResolvedFile> {
  const weights = model.manifest.weights;
  if (weights === undefined) {
    return Promise.reject(
      new UserError('no weights yet: this model awaits export (see its export recipe), so it is never run', {
        file: model.path,
      }),
    );
  }
  return resolveSource(weights, {
    manifestDir: model.dir,
    repoRoot: model.repoRoot,
    label: `${model.path}: weights`,
    maxBytes: MAX_WEIGHTS_BYTES,
    cacheDir: options.cacheDir,
    progress: options.progress,
  });
}
