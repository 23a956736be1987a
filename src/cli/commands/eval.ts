import { statSync } from 'node:fs';
import { type EvalHelper, startEvalHelper } from '../../lib/eval/eval-threads.ts';
import { evaluateCoco } from '../../lib/eval/evaluate.ts';
import { cocoPerClass, type PerClassStats } from '../../lib/eval/per-class.ts';
import { loadInputs } from '../../lib/eval/read-files.ts';
import { formatSummary } from '../../lib/eval/summarize.ts';
import { writeJsonAtomic } from '../../lib/util/atomic-write.ts';
import { UserError } from '../../lib/util/errors.ts';
import { createStages, type Stages } from '../../lib/util/stages.ts';
import { defineCommand, defineOptions, formatHelp, type OptionValues } from '../spec.ts';

const options = defineOptions({
  gt: { type: 'string', arg: 'FILE', help: 'COCO instances ground truth (images, annotations, categories)' },
  dt: { type: 'string', arg: 'FILE', help: 'COCO results list [{image_id, category_id, bbox, score}, ...]' },
  out: { type: 'string', arg: 'FILE', help: 'write the metric JSON here (atomically)' },
  quiet: { type: 'boolean', help: 'print nothing but errors' },
  timings: { type: 'boolean', help: 'print the time of each stage and the peak memory' },
  resamples: { type: 'int', help: 'bootstrap resamples for the AP interval', defaultText: '200' },
  'stats-only': {
    type: 'boolean',
    help: 'COCO stats and the per-class table only: no extended analysis, no metric JSON',
  },
});

export type EvalOptions = OptionValues<typeof options>;

function fmt(v: number): string {
  return v < 0 ? '    -' : v.toFixed(3);
}

export function formatPerClassTable(perClass: readonly PerClassStats[]): string {
  const nameWidth = Math.max(5, ...perClass.map((c) => c.name.length));
  const head = `${'id'.padStart(5)}  ${'class'.padEnd(nameWidth)}  ${'gt'.padStart(6)}     AP   AP50   AP75    APs    APm    APl  AR100`;
  const rows = perClass.map(
    (c) =>
      `${String(c.id).padStart(5)}  ${c.name.padEnd(nameWidth)}  ${String(c.gt).padStart(6)}  ${[c.AP, c.AP50, c.AP75, c.APs, c.APm, c.APl, c.AR100].map((v) => fmt(v).padStart(5)).join('  ')}`,
  );
  return [head, ...rows].join('\n');
}

export async function evaluate(values: EvalOptions): Promise<number> {
  if (!values.gt || !values.dt)
    throw new UserError(`both --gt and --dt are required\n\n${formatHelp(command)}`);
  const statsOnly = values['stats-only'] === true;
  if (statsOnly && values.out) {
    throw new UserError(
      '--stats-only writes no metric JSON (that needs the extended analysis): drop --out or --stats-only',
    );
  }
  const big =
    [values.gt, values.dt].reduce((s, f) => s + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0) > 8e6;
  const stages = createStages(4, process.stderr, !values.quiet && big && process.stderr.isTTY === true);

  // A second thread for large cases, started first so that its start-up overlaps the reading.
  const helper = big ? startEvalHelper() : undefined;
  try {
    return await evaluateWith({ ...values, gt: values.gt, dt: values.dt }, statsOnly, stages, helper);
  } finally {
    await helper?.close();
  }
}

async function evaluateWith(
  values: EvalOptions & { gt: string; dt: string },
  statsOnly: boolean,
  stages: Stages,
  helper: EvalHelper | undefined,
): Promise<number> {
  const resamples = values.resamples;
  // Bytes straight to columns (no object per detection); both files read and hashed concurrently.
  stages.next('reading gt + detections');
  const { gt, dt, dtSha256 } = await loadInputs(values.gt, values.dt, { hash: !statsOnly, helper });
  stages.next('matching and accumulating');
  const coco = evaluateCoco(gt, dt);
  if (statsOnly) {
    const timings = stages.done();
    if (!values.quiet) {
      console.log(formatSummary(coco.summary.stats));
      console.log('');
      console.log(formatPerClassTable(cocoPerClass(coco)));
    }
    if (values.timings) printTimings(timings);
    return 0;
  }
  stages.next('extended analysis');
  // The helper hashed the results file while this thread matched.
  const evaluation = { ...coco, dt: { ...dt, sha256: await dtSha256 } };
  // Loaded only here: --stats-only never pays for the analysis modules.
  const { buildMetrics } = await import('../../lib/eval/build-metrics.ts');
  const metrics = buildMetrics(evaluation, {
    ...(resamples !== undefined && { bootstrapResamples: resamples }),
    helper,
  });
  if (values.out) {
    stages.next('writing metric JSON');
    await writeJsonAtomic(values.out, metrics);
  }
  const timings = stages.done();

  if (!values.quiet) {
    console.log(formatSummary(metrics.coco));
    console.log('');
    console.log(formatPerClassTable(metrics.perClass));
    const u = metrics.uncertainty;
    console.log('');
    console.log(
      `AP ${metrics.coco.AP.toFixed(3)} (95% bootstrap interval ${u.AP.lo.toFixed(3)}–${u.AP.hi.toFixed(3)}), ` +
        `F1-optimal confidence ${metrics.optimal.confidence.toFixed(3)}: P ${metrics.optimal.precision.toFixed(3)} ` +
        `R ${metrics.optimal.recall.toFixed(3)} F1 ${metrics.optimal.f1.toFixed(3)}`,
    );
    if (values.out) console.log(`wrote ${values.out}`);
  }
  if (values.timings) printTimings(timings);
  return 0;
}

function printTimings(timings: [string, number][]): void {
  for (const [label, s] of timings) console.error(`${label.padEnd(28)} ${s.toFixed(3)} s`);
  console.error(`${'peak RSS'.padEnd(28)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

export const command = defineCommand({
  name: 'eval',
  usage: ['--gt <instances.json> --dt <results.json> [--out metrics.json]'],
  description: `Evaluates COCO-format detections against COCO ground truth with pycocotools' exact semantics
(COCOeval, bbox), prints its 12-line summary and a per-class table, and writes Podium's metric JSON.`,
  options,
  run: evaluate,
});
