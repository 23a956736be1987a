import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { prepareDemo } from '../../lib/demo/prepare.ts';
import { defineCommand, defineOptions, type OptionValues, resolveRoot, rootOption } from '../spec.ts';
import { runBenchmarks } from './run.ts';

const options = defineOptions({
  serve: { type: 'boolean', help: 'serve the built site (astro preview on 127.0.0.1) until Ctrl-C' },
  port: { type: 'int', default: 4321, max: 65535, help: 'port for --serve' },
  force: { type: 'boolean', help: 're-run every pair even when its result is up to date' },
  root: { ...rootOption, help: 'where the demo dataset, models and results live' },
  images: { type: 'int', max: 100_000, help: 'images in the demo dataset', defaultText: '300' },
});
export type DemoOptions = OptionValues<typeof options>;

/**
 * The whole mission on this machine, from pixels to site:
 *   1. generate what is missing of the demo (shapes dataset, demo detectors) and check their pins;
 *   2. `podium run --all` on CPU (pairs whose results are up to date are skipped);
 *   3. build the static site into <root>/dist;
 *   4. print where to open it, or serve it with --serve.
 * A second run reuses everything and takes seconds.
 */
export async function demo(values: DemoOptions): Promise<number> {
  const root = await resolveRoot(values.root);
  const repo = resolve(import.meta.dirname, '../../..');
  const t0 = performance.now();
  const step = (s: string) => console.log(`\n▸ ${s} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  step('1/3 demo dataset and detectors');
  const prepared = await prepareDemo({
    root,
    ...(values.images === undefined ? {} : { images: values.images }),
    log: (line) => console.log(`  ${line}`),
  });
  const w = prepared.written;
  const generated = w.images + w.models + w.manifests + (w.annotations ? 1 : 0);
  console.log(
    `  ${prepared.models.length} models and the dataset ready (${generated ? `${w.images} images, ${w.models} models generated` : 'nothing to generate'})`,
  );

  step('2/3 benchmark every model on CPU (podium run --all --local)');
  const code = await runBenchmarks({
    all: true,
    // Offline: models and datasets that are downloads (COCO val2017, the zoo's large files) are
    // listed as skipped; what is in the repository (the shapes demo, coco128 and the vendored
    // detectors) is benchmarked.
    local: true,
    root,
    force: values.force,
    device: 'cpu',
    quiet: false,
    fromShards: false,
    model: undefined,
    dataset: undefined,
    limit: undefined,
    shard: undefined,
    out: undefined,
    outDir: undefined,
    batch: undefined,
    threads: undefined,
    cacheDir: undefined,
  });
  if (code !== 0) return code;

  step('3/3 build the site');
  const dist = join(root, 'dist');
  // Astro runs in the repository (its config and pages) and reads the data from `root`.
  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', PODIUM_DATA_DIR: root, PODIUM_OUT_DIR: dist };
  await execa('astro', ['build', '--silent'], { cwd: repo, env, stdio: 'inherit', preferLocal: true });
  console.log(
    `\n✓ done in ${((performance.now() - t0) / 1000).toFixed(1)} s. The board: ${join(dist, 'index.html')}`,
  );

  if (!values.serve) {
    console.log('  serve it with: npx podium demo --serve');
    return 0;
  }
  console.log(`  serving on http://127.0.0.1:${values.port}/ (Ctrl-C to stop)`);
  const server = execa('astro', ['preview', '--host', '127.0.0.1', '--port', String(values.port)], {
    cwd: repo,
    env,
    stdio: 'inherit',
    preferLocal: true,
    // its own process group, so Ctrl-C here stops astro's node child too
    detached: true,
  });
  const stop = () => {
    if (server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.catch(() => undefined);
  return 0;
}

export const command = defineCommand({
  name: 'demo',
  usage: ['[--serve] [--port N] [--force] [--root DIR --images N]'],
  description: `The whole pipeline on the embedded demo: generates what is missing of the shapes dataset and
the demo detectors (checking their pins), benchmarks every model on CPU (podium run --all; up-to-date
pairs are skipped) and builds the site into <root>/dist. A second run reuses everything.
Also: npm run demo [-- options].`,
  options,
  run: demo,
});
