/**
 * `npm run demo`, the same script, on a small subset in a temporary folder: generate the shapes
 * dataset and the demo detectors, benchmark every model on CPU, build the site — then a second run
 * that reuses everything, and the board built from those real results opened in Chromium.
 *
 * The folder also gets a slice of the repository's real board: the first images of coco128, two
 * of the vendored detectors, a model awaiting export, one whose official weights are a download
 * and COCO val2017 (a download): offline, the first two are benchmarked and the rest listed as
 * awaiting, exactly as on the full board (`npm run demo` in the repository, ~2.5 min cold).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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

const COCO128_IMAGES = 8;
const VENDORED = ['deimv2-atto', 'fastestdet'];
const AWAITING = { yolov8n: 'awaiting-export', 'opencv-zoo-yolox-s': 'awaiting-benchmark' } as const;

let root = '';
let firstRun = '';
const results: Metrics[] = [];
const real: Metrics[] = [];

/** The slice of the real board, copied from the repository into the demo root. */
async function copyRealSlice(): Promise<void> {
  for (const id of [...VENDORED, ...Object.keys(AWAITING)])
    await cp(join(REPO, 'models', id), join(root, 'models', id), { recursive: true });
  await cp(join(REPO, 'datasets', 'coco-val2017'), join(root, 'datasets', 'coco-val2017'), {
    recursive: true,
  });
  const src = join(REPO, 'datasets', 'coco128');
  const dst = join(root, 'datasets', 'coco128');
  for (const f of ['dataset.yaml', 'data.yaml', 'LICENSE-ultralytics-packaging.txt']) {
    await mkdir(dst, { recursive: true });
    await cp(join(src, f), join(dst, f));
  }
  const images = (await readdir(join(src, 'images', 'train2017'))).sort().slice(0, COCO128_IMAGES);
  for (const name of images) {
    await cp(join(src, 'images', 'train2017', name), join(dst, 'images', 'train2017', name));
    const label = name.replace(/\.jpg$/, '.txt');
    if (existsSync(join(src, 'labels', 'train2017', label)))
      await cp(join(src, 'labels', 'train2017', label), join(dst, 'labels', 'train2017', label));
  }
}

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
  await copyRealSlice();
  firstRun = demo().out;
  const read = async (dataset: string, into: Metrics[]) => {
    const dir = join(root, 'results', dataset);
    for (const f of (await readdir(dir)).filter((n) => n.endsWith('.json')))
      into.push(MetricsSchema.parse(JSON.parse(await readFile(join(dir, f), 'utf8'))));
  };
  await read('shapes', results);
  await read('coco128', real);
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('npm run demo, on a small subset', () => {
  it('generates the data and models, benchmarks every model and builds the site', () => {
    expect(firstRun).toMatch(/1\/3 demo dataset and detectors/);
    expect(firstRun).toMatch(new RegExp(`${IMAGES} images, \\d+ models generated`));
    expect(firstRun.match(/: benchmarked: AP /g)?.length).toBe(results.length + real.length);
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
    expect(again.out.match(/: up to date: AP /g)?.length).toBe(results.length + real.length);
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

describe('the real slice, offline', () => {
  it('benchmarks the vendored detectors on coco128 and lists the others as skipped, by reason', () => {
    expect(real.map((m) => m.model!.id).sort()).toEqual(VENDORED);
    for (const m of real) {
      expect(m.dataset.images).toBe(COCO128_IMAGES);
      // Real detectors on their own training images: far from zero (they are not random boxes).
      expect(m.coco.AP, m.model!.id).toBeGreaterThan(0.05);
    }
    expect(firstRun).toMatch(/- \d+ pair\(s\) skipped: awaiting export: no weights yet \(yolov8n × /);
    expect(firstRun).toMatch(/pair\(s\) skipped: its weights are a download \(opencv-zoo-yolox-s × /);
    expect(firstRun).toMatch(/pair\(s\) skipped: the dataset is a download \(/);
  });

  it('builds boards that rank the measured models and list the rest as awaiting, unranked', async () => {
    const dist = join(root, 'dist');
    const board = await readFile(join(dist, 'board', 'coco128', 'index.html'), 'utf8');
    const ranked = [...board.matchAll(/<tr data-key="([^"]+)">/g)].map((m) => m[1]);
    expect(ranked).toEqual([...real].sort((a, b) => b.coco.AP - a.coco.AP).map((m) => m.model!.id));
    const waiting = [...board.matchAll(/<tr data-key="([^"]+)" data-status="([^"]+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(waiting)).toEqual(AWAITING);
    expect(board).toContain('37.3 <small>reported</small>');
    // COCO val2017 has no result: its board lists every COCO model as awaiting.
    const val = await readFile(join(dist, 'board', 'coco-val2017', 'index.html'), 'utf8');
    const listed = [...val.matchAll(/<tr data-key="([^"]+)" data-status="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(listed).toEqual([...VENDORED, ...Object.keys(AWAITING)].sort());
    const page = await readFile(join(dist, 'dataset', 'coco128', 'index.html'), 'utf8');
    expect(page).toContain('Training images: these 128 images are in COCO train2017');
    const valPage = await readFile(join(dist, 'dataset', 'coco-val2017', 'index.html'), 'utf8');
    expect(valPage).toContain('4f7e2ccb2866ec5041993c9cf2a952bbed69647b115d0f74da7ce8f4bef82f05');
    expect(valPage).toContain('annotations/instances_val2017.json');
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

  it('shows awaiting rows under the ranked ones, filters them by status, and opens a real model', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.url}/board/coco128/`);
    const visible = (sel: string) =>
      page
        .locator(sel)
        .evaluateAll((trs) =>
          trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => tr.getAttribute('data-key')),
        );
    expect((await visible('#board-awaiting tr[data-status]')).sort()).toEqual(Object.keys(AWAITING).sort());
    await expect
      .poll(() => page.locator('#board-awaiting tr[data-key="yolov8n"] .badge').textContent())
      .toBe('awaiting export');
    await page.screenshot({ path: join(SHOTS, 'board-coco128.png'), fullPage: true });
    // Status: measured only, then awaiting export only.
    await page.locator('summary', { hasText: 'Status' }).click();
    await page.locator('input[name="status"][value="measured"]').check();
    expect(await visible('#board-awaiting tr[data-status]')).toEqual([]);
    expect((await visible('#board-table tbody:first-of-type tr')).sort()).toEqual(VENDORED);
    expect(page.url()).toContain('status=measured');
    await page.locator('input[name="status"][value="measured"]').uncheck();
    await page.locator('input[name="status"][value="awaiting-export"]').check();
    expect(await visible('#board-awaiting tr[data-status]')).toEqual(['yolov8n']);
    expect(await visible('#board-table tbody:first-of-type tr')).toEqual([]);
    // A real detector's page: measured numbers beside the reported one.
    const best = [...real].sort((a, b) => b.coco.AP - a.coco.AP)[0]!;
    await page.goto(`${server.url}/model/coco128/${best.model!.id}/`);
    expect(await page.locator('[data-metric="AP"]').textContent()).toBe(pct(best.coco.AP));
    await page.screenshot({ path: join(SHOTS, `model-coco128-${best.model!.id}.png`), fullPage: true });
  });
});
