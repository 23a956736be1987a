import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadAllManifests } from '../../lib/manifest/discover.ts';
import { MANIFEST_KINDS } from '../../lib/manifest/policy.ts';
import { displayPath } from '../../lib/util/paths.ts';
import { EXIT } from '../exit-codes.ts';
import { defineCommand, defineOptions, type OptionValues, resolveRoot, rootOption } from '../spec.ts';

const options = defineOptions({
  root: rootOption,
  files: {
    type: 'boolean',
    default: true,
    help: 'skip checks that read local files (existence, size, sha256)',
  },
});
export type ValidateOptions = OptionValues<typeof options>;

/** Validates the given manifests (or folders holding one), or every manifest when none is given. */
export async function validate(values: ValidateOptions, positionals: string[]): Promise<number> {
  const repoRoot = await resolveRoot(values.root);
  const files = positionals.length ? await Promise.all(positionals.map(manifestFileFor)) : undefined;
  const { models, datasets, errors } = await loadAllManifests(files, { repoRoot, checkFiles: values.files });

  const lines = [
    ...[...models, ...datasets].map((m) => ({ key: m.path, text: `ok     ${m.path}` })),
    ...errors.map((e) => ({ key: e.file ?? '', text: `error  ${e.message}` })),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const line of lines) console.log(line.text);

  const total = models.length + datasets.length + errors.length;
  if (total === 0) {
    console.log(`no manifests found under ${displayPath(process.cwd(), repoRoot) || '.'}`);
    return 0;
  }
  if (errors.length > 0) {
    console.error(`\n${errors.length} of ${total} manifest${total === 1 ? '' : 's'} failed validation.`);
    return EXIT.user;
  }
  console.log(`\nall ${total} manifest${total === 1 ? '' : 's'} valid.`);
  return 0;
}

/** A folder argument means the manifest inside it. */
async function manifestFileFor(arg: string): Promise<string> {
  const abs = resolve(arg);
  let isDir = false;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    return abs; // reported as "file not found" by the loader, alongside any other errors
  }
  if (!isDir) return abs;
  for (const { file } of Object.values(MANIFEST_KINDS)) {
    const candidate = join(abs, file);
    try {
      await stat(candidate);
      return candidate;
    } catch {
      // try the other kind
    }
  }
  // Neither exists: name the one this folder should hold, so the loader reports it missing.
  const kind = basename(resolve(abs, '..')) === MANIFEST_KINDS.dataset.folder ? 'dataset' : 'model';
  return join(abs, MANIFEST_KINDS[kind].file);
}

export const command = defineCommand({
  name: 'validate',
  usage: ['[paths...] [options]'],
  description: `Checks model and dataset manifests: schema, id = folder name, https URLs pinned by sha256,
size limits, licences, and that local paths stay inside the repository. With no paths, checks
every models/*/model.yaml and datasets/*/dataset.yaml. A path may be a manifest or its folder.`,
  options,
  positionals: { name: 'path' },
  footer: 'Prints one line per manifest; exits 2 if any has an error.',
  run: validate,
});
