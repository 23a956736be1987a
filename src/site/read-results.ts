import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RESULT_BYTES } from '../lib/policy/limits.ts';
import { parseOrThrow } from '../lib/schema/format-error.ts';
import { type Metrics, MetricsSchema } from '../lib/schema/metrics.ts';
import { UserError } from '../lib/util/errors.ts';
import { sha256Bytes } from '../lib/util/hash.ts';

/**
 * Reading results/<dataset>/<model>.json. Everything here is input from pull requests, so each file
 * is validated against the metric schema and problems name the file and the field.
 */

const ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

export interface ResultFile {
  /** Path relative to the data root, with forward slashes: results/<dataset>/<model>.json. */
  path: string;
  /** Folder name, which must equal dataset.id in the file. */
  dataset: string;
  /** File name without .json, which must equal model.id in the file. */
  model: string;
}

/** Lists results/<dataset>/<model>.json under `root`, sorted; an absent results/ is an empty board. */
export async function listResultFiles(root: string): Promise<ResultFile[]> {
  const dir = join(root, 'results');
  let datasets: string[];
  try {
    datasets = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ResultFile[] = [];
  for (const dataset of datasets) {
    const names = (await readdir(join(dir, dataset))).filter((n) => n.endsWith('.json')).sort();
    for (const name of names) {
      out.push({ path: `results/${dataset}/${name}`, dataset, model: name.slice(0, -'.json'.length) });
    }
  }
  return out;
}

/** Reads and validates one metric file; throws UserError naming the file and every bad field. */
export async function readResultFile(root: string, file: ResultFile): Promise<Metrics> {
  return (await readResult(root, file)).metrics;
}

/** readResultFile, plus the sha256 of the bytes that were validated. */
export async function readResult(
  root: string,
  file: ResultFile,
): Promise<{ metrics: Metrics; sha256: string }> {
  if (!ID.test(file.dataset))
    throw new UserError('the folder name is not a dataset id (a lowercase slug)', { file: file.path });
  if (!ID.test(file.model))
    throw new UserError('the file name is not a model id (a lowercase slug)', { file: file.path });
  const bytes = await readResultBytes(root, file.path);
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UserError(`not valid JSON (${(err as Error).message})`, { file: file.path });
  }
  const metrics = parseOrThrow(MetricsSchema, data, file.path);
  const problems: string[] = [];
  if (metrics.dataset.id !== null && metrics.dataset.id !== file.dataset) {
    problems.push(`dataset.id: "${metrics.dataset.id}" does not match the folder results/${file.dataset}/`);
  }
  if (metrics.model !== null && metrics.model.id !== file.model) {
    problems.push(`model.id: "${metrics.model.id}" does not match the file name ${file.model}.json`);
  }
  if (problems.length) throw new UserError(problems.join('; '), { file: file.path });
  return { metrics, sha256: sha256Bytes(bytes) };
}

/** The bytes of a result file, refused when over the size limit. */
export async function readResultBytes(root: string, path: string): Promise<Buffer> {
  const abs = join(root, path);
  const size = (await stat(abs)).size;
  if (size > MAX_RESULT_BYTES) {
    throw new UserError(`the file is ${size} bytes, over the limit of ${MAX_RESULT_BYTES}`, { file: path });
  }
  return readFile(abs);
}

/** A metric file the board can show: a full run of a known model, not a standalone `podium eval`. */
export type BoardMetrics = Metrics & {
  model: NonNullable<Metrics['model']>;
  run: NonNullable<Metrics['run']>;
  speed: NonNullable<Metrics['speed']>;
};

/** Why a valid file is not a board entry, or undefined when it is one. */
export function notABoardEntry(m: Metrics): string | undefined {
  const missing = (['model', 'run', 'speed'] as const).filter((k) => m[k] === null);
  return missing.length
    ? `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} null (a standalone \`podium eval\` output, not a benchmark run)`
    : undefined;
}

export function isBoardEntry(m: Metrics): m is BoardMetrics {
  return notABoardEntry(m) === undefined;
}
