import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/lib/schema/metrics.ts';
import { buildSite, REPO } from './build-site.ts';

/**
 * The site built from the repository itself once `npm run demo` has written results/shapes/
 * (git-ignored, machine-specific): every demo result gets its row, its page and its sample images.
 */
const RESULTS = join(REPO, 'results', 'shapes');
const hasDemo = existsSync(RESULTS);
if (!hasDemo)
  console.warn('[e2e] results/shapes/ not found: run `npm run demo` to test the site on the demo results');

const pct = (v: number) => (v < 0 ? '—' : (v * 100).toFixed(1));

(hasDemo ? describe : describe.skip)('site built from the demo results', () => {
  let outDir: string;
  const results: Metrics[] = [];

  beforeAll(async () => {
    for (const f of (await readdir(RESULTS)).filter((n) => n.endsWith('.json'))) {
      results.push(JSON.parse(await readFile(join(RESULTS, f), 'utf8')) as Metrics);
    }
    const built = await buildSite(REPO);
    if (!built.ok) throw new Error(`astro build failed:\n${built.output}`);
    outDir = built.outDir;
  });
  afterAll(async () => {
    if (outDir) await rm(join(outDir, '..'), { recursive: true, force: true });
  });

  it('ranks every demo model on the shapes board, which is the home page', async () => {
    const board = await readFile(join(outDir, 'board', 'shapes', 'index.html'), 'utf8');
    const keys = [...board.matchAll(/<tr data-key="([^"]+)"/g)].map((m) => m[1]);
    const byAp = [...results].sort((a, b) => b.coco.AP - a.coco.AP).map((m) => m.model!.id);
    expect(keys).toEqual(byAp);
    const home = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(home).toContain('data-dataset="shapes"');
  });

  it('gives each demo model a page with its numbers and its sample images', async () => {
    for (const m of results) {
      const page = await readFile(join(outDir, 'model', 'shapes', m.model!.id, 'index.html'), 'utf8');
      expect(page).toContain(`data-metric="AP">${pct(m.coco.AP)}<`);
      expect(page).toContain(`data-stat="AR100">${pct(m.coco.AR100)}<`);
      for (const s of m.samples) {
        const image = join(outDir, 'samples', 'shapes', `${s.imageId}.webp`);
        if (
          existsSync(join(REPO, s.file)) ||
          existsSync(join(REPO, 'datasets', 'shapes', 'images', s.file))
        ) {
          expect(existsSync(image), image).toBe(true);
          expect(page).toContain(`/samples/shapes/${s.imageId}.webp`);
        }
      }
    }
  });
});
