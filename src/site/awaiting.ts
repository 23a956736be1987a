import { buildClassMap } from '../lib/schema/class-map.ts';
import { isUserError } from '../lib/util/errors.ts';
import type { ModelEntry } from './entries.ts';

/**
 * Models that belong on a dataset's board but have no result there yet: listed under the ranked
 * rows with the authors' reported AP, marked as reported, never ranked. A model "belongs" when
 * the runner would pair it with the dataset (its classes map onto the dataset's categories).
 */
export type AwaitingStatus = 'awaiting-benchmark' | 'awaiting-export';

export const STATUS_LABELS = {
  measured: 'Measured',
  'awaiting-benchmark': 'Awaiting benchmark',
  'awaiting-export': 'Awaiting export',
} as const;
export type RowStatus = keyof typeof STATUS_LABELS;

/** One unranked row: plain JSON, shipped to the page for filtering. */
export interface AwaitingRow {
  key: string;
  name: string;
  family: string;
  license: string;
  /** The model's page on another dataset where it was measured, if any. */
  href: string | null;
  status: AwaitingStatus;
  /** Published AP and AP50 in percent (as the manifest gives them), or null. */
  reported: number | null;
  reportedAP50: number | null;
  /** Where the published number comes from (an https URL or a citation). */
  source: string | null;
  params: number | null;
  gflops: number | null;
}

/** Whether the runner would pair this model with a dataset of these categories. */
export function belongsOn(model: ModelEntry, categories: readonly { id: number; name: string }[]): boolean {
  try {
    buildClassMap(model.manifest.classes, categories);
    return true;
  } catch (err) {
    if (isUserError(err)) return false;
    throw err;
  }
}

/**
 * The awaiting rows of one dataset: every visible model that belongs on it and has no result
 * there, by reported AP (highest first, none last), then name.
 */
export function awaitingRows(
  models: readonly ModelEntry[],
  measured: ReadonlySet<string>,
  categories: readonly { id: number; name: string }[],
  hrefFor: (model: string) => string | null,
): AwaitingRow[] {
  return models
    .filter((e) => !e.manifest.hidden && !measured.has(e.manifest.id) && belongsOn(e, categories))
    .map((e): AwaitingRow => {
      const m = e.manifest;
      return {
        key: m.id,
        name: m.name,
        family: m.family,
        license: m.license,
        href: hrefFor(m.id),
        status: m.weights === undefined ? 'awaiting-export' : 'awaiting-benchmark',
        reported: m.reported?.AP ?? null,
        reportedAP50: m.reported?.AP50 ?? null,
        source: m.reported?.source ?? null,
        params: m.params ?? null,
        gflops: m.gflops ?? null,
      };
    })
    .sort(
      (a, b) => (b.reported ?? -1) - (a.reported ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
}
