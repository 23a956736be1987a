import type { APIRoute, GetStaticPaths } from 'astro';
import type { BoardRow } from '../../../site/board.ts';
import { modelData } from '../../../site/model-data.ts';
import { fullMetrics, siteData } from '../../../site/site-data.ts';
import type { ResultSummary } from '../../../site/summary.ts';

/** Per-model JSON for the compare page (fetched on demand, so the page itself stays small). */
export const getStaticPaths = (async () => {
  const data = await siteData();
  return data.datasets.flatMap((ds) => {
    const byModel = new Map((data.results.get(ds.id) ?? []).map((r) => [r.model, r]));
    return (data.boards.get(ds.id) ?? []).map((row) => ({
      params: { dataset: ds.id, model: row.key },
      props: { row, summary: byModel.get(row.key)! },
    }));
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props, params }) => {
  const { summary } = props as { row: BoardRow; summary: ResultSummary };
  const data = await siteData();
  const m = await fullMetrics(summary);
  return new Response(JSON.stringify(modelData(m, data.info.get(summary.model)!, params.dataset!)), {
    headers: { 'content-type': 'application/json' },
  });
};
