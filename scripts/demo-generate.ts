/**
 * Generates the demo's dataset and models where missing and checks their pins (see
 * src/lib/demo/prepare.ts):
 *
 *   npm run demo:generate                      # into this repository
 *   npm run demo:generate -- --root /tmp/demo --images 20
 *   npm run demo:generate -- --update          # after changing the generator: re-pin the manifests
 */
import { runProgram } from '../src/cli/exit-codes.ts';
import {
  defineCommand,
  defineOptions,
  type OptionValues,
  resolveRoot,
  rootOption,
  runCommand,
} from '../src/cli/spec.ts';
import { prepareDemo } from '../src/lib/demo/prepare.ts';

const options = defineOptions({
  root: { ...rootOption, help: 'where the demo dataset and models live' },
  images: { type: 'int', max: 100_000, help: 'images in the demo dataset', defaultText: '300' },
  update: { type: 'boolean', help: 'after changing the generator: re-pin the manifests' },
});

async function generate(values: OptionValues<typeof options>): Promise<number> {
  const t0 = performance.now();
  const result = await prepareDemo({
    root: await resolveRoot(values.root),
    ...(values.images === undefined ? {} : { images: values.images }),
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

const command = defineCommand({
  name: 'demo-generate',
  invocation: 'npm run demo:generate --',
  usage: ['[--root DIR] [--images N] [--update]'],
  description: "Generates what is missing of the demo's dataset and models, and checks their pins.",
  options,
  run: generate,
});

await runProgram('demo-generate', () => runCommand(command, process.argv.slice(2)));
