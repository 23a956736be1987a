import type { Command } from './spec.ts';

/**
 * Every command, with the one line `podium --help` shows. Each module exports its `command`
 * (options declared once, see spec.ts); modules load lazily so that `podium eval` never pays for
 * onnxruntime or sharp.
 */
export const COMMANDS = {
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
  pin: {
    summary: 'write weights {url, sha256, bytes} into a model manifest from an ONNX file',
    load: () => import('./commands/pin.ts'),
  },
  demo: {
    summary: 'the whole pipeline on the embedded demo: generate, benchmark on CPU, build the site',
    load: () => import('./commands/demo.ts'),
  },
} satisfies Record<string, { summary: string; load: () => Promise<{ command: Command }> }>;

export type CommandName = keyof typeof COMMANDS;
