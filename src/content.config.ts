import { defineCollection } from 'astro:content';
import { datasetsLoader, modelsLoader, resultsLoader } from './site/loaders.ts';

// Entries are validated in the loaders with the project's own schemas (src/lib/schema), which
// name the file and field on failure; the stored shapes are typed in src/site/entries.ts and
// src/site/summary.ts, read through src/site/site-data.ts.
export const collections = {
  results: defineCollection({ loader: resultsLoader() }),
  models: defineCollection({ loader: modelsLoader() }),
  datasets: defineCollection({ loader: datasetsLoader() }),
};
