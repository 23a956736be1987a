import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

/** Builds the site from a data folder into a fresh temporary folder, as CI and the bench do. */
export const REPO = resolve(import.meta.dirname, '../..');
const ASTRO = join(REPO, 'node_modules', 'astro', 'bin', 'astro.mjs');

export interface Built {
  ok: boolean;
  outDir: string;
  output: string;
  ms: number;
}

export async function buildSite(
  dataDir: string,
  opts: { outDir?: string; base?: string } = {},
): Promise<Built> {
  const work = await mkdtemp(join(tmpdir(), 'podium-site-'));
  const outDir = opts.outDir ?? join(work, 'dist');
  const t0 = performance.now();
  const res = await execa(process.execPath, [ASTRO, 'build'], {
    cwd: REPO,
    reject: false,
    all: true,
    env: {
      ASTRO_TELEMETRY_DISABLED: '1',
      PODIUM_DATA_DIR: dataDir,
      PODIUM_OUT_DIR: outDir,
      // A private content store, so parallel builds (other tests, a developer's) don't collide.
      PODIUM_ASTRO_CACHE_DIR: join(work, 'cache'),
      ...(opts.base ? { PODIUM_BASE_PATH: opts.base } : {}),
      NO_COLOR: '1',
    },
  });
  return { ok: res.exitCode === 0, outDir, output: res.all ?? '', ms: performance.now() - t0 };
}
