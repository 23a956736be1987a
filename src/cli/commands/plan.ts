import { DEFAULT_MAX_IMAGES_PER_SHARD, type Plan, planBenchmarks, toMatrix } from '../../lib/board/plan.ts';
import {
  cacheDirOption,
  defineCommand,
  defineOptions,
  type OptionValues,
  resolveRoot,
  rootOption,
} from '../spec.ts';

const options = defineOptions({
  model: { type: 'string', arg: 'ID', help: 'only this model' },
  dataset: { type: 'string', arg: 'ID', help: 'only this dataset' },
  force: { type: 'boolean', help: 're-run every selected pair' },
  json: {
    type: 'boolean',
    help: 'print only the GitHub Actions matrix {"include":[{"model","dataset"[,"shard"]}]}',
  },
  shardImages: {
    type: 'int',
    help: 'split datasets larger than N images into shards',
    defaultText: String(DEFAULT_MAX_IMAGES_PER_SHARD),
  },
  includeIgnored: {
    type: 'boolean',
    help: "also list pairs whose result git ignores (the demo's), e.g. to pick a smoke run",
  },
  root: rootOption,
  cacheDir: cacheDirOption,
});
export type PlanOptions = OptionValues<typeof options>;

/** Prints which pairs are missing or out of date (a table, or the CI matrix with --json). */
export async function plan(values: PlanOptions): Promise<number> {
  const repoRoot = await resolveRoot(values.root);
  const result = await planBenchmarks({
    repoRoot,
    model: values.model,
    dataset: values.dataset,
    force: values.force,
    cacheDir: values.cacheDir,
    maxImagesPerShard: values.shardImages,
    includeIgnored: values.includeIgnored,
  });
  if (values.json) {
    console.log(JSON.stringify(toMatrix(result)));
    return 0;
  }
  console.log(formatPlan(result));
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

export const command = defineCommand({
  name: 'plan',
  usage: ['[--model ID] [--dataset ID] [--force] [--json]'],
  description: `Lists the model × dataset pairs whose results are missing or out of date: their cache key
(weights, annotations and image list, runner and evaluator versions, preprocessing and inference
parameters) differs from the stored result's run.cacheKey. Hidden models are skipped unless named
with --model; pairs whose classes do not match the dataset's categories, and pairs whose result
git ignores (local-only results, such as the demo's), are skipped.`,
  options,
  run: plan,
});
