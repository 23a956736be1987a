import { defineCollection } from 'astro:content';
import { datasetsLoader, modelsLoader, resultsLoader } from './site/loaders.ts';
import { ResultSummarySchema } from './site/summary.ts';

// Every file is validated in the loaders with the project's own schemas (src/lib/schema), which
// name the file and field on failure. A results entry is a summary of its metric file, with a
// schema derived from the metric schema (src/site/summary.ts); manifests are stored as their
// schemas parsed them (src/site/entries.ts). Pages read them through src/site/site-data.ts.
export const collections = {
  results: defineCollection({ loader: resultsLoader(), schema: ResultSummarySchema }),
  models: defineCollection({ loader: modelsLoader() }),
  datasets: defineCollection({ loader: datasetsLoader() }),
};
