import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/**
 * Builds the Pagefind search index over the finished site (model pages, datasets, docs), so the
 * /search/ page works from static files. PODIUM_SEARCH=0 skips it (quick local builds).
 */
export function pagefindIndex(): AstroIntegration {
  return {
    name: 'podium-pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        if (process.env['PODIUM_SEARCH'] === '0') {
          logger.info('search index skipped (PODIUM_SEARCH=0)');
          return;
        }
        const t0 = performance.now();
        const pagefind = await import('pagefind');
        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
        const site = fileURLToPath(dir);
        const added = await index.addDirectory({ path: site });
        if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
        const written = await index.writeFiles({ outputPath: join(site, 'pagefind') });
        if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
        await pagefind.close();
        logger.info(`indexed ${added.page_count} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      },
    },
  };
}
