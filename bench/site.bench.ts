/**
 * Site scale benchmark: generates a fake board of 500 models × 2 datasets (80 and 5 classes),
 * builds the site with `astro build` into a temporary folder, and checks the budgets:
 *   - the build takes under 60 s,
 *   - the 500-row leaderboard page is under 300 KB gzipped.
 * Prints one JSON object; exits 1 when a budget is exceeded.
 *
 * Usage: npm run bench:site [-- --models 500 --datasets 2 --keep]
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildSite } from '../tests/support/build-site.ts';
import { generateBoard } from '../tests/support/fake-board.ts';

const BUDGET = { buildSeconds: 60, boardGzipKB: 300 };

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '500' },
    datasets: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});

async function folderBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += (await stat(join(e.parentPath, e.name))).size;
    files++;
  }
  return { bytes, files };
}

async function sizes(file: string) {
  const raw = await readFile(file);
  return {
    rawKB: Math.round(raw.length / 102.4) / 10,
    gzipKB: Math.round(gzipSync(raw, { level: 9 }).length / 102.4) / 10,
  };
}

const { mkdtemp } = await import('node:fs/promises');
const { tmpdir, cpus } = await import('node:os');
const dataDir = await mkdtemp(join(tmpdir(), 'podium-bench-site-'));
const t0 = performance.now();
const board = await generateBoard({
  dir: dataDir,
  models: Number(values.models),
  datasets: Number(values.datasets),
  clean: true,
});
const generateS = (performance.now() - t0) / 1000;
const built = await buildSite(dataDir);
if (!built.ok) {
  console.error(built.output);
  process.exit(1);
}
const buildS = built.ms / 1000;
const first = board.datasets[0]!;
const model = board.models.find((m) => !board.hidden.includes(m))!;
const jsFiles = (await readdir(join(built.outDir, '_astro'))).filter((f) => f.endsWith('.js'));
const js: Record<string, number> = {};
for (const f of jsFiles) js[f] = (await sizes(join(built.outDir, '_astro', f))).gzipKB;
const report = {
  models: board.models.length,
  datasets: board.datasets.length,
  results: board.results,
  cpus: cpus().length,
  generateSeconds: Math.round(generateS * 10) / 10,
  buildSeconds: Math.round(buildS * 10) / 10,
  leaderboard: await sizes(join(built.outDir, 'board', first, 'index.html')),
  modelPage80Classes: await sizes(join(built.outDir, 'model', first, model, 'index.html')),
  comparePage: await sizes(join(built.outDir, 'compare', first, 'index.html')),
  clientJsGzipKB: js,
  site: await folderBytes(built.outDir),
  budget: BUDGET,
};
console.log(JSON.stringify(report, null, 2));
if (!values.keep) {
  await rm(dataDir, { recursive: true, force: true });
  await rm(join(built.outDir, '..'), { recursive: true, force: true });
} else console.error(`kept: data in ${dataDir}, site in ${built.outDir}`);
const over = [
  buildS > BUDGET.buildSeconds && `build took ${buildS.toFixed(1)} s (budget ${BUDGET.buildSeconds} s)`,
  report.leaderboard.gzipKB > BUDGET.boardGzipKB &&
    `leaderboard is ${report.leaderboard.gzipKB} KB gzipped (budget ${BUDGET.boardGzipKB} KB)`,
].filter(Boolean);
if (over.length) {
  console.error(`over budget: ${over.join('; ')}`);
  process.exit(1);
}
