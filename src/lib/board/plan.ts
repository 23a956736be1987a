/**
 * The re-benchmark plan: which model × dataset pairs need a (re-)run, because their cache key
 * differs from the stored result's `run.cacheKey` (a new model or dataset, new weights or
 * annotations, a new runner or evaluator version, changed preprocessing), or because `force` says
 * so. The scheduled benchmark workflow turns the plan into a GitHub Actions matrix, so CI cost
 * grows with what changed, not with the size of the board.
 */
import { execa } from 'execa';
import { EVALUATOR_VERSION } from '../eval/params.ts';
import { resolveWeights } from '../fetch/weights.ts';
import { loadAllManifests } from '../manifest/discover.ts';
import type { LoadedDataset, LoadedModel } from '../manifest/load.ts';
import type { Metrics } from '../schema/metrics.ts';
import { shardCountFor } from '../shards/shards.ts';
import { UserError } from '../util/errors.ts';
import { FULL_RUN } from './cache-key.ts';
import { type DatasetInputs, readDatasetInputs } from './dataset-inputs.ts';
import { pairCacheKey, pairProblem, selectManifests } from './pairs.ts';
import { readResultIfExists, resultPath, resultRelativePath } from './store.ts';

/**
 * Datasets with more images than this are split into shards, one job each. COCO val2017 (5,000
 * images) runs as one job: sharding is for sets whose single run would outlast a CI job.
 */
export const DEFAULT_MAX_IMAGES_PER_SHARD = 10_000;

export interface PlanOptions {
  readonly repoRoot: string;
  /** Only this model (a hidden model is planned when named here). */
  readonly model?: string | undefined;
  /** Only this dataset. */
  readonly dataset?: string | undefined;
  /** Re-run every selected pair, whatever its cache key. */
  readonly force?: boolean | undefined;
  readonly cacheDir?: string | undefined;
  readonly maxImagesPerShard?: number | undefined;
  /** Also plan pairs whose result git ignores (e.g. the demo's), as a local smoke run wants. */
  readonly includeIgnored?: boolean | undefined;
}

/** new: no stored result; stale: the key changed; forced: --force; fresh: nothing to do. */
export type PairStatus = 'new' | 'stale' | 'forced' | 'fresh';

export interface PlannedPair {
  readonly model: string;
  readonly dataset: string;
  readonly status: PairStatus;
  /** Why the pair needs a run (or "up to date"). */
  readonly reason: string;
  readonly cacheKey: string;
  readonly storedCacheKey: string | null;
  /** results/<dataset>/<model>.json */
  readonly result: string;
  readonly images: number;
  /** Jobs the run is split into (1: not sharded). */
  readonly shards: number;
}

export interface SkippedPair {
  readonly model: string;
  readonly dataset: string | null;
  readonly reason: string;
}

export interface Plan {
  /** Every selected, runnable pair, fresh ones included; sorted by dataset, then model. */
  readonly pairs: readonly PlannedPair[];
  readonly skipped: readonly SkippedPair[];
}

/** One job of the benchmark matrix; `shard` ("i/n") only when the pair is split. */
export interface MatrixEntry {
  readonly model: string;
  readonly dataset: string;
  readonly shard?: string;
}

export async function planBenchmarks(options: PlanOptions): Promise<Plan> {
  const { repoRoot } = options;
  const { models, datasets, errors } = await loadAllManifests(undefined, { repoRoot, checkFiles: false });
  if (errors.length > 0) {
    throw new UserError(
      `cannot plan: ${errors.length} manifest${errors.length === 1 ? '' : 's'} failed validation (run \`podium validate\`):\n` +
        errors.map((e) => `  - ${e.message.replace(/\n/g, '\n    ')}`).join('\n'),
    );
  }
  const selected = selectManifests({ models, datasets }, options);
  const maxPerShard = options.maxImagesPerShard ?? DEFAULT_MAX_IMAGES_PER_SHARD;

  const skipped: SkippedPair[] = selected.hidden.map((m) => ({
    model: m.manifest.id,
    dataset: null,
    reason: 'hidden (name it with --model to run it)',
  }));
  for (const m of selected.models)
    if (m.manifest.weights === undefined)
      skipped.push({ model: m.manifest.id, dataset: null, reason: 'awaiting export (no weights yet)' });
  const runnable = selected.models.filter((m) => m.manifest.weights !== undefined);

  const weights = new Map<string, string>();
  for (const m of runnable) weights.set(m.manifest.id, await weightsSha256(m, options.cacheDir));

  const pairs: PlannedPair[] = [];
  for (const d of selected.datasets) {
    const inputs =
      runnable.length > 0 ? await readDatasetInputs(d, { cacheDir: options.cacheDir }) : undefined;
    if (!inputs) continue;
    for (const m of runnable) {
      const problem = incompatibility(m, d, inputs);
      if (problem) {
        skipped.push({ model: m.manifest.id, dataset: d.manifest.id, reason: problem });
        continue;
      }
      pairs.push(
        await planPair(m, d, inputs, weights.get(m.manifest.id)!, {
          repoRoot,
          force: options.force === true,
          shards: shardCountFor(inputs.images.length, maxPerShard),
        }),
      );
    }
  }
  // A result git ignores (the demo's, produced on each machine) can never be published by the
  // benchmark workflow: planning it would re-run it every week for nothing.
  const ignored = options.includeIgnored
    ? new Set<string>()
    : await gitIgnored(
        repoRoot,
        pairs.map((p) => p.result),
      );
  const kept = pairs.filter((p) => {
    if (!ignored.has(p.result)) return true;
    skipped.push({
      model: p.model,
      dataset: p.dataset,
      reason: `${p.result} is git-ignored (a local-only result)`,
    });
    return false;
  });
  kept.sort((a, b) => compare(a.dataset, b.dataset) || compare(a.model, b.model));
  return { pairs: kept, skipped };
}

