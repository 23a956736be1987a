import { pairProblem } from '../board/pairs.ts';
import { resultPathIn } from '../board/store.ts';
import { type PreparedDataset, prepareDataset } from '../dataset/prepare.ts';
import { cacheRoot } from '../fetch/cache.ts';
import type { LoadedDataset, LoadedModel } from '../manifest/load.ts';
import { type RunPairOptions, type RunPairOutcome, runPair } from './run-pair.ts';

export interface BoardPair {
  readonly model: LoadedModel;
  readonly dataset: LoadedDataset;
}

export type PairReport =
  | { readonly pair: BoardPair; readonly outcome: RunPairOutcome }
  | { readonly pair: BoardPair; readonly skipped: string }
  | { readonly pair: BoardPair; readonly error: Error };

export interface RunBoardOptions extends Omit<RunPairOptions, 'model' | 'dataset' | 'prepared' | 'out'> {
  readonly models: readonly LoadedModel[];
  readonly datasets: readonly LoadedDataset[];
  /** Results go to <outDir>/<dataset>/<model>.json instead of the repository's results/. */
  readonly outDir?: string;
  /**
   * Only pairs whose weights and data are in the repository (the offline demo): a model or
   * dataset with a download is skipped, and said so, instead of fetched.
   */
  readonly localOnly?: boolean;
  readonly onPairStart?: (pair: BoardPair, index: number, total: number) => void;
  readonly onPairEnd?: (report: PairReport) => void;
}

/**
 * Every model × dataset pair, each dataset prepared once. A model whose classes the dataset does
 * not name is not a pair (a COCO model on a shapes dataset); one failing pair does not stop the
 * others, and every outcome is reported.
 */
export async function runBoard(options: RunBoardOptions): Promise<PairReport[]> {
  const reports: PairReport[] = [];
  const pairs: BoardPair[] = [];
  for (const dataset of options.datasets) for (const model of options.models) pairs.push({ model, dataset });
  const preparedById = new Map<string, PreparedDataset | Error>();
  let index = 0;
  for (const pair of pairs) {
    const { model, dataset } = pair;
    const notHere = model.manifest.weights === undefined ? undefined : whyNotLocal(pair, options.localOnly);
    if (model.manifest.weights === undefined || notHere !== undefined) {
      const report = {
        pair,
        skipped: notHere ?? 'awaiting export: no weights yet (the export workflow proposes them)',
      };
      index++;
      reports.push(report);
      options.onPairEnd?.(report);
      continue;
    }
    let prepared = preparedById.get(dataset.manifest.id);
    if (prepared === undefined) {
      try {
        prepared = await prepareDataset(dataset, { cacheDir: cacheRoot(options.cacheDir) });
        for (const w of prepared.warnings) options.logger.warn(w);
      } catch (err) {
        prepared = err as Error;
      }
      preparedById.set(dataset.manifest.id, prepared);
    }
    const report = await (async (): Promise<PairReport> => {
      if (prepared instanceof Error) return { pair, error: prepared };
      const problem = pairProblem(model, prepared.gt.categories);
      if (problem !== undefined) {
        return { pair, skipped: `its classes are not the dataset's (${problem.replace(/^[^:]*: /, '')})` };
      }
      options.onPairStart?.(pair, index, pairs.length);
      try {
        const outcome = await runPair({
          ...options,
          model,
          dataset,
          prepared,
          ...(options.outDir === undefined
            ? {}
            : { out: resultPathIn(options.outDir, dataset.manifest.id, model.manifest.id) }),
        });
        return { pair, outcome };
      } catch (err) {
        return { pair, error: err as Error };
      }
    })();
    index++;
    reports.push(report);
    options.onPairEnd?.(report);
  }
  return reports;
}

/** With localOnly, why this pair would need a download; undefined when it runs from the repository. */
function whyNotLocal(pair: BoardPair, localOnly: boolean | undefined): string | undefined {
  if (!localOnly) return undefined;
  const weights = pair.model.manifest.weights;
  if (weights && 'url' in weights)
    return 'its weights are a download (--local runs only what is in the repository)';
  if (datasetIsRemote(pair.dataset))
    return 'the dataset is a download (--local runs only what is in the repository)';
  return undefined;
}

function datasetIsRemote(dataset: LoadedDataset): boolean {
  const { images, annotations } = dataset.manifest;
  if ('baseUrl' in images) return true;
  if ('archive' in images && 'url' in images.archive) return true;
  if (annotations === undefined) return false;
  return 'archive' in annotations ? 'url' in annotations.archive : 'url' in annotations;
}
