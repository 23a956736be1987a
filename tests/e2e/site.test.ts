// Over 400 lines: one browser and one built site serve every check below; splitting would build the site twice.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/lib/schema/metrics.ts';
import { ms } from '../../src/site/format.ts';
import { RULES } from '../../src/site/recommendations.ts';
import { buildSite, REPO } from '../support/build-site.ts';
import { generateBoard } from '../support/fake-board.ts';
import { hasChromium, launch } from './browser.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

/**
 * The site end to end: a generated board is built with `astro build` into a temporary folder,
 * served on 127.0.0.1 and driven in headless Chromium. Assertions compare what the pages show
 * with the metric JSON they were built from. Screenshots go to test-output/.
 */
const SHOTS = join(REPO, 'test-output');
const DS = 'fake-coco';
const HIDDEN = 'detr-s';

let dataDir: string;
let outDir: string;
let server: StaticServer;
let browser: Browser;
let ctx: BrowserContext;
const results = new Map<string, Metrics>();
const outside: string[] = [];

const pct = (v: number) => (v < 0 ? '—' : (v * 100).toFixed(1));

async function open(path: string, context = ctx): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // An alert() would mean injected script ran.
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(server.url + path);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

function visibleResults(): Metrics[] {
  return [...results.values()]
    .filter((m) => m.model!.id !== HIDDEN)
    .sort((a, b) => b.coco.AP - a.coco.AP || b.coco.AP50 - a.coco.AP50);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const run = hasChromium() ? describe : describe.skip;
if (!hasChromium())
  console.warn(
    '[e2e] /usr/bin/chromium not found: skipping the site e2e suite (apt-get install -y chromium)',
  );

run('site end to end', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'podium-e2e-data-'));
    await generateBoard({ dir: dataDir, models: 30, datasets: 2, clean: true });
    const manifest = join(dataDir, 'models', HIDDEN, 'model.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('hidden: false', 'hidden: true'));
    for (const f of await readdir(join(dataDir, 'results', DS))) {
      const m = JSON.parse(await readFile(join(dataDir, 'results', DS, f), 'utf8')) as Metrics;
      results.set(m.model!.id, m);
    }
    const built = await buildSite(dataDir);
    if (!built.ok) throw new Error(`astro build failed:\n${built.output}`);
    outDir = built.outDir;
    console.log(`[e2e] built ${results.size * 2} results in ${(built.ms / 1000).toFixed(1)} s`);
    server = await serveStatic(outDir);
    browser = await launch();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // Nothing may be fetched from anywhere but the site itself.
    await ctx.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue();
      outside.push(url);
      return route.abort();
    });
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (outDir) await rm(join(outDir, '..'), { recursive: true, force: true });
  });

  it('serves the board without JavaScript: every visible model, ranked by AP', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const page = await open(`/board/${DS}/`, noJs);
    const expected = visibleResults();
    const keys = await page
      .locator('#board-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['key']));
    expect(keys).toEqual(expected.map((m) => m.model!.id));
    expect(keys).not.toContain(HIDDEN);
    const ap = await page.locator('#board-table tbody td.col-AP').allTextContents();
    expect(ap).toEqual(expected.map((m) => pct(m.coco.AP)));
    const ci = await page
      .locator('#board-table tbody tr')
      .first()
      .locator('td.col-AP span')
      .getAttribute('title');
    expect(ci).toBe(
      `95% bootstrap interval: ${pct(expected[0]!.uncertainty.AP.lo)}–${pct(expected[0]!.uncertainty.AP.hi)}`,
    );
    expect(await page.locator('#board-controls').isVisible()).toBe(false);
    expect(await page.locator('#board-table th[aria-sort="descending"]').getAttribute('data-col')).toBe('AP');
    await shot(page, 'board-no-js');
    await noJs.close();
  });

  it('home page shows the first board', async () => {
    const page = await open('/');
    expect(await page.locator('h1').textContent()).toContain('Fake COCO');
    expect(await page.locator('#board-table tbody tr').count()).toBe(visibleResults().length);
    await page.close();
  });

  it('sorts by any column with buttons in the header, by mouse or keyboard', async () => {
    const page = await open(`/board/${DS}/`);
    await page.locator('th[data-col="latency"] button').click();
    expect(await page.locator('th[data-col="latency"]').getAttribute('aria-sort')).toBe('ascending');
    const keys = await page
      .locator('#board-table tbody tr:not([hidden])')
      .evaluateAll((t) => t.map((tr) => (tr as HTMLElement).dataset['key']!));
    const byLatency = visibleResults()
      .sort((a, b) => a.speed!.inferenceMs.p50 - b.speed!.inferenceMs.p50)
      .map((m) => m.model!.id);
    expect(keys).toEqual(byLatency);
    expect(page.url()).toContain('sort=latency');
    await page.locator('th[data-col="AP50"] button').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('th[data-col="AP50"]').getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('th[data-col="latency"]').getAttribute('aria-sort')).toBeNull();
    const ap50 = await page.locator('#board-table tbody td.col-AP50').allTextContents();
    expect(ap50).toEqual([...ap50].sort((a, b) => Number(b) - Number(a)));
    await page.keyboard.press('Enter');
    expect(await page.locator('th[data-col="AP50"]').getAttribute('aria-sort')).toBe('ascending');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('filters by family and name, hides columns, and restores the view from the URL', async () => {
    const page = await open(`/board/${DS}/`);
    await page.locator('summary', { hasText: 'Family' }).click();
    await page.locator('input[name="family"][value="yolov5"]').check();
    const expected = visibleResults().filter((m) => m.model!.id.startsWith('yolov5'));
    const shown = page.locator('#board-table tbody tr:not([hidden])');
    expect(await shown.count()).toBe(expected.length);
    expect(await page.locator('#board-status').textContent()).toContain(
      `Showing ${expected.length} of ${visibleResults().length}`,
    );
    await page.locator('input[name="q"]').fill('YOLOv5m');
    const names = await page.locator('#board-table tbody tr:not([hidden]) th.col-name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toContain('YOLOv5m');
    await page.locator('summary', { hasText: 'Columns' }).click();
    await page.locator('input[name="cols"][value="AP75"]').uncheck();
    expect(await page.locator('th[data-col="AP75"]').isHidden()).toBe(true);
    const url = page.url();
    expect(url).toContain('family=yolov5');
    expect(url).toContain('q=YOLOv5m');
    expect(url).toContain('cols=');
    // The same link, opened fresh, shows the same view.
    const again = await open(new URL(url).pathname + new URL(url).search);
    expect(await again.locator('#board-table tbody tr:not([hidden]) th.col-name').allTextContents()).toEqual(
      names,
    );
    expect(await again.locator('th[data-col="AP75"]').isHidden()).toBe(true);
    expect(await again.locator('input[name="family"][value="yolov5"]').isChecked()).toBe(true);
    // Charts dim the models the filters hide.
    const dimmed = await again.locator('#latency-fake-coco [data-key].dimmed').count();
    expect(dimmed).toBe(visibleResults().length - names.length);
    await shot(again, 'board-filtered');
    await again.locator('[data-action="reset"]').click();
    expect(await again.locator('#board-table tbody tr:not([hidden])').count()).toBe(visibleResults().length);
    await page.close();
    await again.close();
  });

  it('downloads the current view as CSV, JSON and LaTeX', async () => {
    const page = await open(`/board/${DS}/?family=detr&sort=AP50`);
    const rows = visibleResults().filter((m) => m.model!.id.startsWith('detr'));
    const get = async (kind: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`[data-download="${kind}"]`).click(),
      ]);
      return { name: dl.suggestedFilename(), text: await readFile((await dl.path())!, 'utf8') };
    };
    const csv = await get('csv');
    expect(csv.name).toBe('fake-coco-leaderboard.csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['#', 'Model', 'Family', 'AP']);
    const byAp50 = [...rows].sort((a, b) => b.coco.AP50 - a.coco.AP50);
    expect(lines[1]!.split(',')[3]).toBe(String(Math.round(byAp50[0]!.coco.AP * 10000) / 100));
    const json = JSON.parse((await get('json')).text);
    expect(json.rows).toHaveLength(rows.length);
    expect(json.rows.every((r: { family: string }) => r.family === 'detr')).toBe(true);
    const tex = (await get('tex')).text;
    expect(tex).toContain('\\begin{tabular}');
    expect(tex.match(/\\\\$/gm)).toHaveLength(rows.length + 1);
    await page.close();
  });

  it('draws one linked point per model on the trade-off charts', async () => {
    const page = await open(`/board/${DS}/`);
    const points = page.locator('#latency-fake-coco a[data-key]');
    expect(await points.count()).toBe(visibleResults().length);
    expect(await page.locator('#params-fake-coco a[data-key]').count()).toBe(visibleResults().length);
    const best = visibleResults()[0]!.model!.id;
    const point = page.locator(`#latency-fake-coco a[data-key="${best}"]`);
    expect(await point.locator('title').textContent()).toContain(`AP ${pct(visibleResults()[0]!.coco.AP)}`);
    await point.locator('circle').click({ force: true });
    await page.waitForURL(`**/model/${DS}/${best}/`);
    expect(await page.locator('h1').textContent()).toContain(
      await page.locator('.model-header h1').textContent(),
    );
    await page.close();
  });

  it('shows the class heatmap and the best model per class', async () => {
    const page = await open(`/board/${DS}/`);
    const first = visibleResults()[0]!;
    const cells = page.locator(`#classes-${DS} rect.cell`);
    expect(await cells.count()).toBe(Math.min(30, visibleResults().length) * first.perClass.length);
    const cls = first.perClass[0]!;
    const best = visibleResults()
      .map((m) => ({ m, ap: m.perClass.find((c) => c.id === cls.id)!.AP }))
      .sort((a, b) => b.ap - a.ap)[0]!;
    const row = page.locator('#best-per-class + .table-wrap tbody tr', { hasText: cls.name }).first();
    expect(await row.locator('td').nth(2).textContent()).toBe(pct(best.ap));
    await page.close();
  });

  it('model page holds the numbers of its metric file', async () => {
    const m = visibleResults()[2]!;
    const id = m.model!.id;
    const page = await open(`/model/${DS}/${id}/`);
    expect(await page.locator('.card [data-metric="AP"]').textContent()).toBe(pct(m.coco.AP));
    for (const [stat, v] of Object.entries(m.coco)) {
      expect(await page.locator(`#coco-table [data-stat="${stat}"]`).textContent(), stat).toBe(pct(v));
    }
    expect(await page.locator('#per-class-table tbody tr').count()).toBe(m.perClass.length);
    const c = m.perClass[7]!;
    const row = page.locator(`#per-class-table tbody tr[data-class="${c.id}"] td`);
    expect(await row.nth(0).textContent()).toBe(c.gt.toLocaleString('en-US'));
    expect(await row.nth(1).textContent()).toBe(pct(c.AP));
    expect(await row.nth(8).textContent()).toBe(c.tp.toLocaleString('en-US'));
    expect(await page.locator('#speed-table [data-metric="p50"]').textContent()).toBe(
      ms(m.speed!.inferenceMs.p50),
    );
    expect(await page.locator('#errors-table tbody tr').first().locator('td').first().textContent()).toBe(
      m.errors.cls.count.toLocaleString('en-US'),
    );
    const k = m.confusion.labels.length;
    const missed = m.confusion.matrix[0]![k - 1]!;
    expect(
      await page
        .locator('#confusion rect.cell title', {
          hasText: `${m.confusion.labels[0]} → background (missed): ${missed.toLocaleString('en-US')}`,
        })
        .count(),
    ).toBe(1);
    // Sorting the per-class table by a header button.
    await page.locator('#per-class-table th button', { hasText: /^GT$/ }).click();
    const gts = await page.locator('#per-class-table tbody td:nth-of-type(1)').allTextContents();
    const sorted = [...m.perClass]
      .map((x) => x.gt)
      .sort((a, b) => b - a)
      .map((x) => x.toLocaleString('en-US'));
    expect(gts).toEqual(sorted);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await shot(page, 'model-page');
    await page.close();
  });

  it('confidence explorer reads out the curve under the slider, starting at the F1-optimal threshold', async () => {
    const m = visibleResults()[0]!;
    const page = await open(`/model/${DS}/${m.model!.id}/`);
    expect(await page.locator('#conf-value').textContent()).toBe(m.optimal.confidence.toFixed(2));
    expect(await page.locator('#conf-f1').textContent()).toBe(pct(m.optimal.f1));
    await page.locator('#conf-slider').fill('0.8');
    const p = m.curves.confidence.find((q) => Math.abs(q.conf - 0.8) < 1e-9)!;
    expect(await page.locator('#conf-value').textContent()).toBe('0.80');
    expect(await page.locator('#conf-precision').textContent()).toBe(pct(p.precision));
    expect(await page.locator('#conf-recall').textContent()).toBe(pct(p.recall));
    expect(await page.locator('#conf-f1').textContent()).toBe(pct(p.f1));
    const optimal = await page.locator('#confidence .rule[data-key="optimal"]').getAttribute('transform');
    const cursor = await page.locator('#confidence .rule[data-key="cursor"]').getAttribute('transform');
    expect(cursor).not.toBe(optimal);
    await page.locator('#confidence-explorer').screenshot({ path: join(SHOTS, 'confidence-explorer.png') });
    await page.close();
  });

  it('draws a class PR curve on demand and toggles the confusion matrix colouring', async () => {
    const m = visibleResults()[0]!;
    const page = await open(`/model/${DS}/${m.model!.id}/`);
    const path = page.locator('#pr-curves path[data-key="class-50"]');
    expect(await path.getAttribute('d')).toBe('');
    await page.locator('#pr-class').selectOption({ label: m.perClass[3]!.name });
    expect(await path.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
    const cell = page.locator('#confusion rect.cell').first();
    const [before, alt] = [await cell.getAttribute('fill-opacity'), await cell.getAttribute('data-alt')];
    await page.locator('#confusion-mode input[value="raw"]').check();
    expect(await cell.getAttribute('fill-opacity')).toBe(alt);
    await page.locator('#confusion-mode input[value="normalised"]').check();
    expect(await cell.getAttribute('fill-opacity')).toBe(before);
    await page.close();
  });

  it('sample images are copied into the site and boxes can be hidden', async () => {
    const m = visibleResults()[0]!;
    const page = await open(`/model/${DS}/${m.model!.id}/`);
    const images = page.locator('#samples image');
    expect(await images.count()).toBe(m.samples.length);
    const href = (await images.first().getAttribute('href'))!;
    expect(href).toBe(`/samples/${DS}/${m.samples[0]!.imageId}.webp`);
    const res = await page.request.get(server.url + href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/webp');
    expect(await page.locator('#sample-0 .gt rect').count()).toBe(m.samples[0]!.gt.length);
    expect(await page.locator('#sample-0 .dt rect').count()).toBe(m.samples[0]!.dt.length);
    expect(await page.locator('#sample-0 .gt').isVisible()).toBe(true);
    await page.locator('#show-gt').uncheck();
    expect(await page.locator('#sample-0 .gt').isVisible()).toBe(false);
    expect(await page.locator('#sample-0 .dt').isVisible()).toBe(true);
    await page.locator('#samples').screenshot({ path: join(SHOTS, 'samples.png') });
    await page.close();
  });

  it('renders contributor notes sanitised, and history only when there were re-benchmarks', async () => {
    // yolov8-n has notes (with a script, an onerror image and a javascript: link) and two earlier runs.
    const page = await open(`/model/${DS}/yolov8-n/`);
    const notes = page.locator('.notes');
    expect(await notes.textContent()).toContain('opset 17');
    expect(await notes.locator('script, img, iframe, [onerror]').count()).toBe(0);
    expect(await notes.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await notes.locator('a[href="https://arxiv.org/abs/2304.00501"]').count()).toBe(1);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    expect(await page.locator('#history tbody tr').count()).toBe(results.get('yolov8-n')!.history.length + 1);
    const plain = await open(`/model/${DS}/yolov5-n/`);
    expect(results.get('yolov5-n')!.history).toHaveLength(0);
    expect(await plain.locator('#history').count()).toBe(0);
    expect(await plain.locator('.notes').count()).toBe(0);
    await page.close();
    await plain.close();
  });

  it('hidden models get no page', async () => {
    const res = await ctx.request.get(`${server.url}/model/${DS}/${HIDDEN}/`);
    expect(res.status()).toBe(404);
  });

  it('compares models side by side from the query string', async () => {
    const [a, b] = visibleResults();
    const page = await open(`/compare/${DS}/?m=${a!.model!.id},${b!.model!.id}`);
    await page.locator('#compare-summary').waitFor();
    const heads = await page.locator('#compare-summary thead th').allTextContents();
    expect(heads.slice(1)).toHaveLength(2);
    const ap = await page.locator('#compare-summary tbody tr').first().locator('td').allTextContents();
    expect(ap).toEqual([pct(a!.coco.AP), pct(b!.coco.AP)]);
    expect(await page.locator('#compare-pr path.line').count()).toBe(2);
    expect(await page.locator('#compare-classes tbody tr').count()).toBe(a!.perClass.length);
    expect(await page.locator(`input[name="m"][value="${a!.model!.id}"]`).isChecked()).toBe(true);
    await shot(page, 'compare');
    // Picking a third model and submitting updates the view and the URL.
    await page.locator(`input[name="m"][value="${visibleResults()[2]!.model!.id}"]`).check();
    await page.locator('#compare-form button[type="submit"]').click();
    await page.locator('#compare-summary thead th').nth(3).waitFor();
    expect(page.url()).toContain(`m=${a!.model!.id},${b!.model!.id},${visibleResults()[2]!.model!.id}`);
    await page.close();
  });

  it('dataset, methodology and submit pages', async () => {
    const ds = await open(`/dataset/${DS}/`);
    const m = visibleResults()[0]!;
    expect(await ds.locator('#dataset-classes tbody tr').count()).toBe(m.perClass.length);
    expect(await ds.locator('#dataset-classes tbody tr').first().locator('td').nth(1).textContent()).toBe(
      m.perClass[0]!.gt.toLocaleString('en-US'),
    );
    const meth = await open('/methodology/');
    expect(await meth.locator('h1').first().textContent()).toBe('Methodology');
    expect(await meth.locator('#recommendation-rules-table tbody tr').count()).toBe(RULES.length);
    const submit = await open('/submit/');
    expect(await submit.locator('#manifest-fields code', { hasText: /^weights\.sha256$/ }).count()).toBe(1);
    for (const p of [ds, meth, submit]) await p.close();
  });

  it('search finds a model page through the Pagefind index', async () => {
    const page = await open('/search/');
    await page.locator('.pagefind-ui__search-input').fill('RT-DETRm');
    await page.locator('.pagefind-ui__result-link').first().waitFor();
    const titles = await page.locator('.pagefind-ui__result-link').allTextContents();
    expect(titles).toContain('RT-DETRm on Fake COCO');
    expect(titles).toContain('RT-DETRm on Fake shapes');
    await page.close();
  });

  it('follows the system dark theme and toggles it', async () => {
    const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
    const page = await open(`/board/${DS}/`, dark);
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await bg()).toBe('rgb(17, 20, 24)');
    expect(await page.locator('#theme-toggle').getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'board-dark');
    await page.locator('#theme-toggle').click();
    expect(await bg()).toBe('rgb(255, 255, 255)');
    expect(await page.locator('#theme-toggle').getAttribute('aria-pressed')).toBe('false');
    // The choice survives a reload.
    await page.reload();
    expect(await bg()).toBe('rgb(255, 255, 255)');
    await dark.close();
  });

  it('never scrolls sideways as a page, on a phone or a desktop: only tables and heatmaps scroll, in their frames', async () => {
    const pages = [
      [`/board/${DS}/`, 'board'],
      [`/model/${DS}/${visibleResults()[0]!.model!.id}/`, 'model'],
      [`/compare/${DS}/?m=yolov8-x,detr-x`, 'compare'],
    ] as const;
    for (const [width, device] of [
      [390, 'phone'],
      [1280, 'desktop'],
    ] as const) {
      const context = await browser.newContext({
        viewport: { width, height: 844 },
        ...(device === 'phone' ? { isMobile: true, hasTouch: true } : {}),
      });
      for (const [path, name] of pages) {
        const page = await open(path, context);
        await page.locator('h1').waitFor();
        if (name === 'compare') await page.locator('#compare-summary').waitFor();
        // Against the configured width: a phone's layout viewport would widen to fit overflowing content.
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `${device} ${path}`).toBeLessThanOrEqual(width);
        if (device === 'phone') await shot(page, `phone-${name}`);
        await page.close();
      }
      await context.close();
    }
  });

  it('has the accessibility basics: labels, one h1, header buttons, chart titles', async () => {
    for (const path of [`/board/${DS}/`, `/model/${DS}/yolov8-n/`, `/compare/${DS}/`]) {
      const page = await open(path);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('h1').count(), path).toBe(1);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select')]
          .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML),
      );
      expect(unlabelled, path).toEqual([]);
      const untitled = await page.evaluate(
        () =>
          [...document.querySelectorAll('svg.chart')].filter(
            (s) => !s.querySelector(':scope > title')?.textContent,
          ).length,
      );
      expect(untitled, path).toBe(0);
      await page.close();
    }
    const board = await open(`/board/${DS}/`);
    expect(await board.locator('#board-table thead th:not(:has(button))').count()).toBe(0);
    await board.close();
  });

  it('fetched nothing from outside the site', () => {
    expect(outside).toEqual([]);
    expect(server.requests.some((p) => p.startsWith('/_astro/'))).toBe(true);
  });
});
