/**
 * `npm run demo`: the whole mission on this machine, from pixels to site.
 *   1. generate what is missing of the demo (shapes dataset, demo detectors) and check their pins;
 *   2. `podium run --all` on CPU (pairs whose results are up to date are skipped);
 *   3. build the static site into dist/;
 *   4. print where to open it, or serve it with `--serve` (astro preview on 127.0.0.1).
 * A second run reuses everything and takes seconds.
 *
 *   npm run demo [-- --serve] [-- --port 4321] [-- --force]
 *   npm run demo -- --root /tmp/demo --images 16     # a small demo elsewhere (the tests do this)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { run as runCommand } from '../src/cli/commands/run.ts';
import { prepareDemo } from '../src/lib/demo/prepare.ts';
import { isUserError } from '../src/lib/util/errors.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      port: { type: 'string', default: '4321' },
      force: { type: 'boolean', default: false },
      root: { type: 'string', default: '.' },
      images: { type: 'string' },
    },
  });
  const root = resolve(values.root);
  const repo = resolve(import.meta.dirname, '..');
  const images = values.images === undefined ? undefined : Number(values.images);
  if (images !== undefined && !(Number.isInteger(images) && images > 0)) {
    console.error(`demo: --images: expected a positive integer, got "${values.images}"`);
    return 2;
  }
  const t0 = performance.now();
  const step = (s: string) => console.log(`\n▸ ${s} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  step('1/3 demo dataset and detectors');
  const demo = await prepareDemo({
    root,
    ...(images === undefined ? {} : { images }),
    log: (line) => console.log(`  ${line}`),
  });
  const w = demo.written;
  const generated = w.images + w.models + w.manifests + (w.annotations ? 1 : 0);
  console.log(
    `  ${demo.models.length} models and the dataset ready (${generated ? `${w.images} images, ${w.models} models generated` : 'nothing to generate'})`,
  );

  step('2/3 benchmark every model on CPU (podium run --all)');
  const code = await runCommand(['--all', '--root', root, ...(values.force ? ['--force'] : [])]);
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
    console.log('  serve it with: npm run demo -- --serve');
    return 0;
  }
  console.log(`  serving on http://127.0.0.1:${values.port}/ (Ctrl-C to stop)`);
  const server = execa('astro', ['preview', '--host', '127.0.0.1', '--port', values.port], {
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

try {
  process.exitCode = await main();
} catch (err) {
  if (isUserError(err)) {
    console.error(`demo: error: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
