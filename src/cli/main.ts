import module from 'node:module';
import { isUserError } from '../lib/util/errors.ts';

// Node's on-disk code cache (in the OS temp folder): later runs skip re-compiling (and
// re-stripping the types of) the command modules, a visible share of a short command's time.
module.enableCompileCache?.();

/**
 * Each command is a module exporting `run(argv)`; modules load lazily so that `podium eval`
 * never pays for onnxruntime or sharp.
 */
const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number | undefined> }> }
> = {
  eval: {
    summary: 'evaluate COCO detections against COCO ground truth',
    load: () => import('./commands/eval.ts'),
  },
  run: {
    summary: 'benchmark models on datasets and write results/',
    load: () => import('./commands/run.ts'),
  },
  validate: { summary: 'check model and dataset manifests', load: () => import('./commands/validate.ts') },
  plan: {
    summary: 'list model × dataset pairs whose results are out of date',
    load: () => import('./commands/plan.ts'),
  },
  'merge-shards': {
    summary: 'join the partial predictions of sharded runs, checking every image is covered once',
    load: () => import('./commands/merge-shards.ts'),
  },
  'new-model': {
    summary: 'scaffold models/<id>/ (model.yaml with comments, README.md)',
    load: () => import('./commands/new-model.ts'),
  },
  'pr-check': {
    summary: 'policy checks on a pull request, as a Markdown summary',
    load: () => import('./commands/pr-check.ts'),
  },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    'Usage: podium <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `podium <command> --help` for options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const { podiumVersion } = await import('../lib/orchestrate/provenance.ts');
    console.log(await podiumVersion());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`podium: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return (await mod.run(rest)) ?? 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (isUserError(err)) {
    console.error(`podium: error: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof TypeError && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`podium: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error('podium: internal error — please report it with the command you ran.');
    console.error(err);
    process.exitCode = 1;
  }
}
