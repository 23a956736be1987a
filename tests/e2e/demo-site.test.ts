/**
 * `npm run demo`, the same script, on a small subset in a temporary folder: generate the shapes
 * dataset and the demo detectors, benchmark every model on CPU, build the site — then a second run
 * that reuses everything, and the board built from those real results opened in Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Metrics, MetricsSchema } from '../../src/lib/schema/metrics.ts';
import { REPO } from '../support/build-site.ts';
import { hasChromium, launch } from './browser.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

const IMAGES = 16;
const SHOTS = join(REPO, 'test-output');
const pct = (v: number) => (v < 0 ? '—' : (v * 100).toFixed(1));

let root = '';
let firstRun = '';
const results: Metrics[] = [];

function demo(): { out: string; seconds: number } {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    [join(REPO, 'scripts/demo.ts'), '--root', root, '--images', String(IMAGES)],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: {
        ...process.env,
        PODIUM_CACHE_DIR: join(root, '.podium/cache'),
        PODIUM_ASTRO_CACHE_DIR: join(root, '.astro-cache'),
      },
    },
  );
  return { out, seconds: (performance.now() - t0) / 1000 };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-demo-'));
  firstRun = demo().out;
  const dir = join(root, 'results', 'shapes');
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
    results.push(MetricsSchema.parse(JSON.parse(await readFile(join(dir, f), 'utf8'))));
  }
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('npm run demo, on a small subset', () => {
  it('generates the data and models, benchmarks every model and builds the site', () => {
    expect(firstRun).toMatch(/1\/3 demo dataset and detectors/);
    expect(firstRun).toMatch(new RegExp(`${IMAGES} images, \\d+ models generated`));
    expect(firstRun.match(/: benchmarked: AP /g)?.length).toBe(results.length);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(new Set(results.map((m) => m.model!.id)).size).toBe(results.length);
    expect(existsSync(join(root, 'dist', 'index.html'))).toBe(true);
    for (const m of results) {
      expect(m.dataset.images).toBe(IMAGES);
      expect(m.run?.executionProvider).toBe('cpu');
    }
  });

  it('reuses everything on a second run', () => {
    const again = demo();
    expect(again.out).toMatch(/nothing to generate/);
    expect(again.out.match(/: up to date: AP /g)?.length).toBe(results.length);
    expect(again.out).not.toMatch(/: benchmarked:/);
  });

  it('ranks every demo model on the shapes board and gives each a page with its numbers and samples', async () => {
    const dist = join(root, 'dist');
    const board = await readFile(join(dist, 'board', 'shapes', 'index.html'), 'utf8');
    const keys = [...board.matchAll(/<tr data-key="([^"]+)"/g)].map((m) => m[1]);
    expect(keys).toEqual([...results].sort((a, b) => b.coco.AP - a.coco.AP).map((m) => m.model!.id));
    for (const m of results) {
      const page = await readFile(join(dist, 'model', 'shapes', m.model!.id, 'index.html'), 'utf8');
      expect(page).toContain(`data-metric="AP">${pct(m.coco.AP)}<`);
      expect(m.samples.length).toBeGreaterThan(0);
      for (const s of m.samples)
        expect(existsSync(join(dist, 'samples', 'shapes', `${s.imageId}.webp`))).toBe(true);
    }
  });
});

describe.skipIf(!hasChromium())('the demo board in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveStatic(join(root, 'dist'));
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sorts the real results, opens a model page and shows its measured numbers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/board/shapes/`);
    await page.locator('th[data-col="AP50"] button').click();
    const rows = await page
      .locator('#board-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(rows).toEqual([...results].sort((a, b) => b.coco.AP50 - a.coco.AP50).map((m) => m.model!.id));
    await page.screenshot({ path: join(SHOTS, 'demo-board.png'), fullPage: true });
    const best = [...results].sort((a, b) => b.coco.AP50 - a.coco.AP50)[0]!;
    await page.locator(`#board-table tbody tr[data-key="${best.model!.id}"] a`).first().click();
    await page.waitForURL(/\/model\/shapes\//);
    expect(await page.locator('[data-metric="AP"]').textContent()).toBe(pct(best.coco.AP));
    expect(await page.locator('[data-metric="AP50"]').textContent()).toBe(pct(best.coco.AP50));
    expect(await page.locator('#by-size svg, svg#by-size, [id^="by-size"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'demo-model.png'), fullPage: true });
    expect(server.requests.every((p) => p.startsWith('/'))).toBe(true);
  });
});
