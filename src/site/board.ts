import { metricOrNull, toPoints } from './format.ts';
import { paretoFront } from './pareto.ts';
import type { ResultSummary } from './summary.ts';

/** What the board needs from a model manifest (absent when a result has no manifest). */
export interface ModelInfo {
  id: string;
  name: string;
  family: string;
  license: string;
  params: number | null;
  gflops: number | null;
  hidden: boolean;
  tags: string[];
}

/** One row of a dataset's leaderboard: plain JSON, shipped to the page for sorting and export. */
export interface BoardRow {
  key: string;
  /** 1-based rank by AP (then AP50, then name). */
  rank: number;
  /** The AP bootstrap interval overlaps a neighbour's: the order between them is not significant. */
  tie: boolean;
  name: string;
  family: string;
  license: string;
  href: string;
  AP: number | null;
  AP50: number | null;
  AP75: number | null;
  APs: number | null;
  APm: number | null;
  APl: number | null;
  AR100: number | null;
  apLo: number;
  apHi: number;
  /** F1 and its confidence at the F1-optimal threshold (IoU .50). */
  f1: number;
  conf: number;
  /** Median inference time per image, ms. */
  latency: number;
  device: string;
  provider: string;
  params: number | null;
  gflops: number | null;
  /** Published AP in percent, and measured minus published in AP points. */
  reported: number | null;
  gap: number | null;
  date: string;
  /** On the AP-vs-latency Pareto front of its device. */
  front: boolean;
  /** On the AP-vs-parameters Pareto front. */
  frontParams: boolean;
}

/** A gap larger than this (AP points) between measured and published AP is flagged. */
export const GAP_FLAG_POINTS = 1;

export function gapIsFlagged(gap: number | null): boolean {
  return gap !== null && Math.abs(gap) > GAP_FLAG_POINTS;
}

export const UNKNOWN_FAMILY = 'unknown';

/** Model metadata for a result whose manifest is missing: shown, but obviously incomplete. */
export function fallbackInfo(id: string): ModelInfo {
  return {
    id,
    name: id,
    family: UNKNOWN_FAMILY,
    license: 'unknown',
    params: null,
    gflops: null,
    hidden: false,
    tags: [],
  };
}

function byRank(a: ResultSummary & { name: string }, b: ResultSummary & { name: string }): number {
  return (
    b.coco.AP - a.coco.AP || b.coco.AP50 - a.coco.AP50 || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

const overlaps = (a: BoardRow, b: BoardRow | undefined) => !!b && a.apLo <= b.apHi && b.apLo <= a.apHi;

/**
 * Rows of one dataset's board, ranked by AP. Hidden models are left out; everything derived
 * (ranks, ties, gaps, fronts) is computed here once, so the table, charts and exports agree.
 */
export function buildBoard(
  results: readonly ResultSummary[],
  models: ReadonlyMap<string, ModelInfo>,
  href: (model: string) => string,
): BoardRow[] {
  const visible = results
    .map((r) => ({ ...r, info: models.get(r.model) ?? fallbackInfo(r.model) }))
    .filter((r) => !r.info.hidden)
    .map((r) => ({ ...r, name: r.info.name }))
    .sort(byRank);
  const rows: BoardRow[] = visible.map((r, i) => {
    const reported = r.reported?.AP ?? null;
    return {
      key: r.model,
      rank: i + 1,
      tie: false,
      name: r.info.name,
      family: r.info.family,
      license: r.info.license,
      href: href(r.model),
      AP: metricOrNull(r.coco.AP),
      AP50: metricOrNull(r.coco.AP50),
      AP75: metricOrNull(r.coco.AP75),
      APs: metricOrNull(r.coco.APs),
      APm: metricOrNull(r.coco.APm),
      APl: metricOrNull(r.coco.APl),
      AR100: metricOrNull(r.coco.AR100),
      apLo: r.apLo,
      apHi: r.apHi,
      f1: r.optimal.f1,
      conf: r.optimal.confidence,
      latency: r.speed.p50Ms,
      device: r.run.device,
      provider: r.run.provider,
      params: r.info.params,
      gflops: r.info.gflops,
      reported,
      gap: reported === null ? null : Math.round((toPoints(r.coco.AP) - reported) * 10) / 10,
      date: r.run.date,
      front: false,
      frontParams: false,
    };
  });
  rows.forEach((row, i) => {
    row.tie = overlaps(row, rows[i - 1]) || overlaps(row, rows[i + 1]);
  });
  const byKey = new Map(rows.map((r) => [r.key, r]));
  for (const device of new Set(rows.map((r) => r.device))) {
    const front = paretoFront(
      rows
        .filter((r) => r.device === device)
        .map((r) => ({ key: r.key, cost: r.latency, value: r.AP ?? -1 })),
    );
    for (const k of front) byKey.get(k)!.front = true;
  }
  const withParams = rows.filter((r) => r.params !== null);
  for (const k of paretoFront(withParams.map((r) => ({ key: r.key, cost: r.params!, value: r.AP ?? -1 })))) {
    byKey.get(k)!.frontParams = true;
  }
  return rows;
}
