import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadModelManifest } from '../../lib/manifest/load.ts';
import { pinWeightsInText } from '../../lib/manifest/pin.ts';
import { parseSafeYaml } from '../../lib/manifest/read-yaml.ts';
import { assertStandardOps, inspectModel } from '../../lib/onnx/inspect.ts';
import { MAX_WEIGHTS_BYTES } from '../../lib/policy/limits.ts';
import { HttpsUrl } from '../../lib/schema/common.ts';
import { parseOrThrow } from '../../lib/schema/format-error.ts';
import { ModelManifest } from '../../lib/schema/model-manifest.ts';
import { writeFileAtomic } from '../../lib/util/atomic-write.ts';
import { UserError } from '../../lib/util/errors.ts';
import { sha256Bytes } from '../../lib/util/hash.ts';
import { displayPath } from '../../lib/util/paths.ts';
import { defineCommand, defineOptions, type OptionValues, resolveRoot, rootOption } from '../spec.ts';

const options = defineOptions({
  file: { type: 'string', arg: 'FILE', help: 'the ONNX file to pin (hashed and checked here)' },
  url: { type: 'string', arg: 'URL', help: 'the https URL the file is published at (a release asset)' },
  root: rootOption,
});
export type PinOptions = OptionValues<typeof options>;

/**
 * Fills in `weights: {url, sha256, bytes}` of models/<id>/model.yaml from a local ONNX file: the
 * last step of the export workflow, which uploads the file and proposes the change by pull request.
 * The file is hashed and parsed here (a file that is not ONNX, or that uses non-standard operators,
 * is refused); the manifest is rewritten atomically, only if the result validates, with every
 * other line kept as it was.
 */
export async function pin(values: PinOptions, positionals: string[]): Promise<number> {
  const repoRoot = await resolveRoot(values.root);
  if (!values.file) throw new UserError('--file: give the ONNX file to pin');
  if (!values.url) throw new UserError('--url: give the https URL the file is published at');
  const checked = HttpsUrl.safeParse(values.url);
  if (!checked.success) throw new UserError(`--url: ${checked.error.issues[0]!.message}`);
  const url = checked.data;
  const target = resolve(positionals[0]!);
  const manifestFile = (await stat(target).catch(() => undefined))?.isDirectory()
    ? join(target, 'model.yaml')
    : target;
  const model = await loadModelManifest(manifestFile, { repoRoot });

  let data: Buffer;
  try {
    data = await readFile(values.file);
  } catch (err) {
    throw new UserError(`cannot read the file (${(err as NodeJS.ErrnoException).code})`, {
      file: values.file,
    });
  }
  if (data.length > MAX_WEIGHTS_BYTES)
    throw new UserError(`the file is ${data.length} bytes, over the weights limit`, { file: values.file });
  assertStandardOps(inspectModel(data, values.file), values.file);
  const weights = { url, sha256: sha256Bytes(data), bytes: data.length };

  const text = await readFile(model.file, 'utf8');
  const next = pinWeightsInText(text, weights, model.path);
  // The new text must still be a valid manifest before it replaces the old one.
  parseOrThrow(ModelManifest, parseSafeYaml(next, model.path), model.path);
  await writeFileAtomic(model.file, next);
  console.log(
    `pinned ${displayPath(repoRoot, model.file)}: weights ${weights.sha256} (${weights.bytes} bytes) at ${url}`,
  );
  return 0;
}

export const command = defineCommand({
  name: 'pin',
  usage: ['models/<id> --file model.onnx --url https://… [options]'],
  description: `Writes weights: {url, sha256, bytes} into a model manifest from a local ONNX file (hashed and
checked here), keeping every other line of the manifest as it was. Used by the export workflow
once the file is uploaded; a manifest awaiting export keeps its export recipe as provenance.`,
  options,
  positionals: { name: 'MANIFEST', min: 1, max: 1 },
  run: pin,
});