/** The paths among `paths` that git ignores in `repoRoot`; none when it is not a git repository. */
async function gitIgnored(repoRoot: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const res = await execa('git', ['check-ignore', '--stdin'], {
    cwd: repoRoot,
    input: paths.join('\n'),
    reject: false,
  });
  // 0: some are ignored; 1: none is; 128: not a git repository (nothing can be ignored then).
  if (res.exitCode !== 0) return new Set();
  return new Set(String(res.stdout).split('\n').filter(Boolean));
}

/**
 * The GitHub Actions matrix of the pairs to run: `{"include": [{model, dataset}, …]}`, a pair
 * split into n shards appearing n times with `shard: "i/n"`.
 */
export function toMatrix(plan: Plan): { include: MatrixEntry[] } {
  const include: MatrixEntry[] = [];
  for (const p of plan.pairs) {
    if (p.status === 'fresh') continue;
    if (p.shards === 1) include.push({ model: p.model, dataset: p.dataset });
    else
      for (let i = 1; i <= p.shards; i++)
        include.push({ model: p.model, dataset: p.dataset, shard: `${i}/${p.shards}` });
  }
  return { include };
}

/** The weights' sha256 without downloading: pinned in the manifest, or hashed when local and unpinned. */
async function weightsSha256(model: LoadedModel, cacheDir: string | undefined): Promise<string> {
  const w = model.manifest.weights;
  if (w?.sha256 !== undefined) return w.sha256;
  return (await resolveWeights(model, { cacheDir })).sha256;
}

/** Why the model cannot run on this dataset (its classes have no category there), or undefined. */
function incompatibility(
  model: LoadedModel,
  dataset: LoadedDataset,
  inputs: DatasetInputs,
): string | undefined {
  const problem = pairProblem(model, inputs.gt.categories, inputs.label);
  return problem === undefined
    ? undefined
    : `classes do not match ${dataset.manifest.id}'s categories: ${problem}`;
}

async function planPair(
  model: LoadedModel,
  dataset: LoadedDataset,
  inputs: DatasetInputs,
  weights: string,
  ctx: { repoRoot: string; force: boolean; shards: number },
): Promise<PlannedPair> {
  const modelId = model.manifest.id;
  const datasetId = dataset.manifest.id;
  const cacheKey = pairCacheKey({ model, weightsSha256: weights, ground: inputs, inference: FULL_RUN });
  const result = resultRelativePath(datasetId, modelId);
  const stored = await readResultIfExists(resultPath(ctx.repoRoot, datasetId, modelId), result);
  const storedCacheKey = stored?.run?.cacheKey ?? null;
  const base = {
    model: modelId,
    dataset: datasetId,
    cacheKey,
    storedCacheKey,
    result,
    images: inputs.images.length,
    shards: ctx.shards,
  };
  if (!stored) return { ...base, status: ctx.force ? 'forced' : 'new', reason: 'no stored result' };
  const changes = staleReasons(stored, cacheKey, weights, inputs.annotationsSha256);
  if (ctx.force)
    return { ...base, status: 'forced', reason: changes.length ? `forced; ${changes.join('; ')}` : 'forced' };
  return changes.length > 0
    ? { ...base, status: 'stale', reason: changes.join('; ') }
    : { ...base, status: 'fresh', reason: 'up to date' };
}

/** What differs between the stored result and now; empty when the cache keys are equal. */
function staleReasons(stored: Metrics, cacheKey: string, weights: string, annotations: string): string[] {
  const run = stored.run;
  if (!run) return ['the stored result has no run record'];
  const specific: string[] = [];
  if (stored.model?.weightsSha256 && stored.model.weightsSha256 !== weights) specific.push('new weights');
  if (stored.dataset.annotationsSha256 !== annotations) specific.push('new annotations');
  if (stored.evaluator.version !== EVALUATOR_VERSION)
    specific.push(`evaluator ${stored.evaluator.version} → ${EVALUATOR_VERSION}`);
  // A limited run's key includes its limit, so it never equals a full run's.
  if (run.limit !== null) return [`the stored result is a run limited to ${run.limit} images`, ...specific];
  if (run.cacheKey === cacheKey) return [];
  return specific.length > 0 ? specific : ['runner version, image list or inference parameters changed'];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
