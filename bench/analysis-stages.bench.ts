/**
 * Times the analysis on a COCO val2017-scale case (see shared/fixtures/coco-scale/README.md):
 *   npx node bench/analysis-stages.bench.ts [DIR with gt.json + dt.json] [repeats]
 * (DIR defaults to the case `npm run bench:eval` generates, .podium/bench/coco-scale).
 * Prints the time of each step and of analyze() as a whole (median of the repeats).
 */
import { join } from 'node:path';
import { bootstrapAp } from '../src/lib/eval/analysis/bootstrap.ts';
import { confidenceSweep, countsAtConfidence, scoredOutcomes } from '../src/lib/eval/analysis/confidence.ts';
import { confusionMatrix } from '../src/lib/eval/analysis/confusion.ts';
import { f1Scores } from '../src/lib/eval/analysis/f1.ts';
import { countedGt, groupGtByImage } from '../src/lib/eval/analysis/gt-by-image.ts';
import { analyze } from '../src/lib/eval/analysis/index.ts';
import { outcomes } from '../src/lib/eval/analysis/outcomes.ts';
import { prCurves } from '../src/lib/eval/analysis/pr-curves.ts';
import { classifyErrors } from '../src/lib/eval/analysis/tide.ts';
import { errorBreakdown } from '../src/lib/eval/analysis/tide-fixes.ts';
import { evaluateCoco } from '../src/lib/eval/evaluate.ts';
import { loadDetections, loadGt } from '../src/lib/eval/read-files.ts';

const dir = process.argv[2] ?? join(import.meta.dirname, '../.podium/bench/coco-scale');
const repeats = Number(process.argv[3] ?? 5);

function time<T>(label: string, f: () => T, log: boolean): T {
  const t0 = performance.now();
  const out = f();
  if (log) console.log(`  ${label.padEnd(22)} ${(performance.now() - t0).toFixed(1).padStart(7)} ms`);
  return out;
}

let t0 = performance.now();
const gt = await loadGt(join(dir, 'gt.json'));
const dt = await loadDetections(join(dir, 'dt.json'), gt);
console.log(`load (JSON.parse + columns): ${(performance.now() - t0).toFixed(0)} ms`);
t0 = performance.now();
const ev = evaluateCoco(gt, dt);
console.log(
  `evaluateCoco: ${(performance.now() - t0).toFixed(0)} ms; AP ${ev.summary.stats.AP} AP50 ${ev.summary.stats.AP50}`,
);

const totals: number[] = [];
for (let i = 0; i < repeats; i++) {
  const log = i === repeats - 1;
  if (log) console.log('steps (last repeat):');
  const s0 = performance.now();
  const status = time('outcomes', () => outcomes(ev.matches, 0, 0), log);
  let positives = 0;
  const perClass = Array.from({ length: gt.categoryIds.length }, (_, k) => ev.matches.npig[k * 4]!);
  for (const v of perClass) positives += v;
  const sweep = time(
    'confidence sweep',
    () => confidenceSweep(scoredOutcomes(ev.matches, ev.accumulated.byScore, status, positives)),
    log,
  );
  const conf = sweep.optimal.confidence;
  time('per-class counts', () => countsAtConfidence(ev.matches, status, perClass, conf), log);
  time('pr curves', () => prCurves(ev), log);
  const counted = countedGt(gt, ev.params, 0);
  const byImage = time('gt by image', () => groupGtByImage(gt, counted), log);
  time('confusion', () => confusionMatrix(ev, status, 0, conf, byImage, counted), log);
  time('f1', () => f1Scores(ev, conf), log);
  const tide = time('tide classify', () => classifyErrors(ev, status, 0, byImage, counted), log);
  time('tide dAP (3 passes)', () => errorBreakdown(ev, tide), log);
  time('bootstrap (200)', () => bootstrapAp(ev), log);
  if (log) console.log(`  steps total: ${(performance.now() - s0).toFixed(0)} ms`);
  const a0 = performance.now();
  const result = analyze(ev);
  totals.push(performance.now() - a0);
  if (log) {
    console.log(`optimal ${JSON.stringify(result.optimal)}`);
    console.log(`errors ${JSON.stringify(result.errors)}`);
    console.log(`uncertainty ${JSON.stringify(result.uncertainty)}`);
    console.log(`f1 ${JSON.stringify(result.f1)}`);
  }
}
totals.sort((a, b) => a - b);
console.log(
  `analyze(): median ${totals[totals.length >> 1]!.toFixed(0)} ms over ${repeats} runs (min ${totals[0]!.toFixed(0)}, max ${totals[totals.length - 1]!.toFixed(0)})`,
);
