import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_IMAGES_PER_SHARD, type Plan, planBenchmarks, toMatrix } from '../../lib/board/plan.ts';
import { findRepoRoot } from '../../lib/manifest/discover.ts';
import { UserError } from '../../lib/util/errors.ts';

const HELP = `Usage: podium plan [--model ID] [--dataset ID] [--force] [--json]

Lists the model × dataset pairs whose results are missing or out of date: their cache key
(weights, annotations and image list, runner and evaluator versions, preprocessing and inference
parameters) differs from the stored result's run.cacheKey. Hidden models are skipped unless named
with --model; pairs whose classes do not match the dataset's categories, and pairs whose result
git ignores (local-only results, such as the demo's), are skipped.

Options:
  --model ID          only this model
  --dataset ID        only this dataset
  --force             re-run every selected pair
  --json              print only the GitHub Actions matrix {"include":[{"model","dataset"[,"shard"]}]}
  --shard-images N    split datasets larger than N images into shards (default ${DEFAULT_MAX_IMAGES_PER_SHARD})
  --include-ignored   also list pairs whose result git ignores (the demo's), e.g. to pick a smoke run
  --root DIR          repository root (default: nearest folder above with package.json or .git)
  --cache-dir DIR     download cache (default .podium/cache or $PODIUM_CACHE_DIR)
  -h, --help          show this help`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      dataset: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'shard-images': { type: 'string' },
      'include-ignored': { type: 'boolean', default: false },
      root: { type: 'string' },
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let maxImagesPerShard: number | undefined;
  if (values['shard-images'] !== undefined) {
    maxImagesPerShard = Number(values['shard-images']);
    if (!(Number.isInteger(maxImagesPerShard) && maxImagesPerShard >= 1))
      throw new UserError(`--shard-images: expected a positive integer, got "${values['shard-images']}"`);
  }
  const repoRoot = values.root ? resolve(values.root) : await findRepoRoot(process.cwd());
  const plan = await planBenchmarks({
    repoRoot,
    model: values.model,
    dataset: values.dataset,
    force: values.force,
    cacheDir: values['cache-dir'],
    maxImagesPerShard,
    includeIgnored: values['include-ignored'],
  });
  if (values.json) {
    console.log(JSON.stringify(toMatrix(plan)));
    return 0;
  }
  console.log(formatPlan(plan));
  return 0;
}

/** A plain-text table of the plan, for people. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  const todo = plan.pairs.filter((p) => p.status !== 'fresh');
  const rows = plan.pairs.map((p) => [
    p.status,
    p.model,
    p.dataset,
    p.shards > 1 ? `${p.images} images, ${p.shards} shards` : `${p.images} images`,
    p.reason,
  ]);
  if (rows.length > 0) {
    const head = ['status', 'model', 'dataset', 'size', 'why'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(fmt(head), ...rows.map(fmt));
  }
  for (const s of plan.skipped)
    lines.push(`skipped  ${s.model}${s.dataset ? ` × ${s.dataset}` : ''}: ${s.reason}`);
  if (lines.length > 0) lines.push('');
  lines.push(
    plan.pairs.length === 0
      ? 'nothing to run.'
      : todo.length === 0
        ? `nothing to run: all ${plan.pairs.length} pair${plan.pairs.length === 1 ? ' is' : 's are'} up to date.`
        : `${todo.length} of ${plan.pairs.length} pair${plan.pairs.length === 1 ? '' : 's'} to run.`,
  );
  return lines.join('\n');
}
