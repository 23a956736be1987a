import { getCollection } from 'astro:content';
import { UserError } from '../lib/util/errors.ts';
import { sha256Bytes } from '../lib/util/hash.ts';
import { type AwaitingRow, awaitingRows } from './awaiting.ts';
import { type BoardRow, buildBoard, fallbackInfo, type ModelInfo } from './board.ts';
import { dataDir } from './data-dir.ts';
import type { DatasetEntry, ModelEntry } from './entries.ts';
import {
  type BoardMetrics,
  isBoardEntry,
  notABoardEntry,
  readResult,
  readResultBytes,
} from './read-results.ts';
import type { ResultSummary } from './summary.ts';
import { siteUrls } from './urls.ts';

/**
 * The site's view of the data, assembled once per build from the content collections. Pages
 * import this module only; everything below it is pure and unit-tested.
 */
export interface DatasetInfo {
  id: string;
  name: string;
  split: string | null;
  manifest: DatasetEntry['manifest'] | null;
  imagesPath: string | null;
  /** Counts from a result; null for a dataset no model has been benchmarked on yet. */
  images: number | null;
  instances: number | null;
  /** Ground-truth objects per class from a result (null before any result). */
  categories: { id: number; name: string; gt: number | null }[];
}

export interface SiteData {
  /** Datasets with a board, most entries first: the first is the home page's board. */
  datasets: DatasetInfo[];
  datasetById: Map<string, DatasetInfo>;
  models: Map<string, ModelEntry>;
  info: Map<string, ModelInfo>;
  results: Map<string, ResultSummary[]>;
  boards: Map<string, BoardRow[]>;
  /** Per dataset: models that belong on its board without a result yet (unranked). */
  awaiting: Map<string, AwaitingRow[]>;
  warnings: string[];
}

export function modelInfo(e: ModelEntry): ModelInfo {
  const m = e.manifest;
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    license: m.license,
    params: m.params ?? null,
    gflops: m.gflops ?? null,
    hidden: m.hidden,
    tags: m.tags ?? [],
  };
}

let cached: Promise<SiteData> | undefined;

export function siteData(): Promise<SiteData> {
  cached ??= assemble();
  return cached;
}

async function assemble(): Promise<SiteData> {
  const urls = siteUrls(import.meta.env.BASE_URL);
  // The loaders validated these shapes (src/site/loaders.ts); the collections carry no zod schema.
  type Entry = { id: string; data: unknown };
  const models = new Map<string, ModelEntry>(
    (await getCollection('models')).map((e: Entry) => [e.id, e.data as ModelEntry] as const),
  );
  const datasetEntries = new Map<string, DatasetEntry>(
    (await getCollection('datasets')).map((e: Entry) => [e.id, e.data as DatasetEntry] as const),
  );
  // Typed by the collection's schema (ResultSummarySchema) once Astro has generated its types.
  const all: ResultSummary[] = (await getCollection('results')).map((e: { data: ResultSummary }) => e.data);
  const info = new Map([...models].map(([id, e]) => [id, modelInfo(e)] as const));
  const warnings: string[] = [];
  const results = new Map<string, ResultSummary[]>();
  for (const r of all) {
    if (!models.has(r.model)) {
      warnings.push(`${r.file}: no models/${r.model}/model.yaml; shown with its id only`);
      info.set(r.model, fallbackInfo(r.model));
    }
    const list = results.get(r.dataset) ?? [];
    list.push(r);
    results.set(r.dataset, list);
  }
  const boards = new Map<string, BoardRow[]>();
  for (const [ds, list] of results)
    boards.set(
      ds,
      buildBoard(list, info, (m) => urls.model(ds, m)),
    );
  // A dataset is on the site when it has results, or a manifest and models waiting for it.
  const ids = new Set([...results.keys(), ...datasetEntries.keys()]);
  const awaiting = new Map<string, AwaitingRow[]>();
  const datasets: DatasetInfo[] = [];
  for (const ds of ids) {
    const entry = datasetEntries.get(ds);
    const list = results.get(ds) ?? [];
    const first = list[0];
    if (!entry && list.length > 0)
      warnings.push(`results/${ds}/: no datasets/${ds}/dataset.yaml; shown with its id only`);
    // GT counts are a property of the dataset, identical in every result; take them from one.
    const categories = first
      ? first.perClass.map((c) => ({ id: c.id, name: c.name, gt: c.gt as number | null }))
      : (entry?.manifest.categories ?? []).map((c) => ({ id: c.id, name: c.name, gt: null }));
    const measured = new Set(list.map((r) => r.model));
    const waiting = awaitingRows([...models.values()], measured, categories, (m) => {
      const elsewhere = [...results].find(([d, rs]) => d !== ds && rs.some((r) => r.model === m));
      return elsewhere ? urls.model(elsewhere[0], m) : null;
    });
    const ranked = boards.get(ds)?.length ?? 0;
    if (ranked === 0 && waiting.length === 0) continue;
    awaiting.set(ds, waiting);
    datasets.push({
      id: ds,
      name: entry?.manifest.name ?? ds,
      split: entry?.manifest.split ?? first?.split ?? null,
      manifest: entry?.manifest ?? null,
      imagesPath: entry?.imagesPath ?? null,
      images: first?.images ?? null,
      instances: first?.instances ?? null,
      categories,
    });
  }
  // Most measured models first (the home page shows the first board), then most listed, then id.
  const measuredCount = (d: DatasetInfo) => boards.get(d.id)?.length ?? 0;
  const listedCount = (d: DatasetInfo) => measuredCount(d) + (awaiting.get(d.id)?.length ?? 0);
  datasets.sort(
    (a, b) =>
      measuredCount(b) - measuredCount(a) || listedCount(b) - listedCount(a) || (a.id < b.id ? -1 : 1),
  );
  for (const w of warnings) console.warn(`[podium] ${w}`);
  return {
    datasets,
    datasetById: new Map(datasets.map((d) => [d.id, d])),
    models,
    info,
    results,
    boards,
    awaiting,
    warnings,
  };
}

/** getStaticPaths of the pages made once per dataset (board, compare, dataset). */
export async function datasetPaths(): Promise<{ params: { dataset: string } }[]> {
  const data = await siteData();
  return data.datasets.map((d) => ({ params: { dataset: d.id } }));
}

/**
 * The full metric file behind a summary, for the model page, read once. The results loader
 * validated these very bytes earlier in the build (their sha256 is in the summary), so they are
 * parsed as they are; a file changed since (the dev server) is validated again in full.
 */
export async function fullMetrics(summary: ResultSummary): Promise<BoardMetrics> {
  const bytes = await readResultBytes(dataDir(), summary.file);
  if (sha256Bytes(bytes) === summary.sha256) return JSON.parse(bytes.toString('utf8')) as BoardMetrics;
  const [, dataset = '', name = ''] = summary.file.split('/');
  const { metrics } = await readResult(dataDir(), {
    path: summary.file,
    dataset,
    model: name.replace(/\.json$/, ''),
  });
  if (!isBoardEntry(metrics))
    throw new UserError(`not on the board: ${notABoardEntry(metrics)}`, { file: summary.file });
  return metrics;
}
