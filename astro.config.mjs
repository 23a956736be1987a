import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';
import { pagefindIndex } from './src/site/pagefind-integration.ts';

// The site is static: it reads results/, models/ and datasets/ at build time and nothing else
// (from PODIUM_DATA_DIR when set, e.g. a generated board in a temporary folder).
// PODIUM_OUT_DIR and PODIUM_ASTRO_CACHE_DIR let tests build in parallel without sharing dist/ or the
// content store.
export default defineConfig({
  site: process.env.PODIUM_SITE_URL ?? 'https://podium.example.org',
  base: process.env.PODIUM_BASE_PATH ?? '/',
  trailingSlash: 'ignore',
  outDir: process.env.PODIUM_OUT_DIR ?? './dist',
  cacheDir: process.env.PODIUM_ASTRO_CACHE_DIR ?? './node_modules/.astro',
  integrations: [mdx(), pagefindIndex()],
  devToolbar: { enabled: false },
  // Vite's dependency cache too, when a private cache is asked for.
  ...(process.env.PODIUM_ASTRO_CACHE_DIR
    ? { vite: { cacheDir: `${process.env.PODIUM_ASTRO_CACHE_DIR}/vite` } }
    : {}),
});
