/**
 * Generates the demo's dataset and models where missing and checks their pins (see
 * src/lib/demo/prepare.ts):
 *
 *   npm run demo:generate                      # into this repository
 *   npm run demo:generate -- --root /tmp/demo --images 20
 *   npm run demo:generate -- --update          # after changing the generator: re-pin the manifests
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDemo } from '../src/lib/demo/prepare.ts';
import { isUserError } from '../src/lib/util/errors.ts';

const USAGE = 'usage: demo-generate [--root DIR] [--images N] [--update]';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string', default: '.' },
      images: { type: 'string' },
      update: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let images: number | undefined;
  if (values.images !== undefined) {
    images = Number(values.images);
    if (!Number.isInteger(images) || images < 1 || images > 100_000) {
      console.error(
        `demo-generate: --images must be a whole number from 1 to 100000, got "${values.images}"`,
      );
      return 2;
    }
  }
  const t0 = performance.now();
  const result = await prepareDemo({
    root: resolve(values.root),
    ...(images === undefined ? {} : { images }),
    update: values.update,
    log: (line) => console.log(line),
  });
  const w = result.written;
  const what =
    w.images + w.models + w.manifests === 0 && !w.annotations
      ? 'everything already in place'
      : `wrote ${w.images} images, ${w.annotations ? 'annotations, ' : ''}${w.models} models, ${w.manifests} manifests`;
  console.log(
    `demo: ${result.dataset.images} images, ${result.models.length} models; ${what} (${Math.round(performance.now() - t0)} ms)`,
  );
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (isUserError(err)) {
    console.error(`demo-generate: error: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof TypeError && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`demo-generate: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
