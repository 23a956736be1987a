/**
 * The results store: one metric JSON per model × dataset at `results/<dataset>/<model>.json`,
 * validated with MetricsSchema on the way in and out, written atomically, and never losing a
 * previous run: when a new run replaces a result, the old run's headline numbers are appended to
 * `history` (oldest first).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseJsonText } from '../eval/load.ts';
import { Slug } from '../schema/common.ts';
import { parseOrThrow } from '../schema/format-error.ts';
import { type HistoryEntry, type Metrics, MetricsSchema } from '../schema/metrics.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { UserError } from '../util/errors.ts';

export const RESULTS_DIR = 'results';

function checkId(kind: 'model' | 'dataset', id: string): void {
  if (!Slug.safeParse(id).success)
    throw new UserError(`"${id}" is not a valid ${kind} id (a lowercase slug)`);
}

/** `results/<dataset>/<model>.json`, relative, with forward slashes (for messages and git paths). */
export function resultRelativePath(datasetId: string, modelId: string): string {
  checkId('dataset', datasetId);
  checkId('model', modelId);
  return `${RESULTS_DIR}/${datasetId}/${modelId}.json`;
}

/** Absolute path of the result of `modelId` on `datasetId` under `repoRoot`. Ids are checked first. */
export function resultPath(repoRoot: string, datasetId: string, modelId: string): string {
  return resultPathIn(join(resolve(repoRoot), RESULTS_DIR), datasetId, modelId);
}

/** `<dir>/<dataset>/<model>.json`: the results layout under any folder (smoke runs, CI artifacts). */
export function resultPathIn(dir: string, datasetId: string, modelId: string): string {
  checkId('dataset', datasetId);
  checkId('model', modelId);
  return join(resolve(dir), datasetId, `${modelId}.json`);
}

/** Validates a parsed metric JSON; a bad one is a UserError naming `label` and every bad field. */
export function parseResult(value: unknown, label: string): Metrics {
  return parseOrThrow(MetricsSchema, value, label);
}

/** Reads and validates one result file. `label` (default: the path) names it in errors. */
export async function readResult(file: string, label = file): Promise<Metrics> {
  const result = await readResultIfExists(file, label);
  if (!result) throw new UserError('file not found', { file: label });
  return result;
}

/** readResult, or undefined when the file does not exist. */
export async function readResultIfExists(file: string, label = file): Promise<Metrics | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the file (${code})`, { file: label });
  }
  return parseResult(parseJsonText(text, label), label);
}

/** Validates, then writes atomically (readers never see half a file). */
export async function writeResult(file: string, metrics: Metrics, label = file): Promise<void> {
  await writeJsonAtomic(file, parseResult(metrics, label));
}

/** The headline numbers of a result, as kept in a later result's history. */
export function historyEntryOf(metrics: Metrics): HistoryEntry {
  const run = metrics.run;
  const inference = metrics.speed?.inferenceMs;
  return {
    date: run?.date ?? 'unknown',
    AP: metrics.coco.AP,
    AP50: metrics.coco.AP50,
    inferenceMs: inference ? (Number.isFinite(inference.p50) ? inference.p50 : inference.mean) : null,
    device: run?.device ?? null,
    podiumVersion: run?.podiumVersion ?? 'unknown',
    cacheKey: run?.cacheKey ?? null,
  };
}

const entryKey = (e: Pick<HistoryEntry, 'date' | 'cacheKey'>) => `${e.date}\u0000${e.cacheKey ?? ''}`;

/**
 * `next` with its history extended by `previous` (the result it replaces): previous's history,
 * then previous's own run, then whatever history `next` already carries, without duplicates
 * (an entry is a date + cache key) and without `next`'s own run. Saving the same result twice,
 * or saving a result whose history was already built from `previous`, therefore changes nothing.
 */
export function withHistory(next: Metrics, previous: Metrics | undefined): Metrics {
  const own = next.run ? entryKey({ date: next.run.date, cacheKey: next.run.cacheKey }) : undefined;
  const candidates = [...(previous ? [...previous.history, historyEntryOf(previous)] : []), ...next.history];
  const seen = new Set<string>();
  const history: HistoryEntry[] = [];
  for (const entry of candidates) {
    const key = entryKey(entry);
    if (key === own || seen.has(key)) continue;
    seen.add(key);
    history.push(entry);
  }
  return { ...next, history };
}

export interface SaveOptions {
  /** Label for messages (default: the path). */
  readonly label?: string;
  /** Allow a limited (smoke) run; such results are not comparable and stay out of results/. */
  readonly allowLimited?: boolean;
}

/**
 * Writes `next` to `file`, appending the result it replaces (if any) to its history. Refuses to
 * replace a result of another model or dataset, and (unless allowed) to store a limited run.
 */
export async function saveResult(
  file: string,
  next: Metrics,
  options: SaveOptions = {},
): Promise<{ file: string; replaced: boolean; metrics: Metrics }> {
  const label = options.label ?? file;
  if (next.run?.limit != null && !options.allowLimited) {
    throw new UserError(
      `refusing to store a run limited to ${next.run.limit} images: smoke runs are not comparable with full ones`,
      { file: label },
    );
  }
  const previous = await readResultIfExists(file, label);
  if (previous) {
    for (const key of ['model', 'dataset'] as const) {
      const was = previous[key]?.id ?? null;
      const now = next[key]?.id ?? null;
      if (was !== now)
        throw new UserError(`${key}.id: the stored result is for ${key} "${was}", the new one for "${now}"`, {
          file: label,
        });
    }
  }
  const metrics = withHistory(next, previous);
  await writeResult(file, metrics, label);
  return { file, replaced: previous !== undefined, metrics };
}
