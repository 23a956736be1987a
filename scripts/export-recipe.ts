/**
 * The export workflow's reader of a manifest's `export` recipe (.github/workflows/export.yml):
 *
 *   node scripts/export-recipe.ts models/<id> <out-dir>
 *
 * validates the manifest, then writes into <out-dir>:
 *   requirements.txt   the exporter and every requirement, exact pins, one per line (pip -r)
 *   command.json       the command as a JSON argument list (run without a shell)
 *   outputs.txt        key=value lines for $GITHUB_OUTPUT (the schema forbids newlines in them)
 * The workflow never interpolates a manifest value into a shell script: it reads these files.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadModelManifest } from '../src/lib/manifest/load.ts';
import type { ExportRecipe } from '../src/lib/schema/export-recipe.ts';
import { writeFileAtomic } from '../src/lib/util/atomic-write.ts';
import { isUserError, UserError } from '../src/lib/util/errors.ts';

export interface RecipeFiles {
  requirements: string;
  command: string;
  outputs: string;
}

export function recipeFiles(id: string, recipe: ExportRecipe): RecipeFiles {
  const e = recipe.exporter;
  if ('repository' in e && e.commit === undefined)
    throw new UserError(
      'export.exporter.commit: not pinned yet: give the full commit of the repository that exports this model',
    );
  const requirements = ['package' in e ? `${e.package}==${e.version}` : undefined, ...recipe.requirements]
    .filter((r) => r !== undefined)
    .join('\n');
  const outputs: Record<string, string> = {
    id,
    python: recipe.python,
    repository: 'repository' in e ? e.repository : '',
    commit: 'repository' in e ? (e.commit ?? '') : '',
    workdir: 'repository' in e ? (e.workdir ?? '.') : '.',
    checkpoint_url: recipe.checkpoint.url ?? '',
    checkpoint_page: recipe.checkpoint.page ?? '',
    checkpoint_sha256: recipe.checkpoint.sha256 ?? '',
    checkpoint_file: recipe.checkpoint.file,
    output: recipe.output,
    opset: String(recipe.opset),
  };
  for (const [k, v] of Object.entries(outputs))
    if (/[\n\r]/.test(v)) throw new UserError(`export.${k}: must be one line`);
  return {
    requirements: `${requirements}\n`,
    command: `${JSON.stringify(recipe.command)}\n`,
    outputs: `${Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  };
}

async function main(argv: string[]): Promise<number> {
  const [target, outDir] = argv;
  if (!target || !outDir) {
    console.error('usage: node scripts/export-recipe.ts models/<id> <out-dir>');
    return 2;
  }
  const file = target.endsWith('.yaml') ? resolve(target) : resolve(target, 'model.yaml');
  const model = await loadModelManifest(file, { repoRoot: process.cwd() });
  const recipe = model.manifest.export;
  if (!recipe) throw new UserError('no export recipe: nothing to export', { file: model.path });
  const files = recipeFiles(model.manifest.id, recipe);
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(join(outDir, 'requirements.txt'), files.requirements);
  await writeFileAtomic(join(outDir, 'command.json'), files.command);
  await writeFileAtomic(join(outDir, 'outputs.txt'), files.outputs);
  if (model.manifest.weights)
    console.log(`note: ${model.path} already has weights; the export proposes a replacement`);
  console.log(`${model.path}: recipe written to ${outDir}`);
  return 0;
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (!isUserError(err)) throw err;
    console.error(`export-recipe: error: ${err.message}`);
    process.exitCode = 2;
  }
}
